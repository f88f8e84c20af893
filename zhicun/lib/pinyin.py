"""Pinyin keys for name search: 张三 → full " zhangsan", initials " zs".

Surnames with several readings (单 dan/shan, 曾 zeng/ceng) get one key per reading, joined by
spaces, so a `contains(" " + query)` finds a name by any reading's prefix.
"""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin, pinyin

# pypinyin takes some 100 µs a name. Surnames and given names repeat, so both parts are
# remembered: an import of 100,000 persons looks each distinct part up once.


@lru_cache(maxsize=4096)
def _surname_readings(char: str, style: Style) -> tuple[str, ...]:
    readings = pinyin(char, style=style, heteronym=True)[0]
    return tuple([r for r in dict.fromkeys(readings) if r.isascii() and r.isalpha()][:3]) or (
        lazy_pinyin(char, style=style)[0],
    )


@lru_cache(maxsize=65536)
def _reading(text: str, style: Style) -> str:
    return "".join(lazy_pinyin(text, style=style)).lower()


def keys(name: str) -> tuple[str, str]:
    """(full, initials) search keys, each a space-prefixed list of variants."""
    name = (name or "").strip()
    if not name:
        return "", ""
    full_rest = _reading(name[1:], Style.NORMAL)
    init_rest = _reading(name[1:], Style.FIRST_LETTER)
    fulls = [r + full_rest for r in _surname_readings(name[0], Style.NORMAL)]
    inits = [r + init_rest for r in _surname_readings(name[0], Style.FIRST_LETTER)]
    full = "".join(" " + f.lower() for f in dict.fromkeys(fulls))
    initials = "".join(" " + i.lower() for i in dict.fromkeys(inits))
    return full[:120], initials[:40]


def normalise_query(q: str) -> str:
    return "".join(ch for ch in q.lower() if ch.isascii() and ch.isalpha())
