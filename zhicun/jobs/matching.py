"""Matching villagers to an opening: who qualifies, and why each ranks where it does."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from zhicun.jobs.models import Opening, Placement
from zhicun.registry.choices import LIVING, Employment
from zhicun.registry.models import Person, age_on
from zhicun.support.models import SupportedHousehold

# Labour codes of people who can take a job: 普通劳动力, 技能劳动力, 弱劳动力或半劳动力.
LABOUR_CAPABLE = ("1", "2", "3")
NOT_EMPLOYED = (Employment.NONE,)
WORKING_AGE = (16, 60)


@dataclass
class Candidate:
    person: Person
    age: int
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)


def eligible(user, *, today: datetime.date | None = None):
    """Labour-capable, working-age, not-employed persons living in the user's scope."""
    today = today or timezone.localdate()
    return (
        Person.objects.in_scope(user)
        .filter(residence__in=LIVING, labour__in=LABOUR_CAPABLE, employment__in=NOT_EMPLOYED)
        .aged(*WORKING_AGE, today=today)
    )


def candidates(
    opening: Opening, user, *, today: datetime.date | None = None, limit: int = 100
) -> list[Candidate]:
    """The eligible persons for this opening, best first, each with the reasons of its rank."""
    today = today or timezone.localdate()
    qs = eligible(user, today=today).select_related("hamlet", "household")
    if opening.sex:
        qs = qs.filter(sex=opening.sex)
    placed = set(
        Placement.objects.current(today)
        .filter(person__in=qs.values("pk"))
        .values_list("person_id", flat=True)
    )
    refused = set(opening.events.filter(kind="refusal").values_list("person_id", flat=True))
    supported = set(
        SupportedHousehold.objects.filter(household__members__in=qs.values("pk")).values_list(
            "household_id", flat=True
        )
    )
    place = opening.place_unit.code if opening.place_unit_id else ""
    wanted = list(opening.skills)
    out = []
    for person in qs.iterator(chunk_size=2000):
        if person.pk in placed:
            continue
        out.append(
            _score(
                person,
                opening,
                wanted,
                place,
                today,
                person.pk in refused,
                person.household_id in supported,
            )
        )
    out.sort(key=lambda c: (-c.score, c.age, c.person.name, c.person.pk))
    return out[:limit]


def _score(
    person: Person,
    opening: Opening,
    wanted: list[str],
    place: str,
    today,
    refused: bool,
    supported: bool,
) -> Candidate:
    c = Candidate(person=person, age=age_on(person.birth_date, today))
    have = set(person.skills)
    matched = [s for s in wanted if s in have]
    if matched:
        c.score += 40 * len(matched)
        c.reasons.append(f"技能匹配：{'、'.join(matched)}")
    elif wanted:
        c.cautions.append(f"不具备所需技能（{'、'.join(wanted)}）")
    if opening.age_min <= c.age <= opening.age_max:
        c.score += 20
        c.reasons.append(f"年龄 {c.age} 岁，符合 {opening.age_min}–{opening.age_max} 岁要求")
    else:
        c.cautions.append(f"年龄 {c.age} 岁，超出 {opening.age_min}–{opening.age_max} 岁要求")
    if person.labour == "2":
        c.score += 10
        c.reasons.append("技能劳动力")
    elif person.labour == "3":
        c.score -= 10
        c.cautions.append("弱劳动力或半劳动力")
    code = person.hamlet.code
    if len(place) >= 12 and code[:12] == place[:12]:
        c.score += 15
        c.reasons.append("与工作地点同村")
    elif len(place) >= 9 and code[:9] == place[:9]:
        c.score += 8
        c.reasons.append("与工作地点同乡镇")
    if supported:
        c.score += 5
        c.reasons.append("脱贫户/监测户家庭成员，优先安置")
    if refused:
        c.score -= 100
        c.cautions.append("曾拒绝或未被录用此岗位")
    return c
