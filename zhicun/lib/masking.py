"""Masking of sensitive values (SPEC §2): shown masked unless revealed one record at a time."""


def mask_id_number(value: str | None) -> str:
    """150902********1234: the first 6 and the last 4 characters."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678 for a mobile number; other numbers keep only their last 4 digits."""
    if not value:
        return ""
    if len(value) == 11 and value.isdigit():
        return value[:3] + "****" + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_text(value) -> str:
    """Free-text sensitive fields (religion, health notes, income) are hidden whole."""
    return "" if value in (None, "") else "***"
