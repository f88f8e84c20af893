"""智村 zhicun — the smart-village cloud platform."""
