"""Demo jobs data (SPEC §0, §7): the employers around 大十号村 and 200+ placements since 2019,
40+ of them at the ski resort in the 2019 winter at 3000 元 a month or more.

Runs after the registry demo and picks labour-capable villagers of 大十号村 by age at each
season; deterministic (one seeded random.Random) and idempotent (nothing is added when the demo
employers exist). Placements still running today set the person's employment through the jobs
service, which audits the change; the rest is history and is recorded in one audit row.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from zhicun.accounts.models import User
from zhicun.audit.services import audit_record
from zhicun.demo.district import DAISHIHAO, MALIANQU
from zhicun.jobs.models import Employer, EmployerKind, EventKind, JobEvent, Opening, Placement
from zhicun.jobs.services import EDIT
from zhicun.registry.choices import LIVING, Employment
from zhicun.registry.models import Person, age_on
from zhicun.registry.services import person_set_employment
from zhicun.units.models import Unit

COUNTY = "150902"
SKI_TOWNSHIP = "150902100"  # 白海子镇
SKI = "北山滑雪场"
ORCHARD = "大十号村林果采摘园"
WORKSHOP = "马莲渠乡扶贫车间（服装加工）"
FARM = "马莲渠乡肉牛养殖基地"

EMPLOYERS = [
    # name, kind, unit code, address, contact, phone
    (SKI, EmployerKind.SKI, COUNTY, "集宁区白海子镇北山", "韩经理", "04718123456"),
    (ORCHARD, EmployerKind.ORCHARD, DAISHIHAO, "大十号村东梁", "李永胜", "13904741001"),
    (WORKSHOP, EmployerKind.WORKSHOP, MALIANQU, "马莲渠乡政府东侧", "杨秀兰", "13904741002"),
    (FARM, EmployerKind.FARM, MALIANQU, "马莲渠乡南沟", "刘志广", "13904741003"),
]
# Ski positions each winter: (position, wage 元, skills)
SKI_POSITIONS = [("安保", 3400, ["保安"]), ("后勤", 3200, ["驾驶"]), ("保洁", 3000, [])]
# Placements at the ski resort per winter (first year of the season)
SKI_PER_WINTER = {2019: 44, 2020: 12, 2021: 18, 2022: 20, 2023: 22, 2024: 22, 2025: 24}
ORCHARD_PER_SUMMER = 8
WORKSHOP_PER_YEAR = 2
FARM_PER_YEAR = 1


class Builder:
    def __init__(self, today: datetime.date):
        self.today = today
        self.rng = random.Random(20191201)
        self.users = {u.username: u for u in User.objects.filter(username__in=self.NEEDED)}
        self.pool = list(
            Person.objects.filter(
                hamlet__code__startswith=DAISHIHAO,
                residence__in=LIVING,
                labour__in=["1", "2", "3"],
            )
            .select_related("hamlet")
            .order_by("household__number", "birth_date", "pk")
        )
        self.busy: dict[int, list[tuple[datetime.date, datetime.date | None]]] = {}
        self.placements: list[Placement] = []
        self.events: list[JobEvent] = []
        self.current: list[tuple[Person, Opening]] = []

    NEEDED = ("jining", "dashihao", "malianqu")

    def employers(self) -> dict[str, Employer]:
        out = {}
        for name, kind, code, address, contact, phone in EMPLOYERS:
            out[name] = Employer.objects.create(
                name=name,
                kind=kind,
                unit=Unit.objects.get(code=code),
                address=address,
                contact_name=contact,
                contact_phone=phone,
            )
        return out

    def opening(self, employer, by, position, wage, start, end, skills=(), age=(18, 58), **kw):
        return Opening.objects.create(
            employer=employer,
            position=position,
            headcount=kw.pop("headcount", 10),
            wage=wage * 100,
            season_start=start,
            season_end=end,
            place_text=employer.address,
            place_unit=kw.pop("place_unit", None),
            age_min=age[0],
            age_max=age[1],
            skills=list(skills),
            contact_name=employer.contact_name,
            contact_phone=employer.contact_phone,
            is_open=kw.pop("is_open", False),
            created_by=by,
        )

    def free(self, p: Person, start: datetime.date, end: datetime.date | None) -> bool:
        for s, e in self.busy.get(p.pk, []):
            if (end is None or s <= end) and (e is None or e >= start):
                return False
        return True

    def choose(self, n, start, end, opening, skills=(), age=(18, 58)) -> list[Person]:
        fits = [
            p
            for p in self.pool
            if age[0] <= age_on(p.birth_date, start) <= age[1] and self.free(p, start, end)
        ]
        if end is None or end >= self.today:
            # Running placements: only people not working elsewhere today.
            fits = [p for p in fits if p.employment == Employment.NONE]
        skilled = [p for p in fits if set(skills) & set(p.skills)]
        others = [p for p in fits if p not in skilled]
        self.rng.shuffle(skilled)
        self.rng.shuffle(others)
        chosen = (skilled + others)[:n]
        return chosen

    def place(self, people, opening, start, end, wage_range) -> None:
        by = opening.created_by
        for p in people:
            income = self.rng.randrange(wage_range[0], wage_range[1] + 1, 100) * 100
            self.busy.setdefault(p.pk, []).append((start, end))
            self.placements.append(
                Placement(
                    opening=opening,
                    person=p,
                    start_date=start,
                    end_date=end,
                    monthly_income=income,
                    created_by=by,
                )
            )
            self.events.append(
                JobEvent(
                    opening=opening,
                    person=p,
                    kind=EventKind.CONTACT,
                    by=by,
                    date=start - datetime.timedelta(days=10),
                )
            )
            self.events.append(
                JobEvent(opening=opening, person=p, kind=EventKind.PLACEMENT, date=start, by=by)
            )
            if end is not None and end < self.today:
                self.events.append(
                    JobEvent(
                        opening=opening,
                        person=p,
                        kind=EventKind.LEFT,
                        date=end,
                        by=by,
                        note="季节性用工结束",
                    )
                )
            elif start <= self.today:
                self.current.append((p, opening))

    def build(self) -> dict:
        jining, chief, township = (self.users[u] for u in self.NEEDED)
        e = self.employers()
        village = Unit.objects.get(code=DAISHIHAO)
        township_unit = Unit.objects.get(code=MALIANQU)
        ski_unit = Unit.objects.filter(code=SKI_TOWNSHIP).first()
        year_now = self.today.year
        # Ski resort: three positions every winter, December to mid-March.
        for year in range(2019, year_now + 1):
            start, end = datetime.date(year, 12, 1), datetime.date(year + 1, 3, 15)
            upcoming = start > self.today
            total = SKI_PER_WINTER.get(year, 0) if not upcoming else 0
            for k, (position, wage, skills) in enumerate(SKI_POSITIONS):
                o = self.opening(
                    e[SKI],
                    jining,
                    position,
                    wage,
                    start,
                    end,
                    skills,
                    age=(20, 55),
                    headcount=20 if year == 2019 else 10,
                    is_open=upcoming,
                    place_unit=ski_unit,
                )
                n = total // 3 + (1 if k < total % 3 else 0)
                people = self.choose(n, start, end, o, skills, age=(20, 55))
                self.place(people, o, start, end, (wage, wage + 400))
        # Orchard: picking and tending, June to September.
        for year in range(2019, year_now + 1):
            start, end = datetime.date(year, 6, 1), datetime.date(year, 9, 30)
            if start > self.today:
                continue
            o = self.opening(
                e[ORCHARD],
                chief,
                "采摘与果树管护",
                2600,
                start,
                end,
                ["种植"],
                age=(18, 60),
                place_unit=village,
            )
            people = self.choose(ORCHARD_PER_SUMMER, start, end, o, ["种植"], age=(18, 60))
            self.place(people, o, start, end, (2400, 2800))
        # Workshop and farm: year-round; the latest hires are still working.
        w = self.opening(
            e[WORKSHOP],
            township,
            "缝纫工",
            2500,
            datetime.date(2019, 4, 1),
            None,
            ["缝纫"],
            age=(18, 55),
            place_unit=township_unit,
            is_open=True,
        )
        f = self.opening(
            e[FARM],
            township,
            "饲养员",
            3500,
            datetime.date(2019, 5, 1),
            None,
            ["养殖"],
            age=(20, 58),
            place_unit=township_unit,
            is_open=True,
        )
        for year in range(2019, year_now + 1):
            for opening, n, skills, wages, age in (
                (w, WORKSHOP_PER_YEAR, ["缝纫"], (2300, 2800), (18, 55)),
                (f, FARM_PER_YEAR, ["养殖"], (3300, 3800), (20, 58)),
            ):
                start = datetime.date(year, 4 + self.rng.randint(0, 5), 1)
                if start > self.today:
                    continue
                stays = year >= year_now - 1
                end = None if stays else datetime.date(year + 1, 3, 31)
                people = self.choose(n, start, end, opening, skills, age=age)
                self.place(people, opening, start, end, wages)
        with transaction.atomic():
            Placement.objects.bulk_create(self.placements)
            JobEvent.objects.bulk_create(self.events)
            for person, opening in self.current:
                person_set_employment(
                    by=opening.created_by,
                    perm=EDIT,
                    person=Person.objects.get(pk=person.pk),
                    employment=Employment.LOCAL,
                    employer=opening.employer.name,
                    work_place=opening.place,
                    note=f"就业安置：{opening}",
                )
        ski_2019 = [
            p
            for p in self.placements
            if p.opening.employer.name == SKI and p.start_date == datetime.date(2019, 12, 1)
        ]
        return {
            "employers": len(e),
            "openings": Opening.objects.count(),
            "placements": len(self.placements),
            "ski_2019": len(ski_2019),
            "current": len(self.current),
        }


def seed(stdout) -> None:
    if Employer.objects.filter(name=SKI).exists():
        return
    if User.objects.filter(username__in=Builder.NEEDED).count() != len(Builder.NEEDED):
        return
    if not Person.objects.filter(hamlet__code__startswith=DAISHIHAO).exists():
        return
    with transaction.atomic():
        counts = Builder(timezone.localdate()).build()
        audit_record(
            actor=None,
            actor_name="seed_demo",
            action="import",
            unit_code=DAISHIHAO,
            details={"what": "就业帮扶演示数据", **counts},
        )
    stdout.write(
        f"就业：用工单位 {counts['employers']} 家，岗位 {counts['openings']} 个，"
        f"2019 年以来安置 {counts['placements']} 人次（2019 年冬季滑雪场 "
        f"{counts['ski_2019']} 人），目前在岗 {counts['current']} 人"
    )
