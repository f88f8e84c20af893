"""Demo support data for 大十号村 (SPEC §0, §6): about 40 supported households with cadres,
reviews, income cards 2019–2026 (a few under the threshold) and measures.

Runs after the registry demo and picks its households by their tags (脱贫户 / 监测户), then by
household number; deterministic (one seeded random.Random) and idempotent (nothing is added when
the village already has supported households). One audit row records what was loaded.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from zhicun.accounts.models import User
from zhicun.audit.services import audit_record
from zhicun.demo.district import DAISHIHAO
from zhicun.registry.choices import ACTIVE, HouseholdResidence, HouseholdTag
from zhicun.registry.models import Household, age_on
from zhicun.support.models import (
    CadreAssignment,
    Decision,
    Direction,
    IncomeCard,
    Kind,
    Measure,
    Review,
    ReviewState,
    ReviewStep,
    Status,
    Step,
    SupportedHousehold,
    Threshold,
)

TARGET = 40
MONITORED = 8
FIRST_YEAR = 2019
# Per-capita net income thresholds (元) for Inner Mongolia (region code 15), demo figures.
THRESHOLDS = {
    2019: 4000,
    2020: 4000,
    2021: 6000,
    2022: 6500,
    2023: 6900,
    2024: 7200,
    2025: 7400,
    2026: 7500,
}
CADRES = [
    ("周明", "集宁区农牧局"),
    ("吴芳", "马莲渠乡人民政府"),
    ("郑海涛", "集宁区财政局"),
    ("冯丽娟", "集宁区教育局"),
    ("陈晓东", "集宁区卫生健康委员会"),
    ("褚建军", "集宁区住房和城乡建设局"),
    ("卫红梅", "马莲渠乡人民政府"),
    ("蒋志远", "集宁区人力资源和社会保障局"),
]
CAUSES = ["01", "02", "03", "07", "08", "09", "11"]
RISKS = ["01", "02", "05", "07", "08", "09"]


def _yuan(amount: float) -> int:
    return int(round(amount)) * 100


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def pick_households(limit: int = TARGET) -> list[Household]:
    qs = (
        Household.objects.filter(hamlet__code__startswith=DAISHIHAO)
        .exclude(head=None)
        .order_by("number")
    )
    jiance = list(qs.filter(tags__has=HouseholdTag.JIANCE)[:MONITORED])
    taken = {h.pk for h in jiance}
    tuopin = [
        h
        for h in qs.filter(tags__has=HouseholdTag.TUOPIN, residence=HouseholdResidence.RESIDENT)
        if h.pk not in taken
    ]
    chosen = jiance + tuopin[: limit - len(jiance)]
    if len(chosen) < limit:
        taken |= {h.pk for h in chosen}
        rest = [
            h
            for h in qs.filter(residence=HouseholdResidence.RESIDENT)[: limit * 4]
            if h.pk not in taken
        ]
        chosen += rest[: limit - len(chosen)]
    return chosen


def seed_thresholds() -> int:
    made = 0
    for year, amount in THRESHOLDS.items():
        _, created = Threshold.objects.get_or_create(
            year=year,
            region_code="15",
            defaults={"amount": amount * 100, "note": "演示数据：防返贫监测标准"},
        )
        made += created
    return made


class Builder:
    def __init__(self, today: datetime.date):
        self.today = today
        self.rng = random.Random(20260601)
        self.chief = User.objects.get(username="dashihao")
        self.township = User.objects.get(username="baocun")
        self.county = User.objects.get(username="jining")
        self.counts = {"households": 0, "cards": 0, "measures": 0, "reviews": 0, "cadres": 0}

    def build(self, households: list[Household]) -> dict:
        monitored = {h.pk for h in households if HouseholdTag.JIANCE in h.tags}
        # Make sure there are 监测户 even if the registry demo tagged too few.
        if len(monitored) < MONITORED:
            spare = [h.pk for h in households if h.pk not in monitored]
            monitored |= set(spare[-(MONITORED - len(monitored)) :])
        below = set(self.rng.sample([h.pk for h in households], 4))
        # The first two 监测户 are still under review: one waits for the village, one for the
        # township, so the chief and the township both have something to do.
        pending = [ReviewState.VILLAGE, ReviewState.TOWNSHIP]
        for i, h in enumerate(households):
            kind = Kind.JIANCE if h.pk in monitored else Kind.TUOPIN
            state = pending.pop(0) if kind == Kind.JIANCE and pending else None
            self.household(h, i, kind, h.pk in below, state)
        return self.counts

    def household(
        self, h: Household, i: int, kind: str, below: bool, pending_state: str | None
    ) -> None:
        rng = self.rng
        members = [m for m in h.members.all() if m.residence in ACTIVE]
        size = max(1, len(members))
        year = rng.choice([2014, 2015, 2016, 2017]) if kind == Kind.TUOPIN else 2021 + i % 5
        s = SupportedHousehold.objects.create(
            household=h,
            kind=kind,
            year_identified=year,
            causes=sorted(rng.sample(CAUSES, rng.randint(1, 2))),
            status=Status.STABLE,
            notes="",
        )
        self.counts["households"] += 1
        self.cadres(s, i)
        if kind == Kind.JIANCE:
            self.entry_review(s, year, i, pending_state)
        self.cards(h, size, below, kind)
        self.measures(h, members, kind)

    def cadres(self, s: SupportedHousehold, i: int) -> None:
        first = CADRES[i % len(CADRES)]
        start = datetime.date(2019, 3, 1)
        if i % 3 == 0:
            second = CADRES[(i + 3) % len(CADRES)]
            CadreAssignment.objects.create(
                supported=s,
                name=first[0],
                unit_name=first[1],
                phone=f"1390474{1000 + i:04d}",
                start_date=start,
                end_date=datetime.date(2023, 2, 28),
                assigned_by=self.chief,
            )
            first, start = second, datetime.date(2023, 3, 1)
            self.counts["cadres"] += 1
        CadreAssignment.objects.create(
            supported=s,
            name=first[0],
            unit_name=first[1],
            phone=f"1390474{2000 + i:04d}",
            start_date=start,
            assigned_by=self.chief,
        )
        self.counts["cadres"] += 1

    def entry_review(
        self, s: SupportedHousehold, year: int, i: int, pending_state: str | None
    ) -> None:
        """Completed three-step entry; two households are still in the middle of a review."""
        risks = sorted(self.rng.sample(RISKS, self.rng.randint(1, 2)))
        monitor_type = "1" if i % 3 == 0 else ("2" if i % 3 == 1 else "3")
        day = datetime.date(year, 4, 10)
        if pending_state is not None:
            day = self.today - datetime.timedelta(days=6)
        review = Review.objects.create(
            supported=s,
            direction=Direction.ENTER,
            monitor_type=monitor_type,
            risk_types=risks,
            reason="家庭成员患病、务工不稳，收入下降，经走访核实存在返贫致贫风险",
            state=ReviewState.APPROVED,
            proposed_by=self.chief,
        )
        steps = [
            (Step.VILLAGE, self.chief, "经村民代表会议评议，同意纳入", 0),
            (Step.TOWNSHIP, self.township, "入户核实属实，同意上报", 5),
            (Step.COUNTY, self.county, "确定为防返贫监测对象", 12),
        ]
        if pending_state is not None:
            steps = steps[: [Step.VILLAGE, Step.TOWNSHIP, Step.COUNTY].index(pending_state)]
        for step, by, opinion, offset in steps:
            ReviewStep.objects.create(
                review=review,
                step=step,
                decision=Decision.APPROVE,
                opinion=opinion,
                by=by,
                at=_aware(day + datetime.timedelta(days=offset)),
            )
        Review.objects.filter(pk=review.pk).update(
            created_at=_aware(day, 9),
            state=pending_state or ReviewState.APPROVED,
            decided_at=None if pending_state else _aware(day + datetime.timedelta(days=12)),
        )
        self.counts["reviews"] += 1
        if pending_state is None:
            s.kind, s.monitor_type, s.risk_types = Kind.JIANCE, monitor_type, risks
            s.status = Status.MONITORING
            if i % 3 == 0 and year <= 2023:
                self.exit_review(s, year + 2)
                s.status = Status.RISK_REMOVED
        else:
            s.kind, s.monitor_type, s.status = Kind.JIANCE, monitor_type, Status.PROPOSED
        s.save()

    def exit_review(self, s: SupportedHousehold, year: int) -> None:
        day = datetime.date(year, 11, 5)
        review = Review.objects.create(
            supported=s,
            direction=Direction.EXIT,
            reason="家庭人均纯收入连续两年高于监测标准，风险已稳定消除",
            state=ReviewState.APPROVED,
            proposed_by=self.chief,
        )
        for step, by, offset in (
            (Step.VILLAGE, self.chief, 0),
            (Step.TOWNSHIP, self.township, 4),
            (Step.COUNTY, self.county, 10),
        ):
            ReviewStep.objects.create(
                review=review,
                step=step,
                decision=Decision.APPROVE,
                opinion="同意风险消除",
                by=by,
                at=_aware(day + datetime.timedelta(days=offset)),
            )
        Review.objects.filter(pk=review.pk).update(
            created_at=_aware(day, 9), decided_at=_aware(day + datetime.timedelta(days=10))
        )
        self.counts["reviews"] += 1

    def cards(self, h: Household, size: int, below: bool, kind: str) -> None:
        rng = self.rng
        # Per-capita net income starts near the 2019 line and grows 6–14 % a year.
        per_capita = rng.uniform(5200, 7800)
        dip_year = rng.choice([2021, 2022, 2023]) if kind == Kind.JIANCE else None
        last_year = self.today.year
        for year in range(FIRST_YEAR, last_year + 1):
            growth = rng.uniform(1.06, 1.14)
            per_capita *= growth
            t = per_capita
            if year == dip_year:
                t = per_capita * 0.62  # illness or lost work: flagged as a sharp drop
            if below and year == last_year:
                t = THRESHOLDS.get(year, 7500) * rng.uniform(0.78, 0.95)
            net = t * size
            wage_share = rng.uniform(0.35, 0.65)
            transfer = max(1200.0, net * rng.uniform(0.12, 0.25))
            production_net = max(0.0, net - transfer - net * wage_share)
            costs = production_net * rng.uniform(0.25, 0.45)
            wage = net - transfer - production_net
            prop = rng.choice([0, 0, 300, 500, 800])
            wage = max(0.0, wage - prop)
            card = IncomeCard(
                household=h,
                year=year,
                size=size,
                wage=_yuan(wage),
                production=_yuan(production_net + costs),
                property_income=_yuan(prop),
                transfer=_yuan(transfer),
                costs=_yuan(costs),
                recorded_by=self.chief,
                note="",
            )
            card.save()
            self.counts["cards"] += 1

    def measures(self, h: Household, members, kind: str) -> None:
        rng = self.rng
        today = self.today
        adults = [m for m in members if 18 <= age_on(m.birth_date, today) <= 60]
        students = [m for m in members if 6 <= age_on(m.birth_date, today) <= 22]
        sick = [m for m in members if m.health in ("2", "3")]
        plans = [
            ("01", "肉牛养殖产业奖补", None, 2020, 3000, "新增基础母牛 2 头", "马莲渠乡人民政府"),
            ("07", "小额信贷（3 年期贴息）", None, 2021, 50000, "按期还款", "集宁区农村信用社"),
        ]
        if adults:
            plans.append(
                (
                    "03",
                    "村级公益岗位（保洁员）",
                    rng.choice(adults),
                    today.year,
                    6000,
                    "月增收 500 元",
                    "大十号村村民委员会",
                )
            )
            plans.append(
                (
                    "02",
                    "技能培训（驾驶、电焊）",
                    rng.choice(adults),
                    2023,
                    0,
                    "取得培训合格证",
                    "集宁区人力资源和社会保障局",
                )
            )
        if students:
            plans.append(
                (
                    "04",
                    "雨露计划教育补助",
                    rng.choice(students),
                    today.year,
                    3000,
                    "按学期发放",
                    "集宁区乡村振兴局",
                )
            )
        if sick or kind == Kind.JIANCE:
            who = sick[0] if sick else None
            plans.append(
                (
                    "05",
                    "先诊疗后付费、大病救助",
                    who,
                    today.year,
                    8000,
                    "报销比例达 90%",
                    "集宁区医疗保障局",
                )
            )
            plans.append(("09", "临时救助", None, today.year, 2000, "已发放", "马莲渠乡人民政府"))
        if h.housing_safety in ("c", "d"):
            plans.append(("06", "危房改造", None, 2020, 30000, "已竣工验收", "集宁区住建局"))
        for code, title, person, year, amount, result, provider in rng.sample(
            plans, min(len(plans), rng.randint(2, 4))
        ):
            start = datetime.date(year, rng.randint(1, 6), 1)
            end = datetime.date(year, 12, 31) if code in ("03", "04", "09") else None
            if start > today:
                start = today.replace(day=1)
            Measure.objects.create(
                household=h,
                person=person,
                kind=code,
                title=title,
                start_date=start,
                end_date=end,
                amount=amount * 100,
                provider=provider,
                result=result,
                recorded_by=self.chief,
            )
            self.counts["measures"] += 1


def seed(stdout) -> None:
    thresholds = seed_thresholds()
    if SupportedHousehold.objects.filter(household__hamlet__code__startswith=DAISHIHAO).exists():
        return
    if User.objects.filter(username__in=["dashihao", "baocun", "jining"]).count() != 3:
        return
    households = pick_households()
    if not households:
        return
    today = timezone.localdate()
    with transaction.atomic():
        counts = Builder(today).build(households)
        audit_record(
            actor=None,
            actor_name="seed_demo",
            action="import",
            unit_code=DAISHIHAO,
            details={"what": "帮扶监测演示数据", **counts, "thresholds": thresholds},
        )
    stdout.write(
        f"帮扶：大十号村 {counts['households']} 户，收入明白卡 {counts['cards']} 张，"
        f"帮扶措施 {counts['measures']} 项，评议 {counts['reviews']} 件，"
        f"帮扶责任人 {counts['cadres']} 人次"
    )
