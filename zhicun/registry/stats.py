"""Population statistics for a unit or any filter: each figure is one GROUP BY in the database.

Callers pass querysets that are already scoped and filtered (`search.filter_persons`); nothing
here loops over persons in Python. "Registered" persons are those still on the register
(choices.ACTIVE), "living there" those in choices.LIVING; a household lives there when its
residence is 常住.
"""

import datetime

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Substr

from zhicun.lib import codes
from zhicun.registry.choices import (
    ACTIVE,
    LIVING,
    Employment,
    HouseholdResidence,
    MoveKind,
    SpecialGroup,
)
from zhicun.registry.coverage import since
from zhicun.registry.models import Move, birth_range
from zhicun.registry.search import has_tag

PARTY = ("01", "02")  # GB/T 4762: 中共党员, 中共预备党员
# 有劳动能力: 普通劳动力, 技能劳动力, 弱劳动力或半劳动力.
LABOUR_FORCE = ("1", "2", "3")
BAND_YEARS = 5
BANDS = 20  # 0-4 … 95-99, then 100+

_REGISTERED = Q(residence__in=ACTIVE)
_LIVING = Q(residence__in=LIVING)


def _counts() -> dict:
    return {"total": Count("pk", filter=_REGISTERED), "living": Count("pk", filter=_LIVING)}


def totals(persons: QuerySet, households: QuerySet) -> dict:
    p = persons.order_by().aggregate(
        **_counts(), party=Count("pk", filter=_REGISTERED & Q(political__in=PARTY))
    )
    h = households.order_by().aggregate(
        total=Count("pk"),
        living=Count("pk", filter=Q(residence=HouseholdResidence.RESIDENT)),
    )
    return {
        "households": h["total"],
        "households_living": h["living"],
        "persons": p["total"],
        "persons_living": p["living"],
        "party": p["party"],
    }


def band_label(band: int) -> str:
    lo = band * BAND_YEARS
    return f"{lo}岁以上" if band >= BANDS else f"{lo}-{lo + BAND_YEARS - 1}岁"


def age_pyramid(persons: QuerySet, today: datetime.date) -> list[dict]:
    """Rows per 5-year band (youngest first): male / female, registered and living there."""
    whens = []
    for band in range(BANDS):
        earliest, latest = birth_range(band * BAND_YEARS, band * BAND_YEARS + BAND_YEARS - 1, today)
        whens.append(When(birth_date__gte=earliest, birth_date__lte=latest, then=Value(band)))
    rows = (
        persons.order_by()
        .annotate(band=Case(*whens, default=Value(BANDS), output_field=IntegerField()))
        .values("band", "sex")
        .annotate(**_counts())
    )
    table = {
        b: {
            "band": b,
            "label": band_label(b),
            "male": 0,
            "female": 0,
            "male_living": 0,
            "female_living": 0,
        }
        for b in range(BANDS + 1)
    }
    for r in rows:
        sex = {"1": "male", "2": "female"}.get(r["sex"])
        if sex is None:
            continue
        table[r["band"]][sex] += r["total"]
        table[r["band"]][f"{sex}_living"] += r["living"]
    # Drop empty bands at the old end so the chart is not mostly blank.
    out = list(table.values())
    while len(out) > 1 and not (out[-1]["male"] or out[-1]["female"]):
        out.pop()
    return out


def breakdown(persons: QuerySet, field: str, label) -> list[dict]:
    """Registered / living per value of `field`, largest first, labelled by `label(value)`."""
    rows = persons.order_by().values(field).annotate(**_counts()).order_by("-total", field)
    return [
        {
            "code": r[field],
            "label": label(r[field]) or "未填写",
            "total": r["total"],
            "living": r["living"],
        }
        for r in rows
        if r["total"] or r["living"]
    ]


def by_ethnicity(persons: QuerySet) -> list[dict]:
    return breakdown(persons, "ethnicity", lambda c: codes.label("ethnicity", c))


def by_education(persons: QuerySet) -> list[dict]:
    """By level-1 education (初中毕业 and 初中肄业 both count as 初级中学教育)."""
    qs = persons.annotate(education_level=Substr("education", 1, 1))
    return breakdown(
        qs, "education_level", lambda c: codes.label("education", c + "0") if c else ""
    )


def by_labour(persons: QuerySet) -> list[dict]:
    return breakdown(persons, "labour", lambda c: codes.label("labour", c))


def labour_employment(persons: QuerySet) -> list[dict]:
    """Employment of the labour force (有劳动能力)."""
    return breakdown(
        persons.filter(labour__in=LABOUR_FORCE),
        "employment",
        lambda c: Employment(c).label if c in Employment.values else c,
    )


def by_group(persons: QuerySet) -> list[dict]:
    agg = {}
    for g in SpecialGroup.values:
        agg[f"{g}__total"] = Count("pk", filter=_REGISTERED & has_tag("groups", g))
        agg[f"{g}__living"] = Count("pk", filter=_LIVING & has_tag("groups", g))
    data = persons.order_by().aggregate(**agg)
    return [
        {
            "code": g,
            "label": SpecialGroup(g).label,
            "total": data[f"{g}__total"],
            "living": data[f"{g}__living"],
        }
        for g in SpecialGroup.values
    ]


def floating(persons: QuerySet, today: datetime.date, days: int) -> list[dict]:
    """Persons who went out, came in or returned in the last `days` days."""
    rows = (
        Move.objects.filter(
            person__in=persons.order_by().values("pk"), date__gte=since(today, days)
        )
        .order_by()
        .values("kind")
        .annotate(n=Count("person", distinct=True))
    )
    counts = {r["kind"]: r["n"] for r in rows}
    return [{"code": k, "label": k.label, "total": counts.get(k, 0)} for k in MoveKind]


def visit_coverage(households: QuerySet, today: datetime.date, days: int) -> dict:
    data = (
        households.filter(residence=HouseholdResidence.RESIDENT)
        .order_by()
        .aggregate(
            total=Count("pk"),
            visited=Count("pk", filter=Q(last_visited_on__gte=since(today, days))),
        )
    )
    data["missing"] = data["total"] - data["visited"]
    data["rate"] = round(100 * data["visited"] / data["total"], 1) if data["total"] else None
    return data


def by_child(persons: QuerySet, households: QuerySet, prefix_length: int) -> dict[str, dict]:
    """{unit code: totals} grouping by a prefix of the hamlet code (the child units)."""
    out: dict[str, dict] = {}
    rows = (
        persons.order_by()
        .annotate(unit_code=Substr("hamlet__code", 1, prefix_length))
        .values("unit_code")
        .annotate(**_counts())
    )
    for r in rows:
        row = out.setdefault(r["unit_code"], _empty_row())
        row["persons"], row["persons_living"] = r["total"], r["living"]
    rows = (
        households.order_by()
        .annotate(unit_code=Substr("hamlet__code", 1, prefix_length))
        .values("unit_code")
        .annotate(
            total=Count("pk"),
            living=Count("pk", filter=Q(residence=HouseholdResidence.RESIDENT)),
        )
    )
    for r in rows:
        row = out.setdefault(r["unit_code"], _empty_row())
        row["households"], row["households_living"] = r["total"], r["living"]
    return out


def _empty_row() -> dict:
    return {"households": 0, "households_living": 0, "persons": 0, "persons_living": 0}
