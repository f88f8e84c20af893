"""Benchmarks (`make bench`): table rows of medians measured side by side, and their ratio."""
