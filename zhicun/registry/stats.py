"""Population statistics for a unit or any filter: each figure is one GROUP BY in the database.

Callers pass querysets that are already scoped and filtered (`search.filter_persons`); nothing
here loops over persons in Python. "Registered" persons are those still on the register
(choices.ACTIVE), "living there" those in choices.LIVING; a household lives there when its
residence is 常住.
"""

import datetime

from django.contrib.postgres.fields import ArrayField
from django.db import connection, connections
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Substr

from zhicun.lib import codes
from zhicun.lib.fields import SEP
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
_DATES = ArrayField(DateField())


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


class _BandOf(Func):
    """PostgreSQL: the band of a birth date by one binary search over the bands' first days."""

    function = "width_bucket"
    output_field = IntegerField()


def age_band(today: datetime.date):
    """The 5-year band (0 = 0-4 … BANDS = 100 and over) of `birth_date` on `today`.

    A birth date after today falls in the last band, as a date outside every band does.
    """
    bounds = [
        birth_range(b * BAND_YEARS, b * BAND_YEARS + BAND_YEARS - 1, today) for b in range(BANDS)
    ]
    if connection.vendor == "postgresql":
        # width_bucket counts the first days (oldest band first) on or before the birth date.
        firsts = Value([earliest for earliest, _ in reversed(bounds)], output_field=_DATES)
        return Case(
            When(birth_date__gt=today, then=Value(BANDS)),
            default=Value(BANDS) - _BandOf(F("birth_date"), firsts),
            output_field=IntegerField(),
        )
    whens = [
        When(birth_date__gte=earliest, birth_date__lte=latest, then=Value(band))
        for band, (earliest, latest) in enumerate(bounds)
    ]
    return Case(*whens, default=Value(BANDS), output_field=IntegerField())


def _pyramid_table() -> dict[int, dict]:
    return {
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


def _pyramid_add(table: dict, band: int, sex: str, total: int, living: int) -> None:
    sex = {"1": "male", "2": "female"}.get(sex)
    if sex is not None:
        table[band][sex] += total
        table[band][f"{sex}_living"] += living


def _pyramid_rows(table: dict) -> list[dict]:
    # Drop empty bands at the old end so the chart is not mostly blank.
    out = list(table.values())
    while len(out) > 1 and not (out[-1]["male"] or out[-1]["female"]):
        out.pop()
    return out


def age_pyramid(persons: QuerySet, today: datetime.date) -> list[dict]:
    """Rows per 5-year band (youngest first): male / female, registered and living there."""
    rows = (
        persons.order_by()
        .annotate(band=age_band(today))
        .values("band", "sex")
        .annotate(**_counts())
    )
    table = _pyramid_table()
    for r in rows:
        _pyramid_add(table, r["band"], r["sex"], r["total"], r["living"])
    return _pyramid_rows(table)


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
        _employment_label,
    )


def _employment_label(code: str) -> str:
    return _EMPLOYMENT_LABELS.get(code, code)


_EMPLOYMENT_LABELS = dict(Employment.choices)


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


# One pass for the command centre -----------------------------------------------------------------


def _child(prefix_length: int | None):
    if prefix_length:
        return Substr("hamlet__code", 1, prefix_length)
    return Value("", output_field=CharField())


PLACE_COLUMNS = ("child", "tags")  # tags: the stored "|a|b|" text of the special groups
PERSON_COLUMNS = ("band", "sex", "labour", "employment")


