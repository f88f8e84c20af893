"""The rows a preview read from a file, kept for its commit so the file is not parsed twice.

JSON lines: a head line (format version, header row, ignored columns), then one line per row,
[row number, household index, person values] with the household's values added where that
household first appears. Dates and amounts are written as text and read back by column kind;
coded values are read back as one object each, as the parser produced them. Read line by line,
so that a large file is never in memory twice as objects.
"""

import datetime
import io
import json
import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal

from zhicun.registry.excel.columns import COLUMNS

VERSION = 1
DATES = frozenset(c.key for c in COLUMNS if c.kind == "date")
DECIMALS = frozenset(c.key for c in COLUMNS if c.kind == "decimal")
SHARED = frozenset(c.key for c in COLUMNS if c.kind in ("code", "choice", "hamlet"))

Item = tuple[int, dict, dict]  # (row number, household values, person values)


def dump(header_row: int, ignored: list[str], rows: Iterable[Item]) -> bytes:
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
    out = io.BytesIO()
    out.write(encode({"version": VERSION, "header_row": header_row, "ignored": ignored}).encode())
    index: dict[int, int] = {}  # the rows hold their households, so ids stay unique
    for number, household, person in rows:
        i = index.get(id(household))
        if i is None:
            i = index[id(household)] = len(index)
            line = [number, i, person, household]
        else:
            line = [number, i, person]
        out.write(b"\n" + encode(line).encode())
    return out.getvalue()


def load(data: bytes) -> tuple[int, list[str], Iterator[Item]] | None:
    """(header row, ignored columns, the rows as they are read); None for another version."""
    lines = iter(io.BytesIO(data))
    head = json.loads(next(lines, b"{}"))
    if head.get("version") != VERSION:
        return None
    return head["header_row"], head["ignored"], _rows(lines)


def _rows(lines: Iterator[bytes]) -> Iterator[Item]:
    households: list[dict] = []
    texts: dict[str, str] = {}

    def values(pairs: list[tuple[str, object]]) -> dict:
        # Keys as the code spells them and coded values once each, not once per row.
        return {
            sys.intern(k): texts.setdefault(v, v) if k in SHARED and type(v) is str else v
            for k, v in pairs
        }

    decode = json.JSONDecoder(object_pairs_hook=values).decode
    for line in lines:
        number, i, person, *household = decode(line.decode())
        if household:
            households.append(_typed(household[0], DECIMALS, Decimal))
        yield number, households[i], _typed(person, DATES, datetime.date.fromisoformat)


def _typed(values: dict, keys: frozenset, convert) -> dict:
    for key in keys & values.keys():
        values[key] = convert(values[key])
    return values
