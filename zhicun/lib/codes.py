"""National code tables (GB/T 2261, 3304, 4658, 4761, 4762, 26341) and the support lists.

Copied from the reference tables into `codetables/`; codes stay strings (leading zeros matter).
"""

import csv
from functools import cache
from pathlib import Path

TABLES = Path(__file__).parent / "codetables"

_SIMPLE = {
    "sex": "sex_gbt2261_1.csv",
    "ethnicity": "ethnicity_gbt3304.csv",
    "relation": "relation_gbt4761.csv",
    "education": "education_gbt4658.csv",
    "marital": "marital_gbt2261_2.csv",
    "political": "political_gbt4762.csv",
}
_LISTED = {
    "support_codes.csv": "list",
    "disability_gbt26341.csv": "kind",
}
_LISTED_NAMES = {
    # table name -> (file, value of the list/kind column)
    "labour": ("support_codes.csv", "labour"),
    "health": ("support_codes.csv", "health"),
    "poverty_cause": ("support_codes.csv", "poverty_cause"),
    "monitor_type": ("support_codes.csv", "monitor_type"),
    "risk_type": ("support_codes.csv", "risk_type"),
    "measure": ("support_codes.csv", "measure"),
    "disability_category": ("disability_gbt26341.csv", "category"),
    "disability_grade": ("disability_gbt26341.csv", "grade"),
}


def _read(filename: str) -> list[dict[str, str]]:
    with open(TABLES / filename, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def table(name: str) -> dict[str, str]:
    """code -> name, in the table's order."""
    if name in _SIMPLE:
        return {row["code"]: row["name"] for row in _read(_SIMPLE[name])}
    filename, value = _LISTED_NAMES[name]
    column = _LISTED[filename]
    return {row["code"]: row["name"] for row in _read(filename) if row[column] == value}


def choices(name: str) -> list[tuple[str, str]]:
    return list(table(name).items())


def label(name: str, code: str | None) -> str:
    if not code:
        return ""
    return table(name).get(code, code)


@cache
def reverse(name: str) -> dict[str, str]:
    """name -> code, for spreadsheets that carry names instead of codes."""
    return {v: k for k, v in table(name).items()}