def person_overview(
    persons: QuerySet,
    today: datetime.date,
    prefix_length: int | None = None,
    *,
    one_pass: bool = False,
) -> dict:
    """The persons' totals, key groups and (with `prefix_length`) counts per child unit, their
    age pyramid and the labour force's employment.

    Each part is what `totals`, `by_group`, `by_child`, `age_pyramid` and `labour_employment`
    give for the same persons (the groups: registered persons only), from two GROUP BYs instead
    of five: by place (child unit and the group text, a few dozen combinations, each then
    counting for the groups it holds as has_tag does) and by person (band, sex, labour,
    employment). The second groups by plain columns besides the band, so that the planner
    sees few groups and hashes them instead of sorting every person.

    `one_pass` reads the persons once for both, with GROUPING SETS, where the database has them
    (PostgreSQL): worth it for a township or less; over a county's persons PostgreSQL, unable
    to tell how few groups there are, would sort them all.
    """
    place = persons.order_by().annotate(
        child=_child(prefix_length), tags=ExpressionWrapper(F("groups"), CharField())
    )
    if one_pass and connections[persons.db].vendor == "postgresql":
        by_place, by_person = _grouping_sets(place.annotate(band=age_band(today)))
    else:
        person = persons.order_by().annotate(band=age_band(today))
        party = Count("pk", filter=_REGISTERED & Q(political__in=PARTY))
        by_place = (
            place.values(*PLACE_COLUMNS)
            .annotate(**_counts(), party=party)
            .values_list(*PLACE_COLUMNS, "total", "living", "party")
        )
        by_person = (
            person.values(*PERSON_COLUMNS)
            .annotate(**_counts())
            .values_list(*PERSON_COLUMNS, "total", "living")
        )
    totals = {"persons": 0, "persons_living": 0, "party": 0}
    group_totals = dict.fromkeys(SpecialGroup.values, 0)
    needles = [(g, f"{SEP}{g}{SEP}") for g in group_totals]
    children: dict[str, dict] = {}
    for child, tags, total, living, party in by_place:
        totals["persons"] += total
        totals["persons_living"] += living
        totals["party"] += party
        for g, needle in needles:
            if needle in tags:
                group_totals[g] += total
        if prefix_length:
            counts = children.setdefault(child, {"persons": 0, "persons_living": 0})
            counts["persons"] += total
            counts["persons_living"] += living
    pyramid = _pyramid_table()
    employment: dict[str, list[int]] = {}
    for band, sex, labour, work, total, living in by_person:
        _pyramid_add(pyramid, band, sex, total, living)
        if labour in LABOUR_FORCE:
            counts = employment.setdefault(work, [0, 0])
            counts[0] += total
            counts[1] += living
    return {
        "totals": totals,
        "children": children,
        "groups": [
            {"code": g, "label": SpecialGroup(g).label, "total": n} for g, n in group_totals.items()
        ],
        "pyramid": _pyramid_rows(pyramid),
        "employment": [
            {"code": code, "label": _employment_label(code) or "未填写", "total": t, "living": lv}
            for code, (t, lv) in sorted(employment.items(), key=lambda e: (-e[1][0], e[0]))
            if t or lv
        ],
    }


def _grouping_sets(persons: QuerySet) -> tuple[list[tuple], list[tuple]]:
    """The two GROUP BYs of person_overview in one statement (PostgreSQL), counting as
    `_counts` and the party figure do; `persons` carries the child, tags and band annotations."""
    columns = (*PLACE_COLUMNS, *PERSON_COLUMNS)
    sql, params = persons.values(*columns, "residence", "political").query.sql_with_params()
    statement = f"""
        SELECT {", ".join(columns)}, GROUPING(child),
               count(*) FILTER (WHERE residence = ANY(%s)),
               count(*) FILTER (WHERE residence = ANY(%s)),
               count(*) FILTER (WHERE residence = ANY(%s) AND political = ANY(%s))
        FROM ({sql}) AS p
        GROUP BY GROUPING SETS (({", ".join(PLACE_COLUMNS)}), ({", ".join(PERSON_COLUMNS)}))
    """  # noqa: S608 (the column names are the constants above)
    counts = [list(ACTIVE), list(LIVING), list(ACTIVE), list(PARTY)]
    with connections[persons.db].cursor() as cursor:
        cursor.execute(statement, [*counts, *params])
        rows = cursor.fetchall()
    by_place = [(*r[:2], *r[7:]) for r in rows if r[6] == 0]
    by_person = [(*r[2:6], *r[7:9]) for r in rows if r[6] == 1]
    return by_place, by_person


def household_overview(
    households: QuerySet, today: datetime.date, days: int, prefix_length: int | None = None
) -> dict:
    """The households' totals and visit coverage over `days` days, as a whole and (with
    `prefix_length`) per child unit, from one GROUP BY: what `totals`, `visit_coverage`,
    `by_child` and `coverage.coverage_by` give for the same households."""
    living = Q(residence=HouseholdResidence.RESIDENT)
    rows = (
        households.order_by()
        .annotate(child=_child(prefix_length))
        .values("child")
        .annotate(
            total=Count("pk"),
            living=Count("pk", filter=living),
            visited=Count("pk", filter=living & Q(last_visited_on__gte=since(today, days))),
        )
    )
    totals = {"households": 0, "households_living": 0}
    seen = {"total": 0, "visited": 0}
    children = {}
    for r in rows:
        totals["households"] += r["total"]
        totals["households_living"] += r["living"]
        seen["total"] += r["living"]
        seen["visited"] += r["visited"]
        if prefix_length:
            children[r["child"]] = {
                "households": r["total"],
                "households_living": r["living"],
                "coverage": {"total": r["living"], "visited": r["visited"]},
            }
    seen["missing"] = seen["total"] - seen["visited"]
    seen["rate"] = round(100 * seen["visited"] / seen["total"], 1) if seen["total"] else None
    return {"totals": totals, "coverage": seen, "children": children}


def _empty_row() -> dict:
    return {"households": 0, "households_living": 0, "persons": 0, "persons_living": 0}
