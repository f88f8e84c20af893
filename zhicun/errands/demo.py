"""Demo errands (SPEC §0, §5): 大十号村 has exactly 2229 since 2019-09-01, mostly closed, a
handful open with documents in custody; 小十号村 fewer.

Runs after the registry demo and picks villagers from it. Deterministic (one seeded
random.Random per village; dates relative to today) and idempotent (a village that already has
errands is left alone). Rows are bulk-inserted with a minimal history: the registration and
the final step of each errand. One audit row records what was loaded.
"""

import contextlib
import datetime as dt
import random

from django.utils import timezone

from zhicun.accounts.models import User
from zhicun.audit.services import audit_record
from zhicun.demo.district import DAISHIHAO, XIAOSHIHAO
from zhicun.errands.models import (
    PENSION,
    Channel,
    CustodyItem,
    Errand,
    ErrandEvent,
    ErrandType,
    Payment,
    ReplyMethod,
    State,
)
from zhicun.lib import lights, workdays
from zhicun.registry.models import Person
from zhicun.units.models import Unit

SINCE = dt.date(2019, 9, 1)
OPEN_COUNT = 8
# village code, errands since SINCE, staff usernames by hamlet-code prefix (longest first)
VILLAGES = [
    (
        DAISHIHAO,
        2229,
        [
            (DAISHIHAO + "001001", ["collector1", "grid1"]),
            (DAISHIHAO + "001", ["grid1"]),
            (DAISHIHAO + "002", ["grid2"]),
            (DAISHIHAO, ["dashihao"]),
        ],
    ),
    (XIAOSHIHAO, 386, [(XIAOSHIHAO, ["xiaoshihao"])]),
]

# How often each type is asked for (社保, 养老金资格认证 and 代缴水电费/话费 the most).
WEIGHTS = {
    "social_insurance": 20,
    PENSION: 17,
    "utilities": 18,
    "phone_bill": 14,
    "medical_insurance": 9,
    "medical_claim": 5,
    "old_age_allowance": 4,
    "hukou_cert": 4,
    "farm_subsidy": 4,
    "dibao": 2,
    "disability_cert": 2,
}
# Typical amounts paid on the villager's behalf, in 分.
AMOUNTS = {
    "social_insurance": (20000, 50000, 10000),
    "medical_insurance": (28000, 40000, 1000),
    "utilities": (3000, 30000, 1),
    "phone_bill": (3000, 10000, 1000),
}
OFFICES = {
    "social_insurance": "集宁区社保局马莲渠乡服务窗口",
    PENSION: "集宁区社保局",
    "medical_insurance": "集宁区医保局马莲渠乡服务窗口",
    "medical_claim": "集宁区医保局",
    "utilities": "马莲渠供电所、自来水公司营业厅",
    "phone_bill": "中国移动集宁营业厅",
    "disability_cert": "集宁区残联",
    "dibao": "马莲渠乡民政办",
    "old_age_allowance": "马莲渠乡民政办",
    "hukou_cert": "马莲渠派出所",
    "farm_subsidy": "马莲渠乡农经站",
}
RESULTS = {
    "social_insurance": "已代缴本年度城乡居民养老保险费",
    PENSION: "已完成本年度领取资格认证",
    "medical_insurance": "已代缴下一年度城乡居民医保费",
    "medical_claim": "报销款已打入社保卡",
    "utilities": "水电费已缴清",
    "phone_bill": "话费已充值到账",
    "disability_cert": "残疾证已办好",
    "dibao": "申请材料已递交乡民政办",
    "old_age_allowance": "高龄补贴已批准，按月发放",
    "hukou_cert": "户籍证明已开具",
    "farm_subsidy": "补贴申领已登记，发放到一卡通",
}
NEEDS = {
    "utilities": ["代缴电费", "代缴水费", "代缴本季度水电费"],
    "phone_bill": ["代缴手机话费", "代缴固定电话费"],
}


def seed(stdout) -> None:
    types = {t.code: t for t in ErrandType.objects.all()}
    if set(WEIGHTS) - set(types):
        return
    now = timezone.now()
    total = 0
    for code, count, staff_plan in VILLAGES:
        if Errand.objects.filter(unit_code__startswith=code).exists():
            continue
        with _calendar_read_once():
            made = _seed_village(code, count, staff_plan, types, now)
        if made:
            total += made
            name = Unit.objects.filter(code=code).values_list("name", flat=True).first() or code
            stdout.write(f"代办：{name} 新增 {made} 件（{SINCE:%Y-%m-%d} 以来）")
    if total:
        audit_record(actor=None, action="errand.demo", details={"errands": total})


def _seed_village(code, count, staff_plan, types, now) -> int:
    rng = random.Random(f"errands-{code}")
    persons = list(
        Person.objects.filter(hamlet__code__startswith=code)
        .active()
        .order_by("id")
        .values("id", "hamlet_id", "hamlet__code", "name", "pension_receiving")
    )
    users = {u.username: u for u in User.objects.filter(username__in=_usernames(staff_plan))}
    if not persons or not users:
        return 0
    pensioners = [p for p in persons if p["pension_receiving"]] or persons
    codes = list(WEIGHTS)
    weights = [WEIGHTS[c] for c in codes]
    moments = _moments(rng, count, now)
    used_years: set[tuple[int, int]] = set()
    errands, plans = [], []
    for index, registered_at in enumerate(moments):
        is_open = index >= count - OPEN_COUNT
        type_code = rng.choices(codes, weights)[0]
        person = rng.choice(persons)
        year = None
        if type_code == PENSION:
            person = rng.choice(pensioners)
            year = timezone.localtime(registered_at).year
            if (person["id"], year) in used_years:
                type_code, year = "social_insurance", None
            else:
                used_years.add((person["id"], year))
        kind = types[type_code]
        staff = users.get(rng.choice(_staff_for(person["hamlet__code"], staff_plan)))
        staff = staff or next(iter(users.values()))
        deadline, yellow_at = lights.working_deadline(registered_at, kind.limit_days)
        need = rng.choice(NEEDS.get(type_code, [kind.name]))
        errand = Errand(
            person_id=person["id"],
            type=kind,
            unit_id=person["hamlet_id"],
            unit_code=person["hamlet__code"],
            need=f"{year} 年度养老金领取资格认证" if year else need,
            documents_required=list(kind.documents),
            channel=rng.choices(list(Channel.values), [6, 3, 1])[0],
            registered_by=staff,
            registered_at=registered_at,
            handler=staff,
            year=year,
            deadline=deadline,
            yellow_at=yellow_at,
        )
        state = _state(rng, index, count) if is_open else _end_state(rng)
        _fill(errand, state, rng, kind, now)
        errands.append(errand)
        plans.append((errand, staff, person["name"]))
    Errand.objects.bulk_create(errands, batch_size=500)
    _history(plans, rng, types, now)
    return len(errands)


@contextlib.contextmanager
def _calendar_read_once():
    """Thousands of deadlines: read the holiday overrides once instead of once per deadline."""
    table = workdays._overrides()
    previous = workdays._override_source
    workdays.set_override_source(lambda: table)
    try:
        yield
    finally:
        workdays.set_override_source(previous)


def _usernames(staff_plan) -> set[str]:
    return {name for _prefix, names in staff_plan for name in names}


def _staff_for(hamlet_code: str, staff_plan) -> list[str]:
    for prefix, names in staff_plan:
        if hamlet_code.startswith(prefix):
            return names
    return staff_plan[-1][1]


def _moments(rng: random.Random, count: int, now: dt.datetime) -> list[dt.datetime]:
    """Registration times from SINCE to now, busier in later years; the last OPEN_COUNT fall
    in the past two weeks (they are still open), the rest end at least a month ago."""
    start = timezone.make_aware(dt.datetime.combine(SINCE, dt.time(9)))
    closed_until = now - dt.timedelta(days=30)
    span = (closed_until - start).total_seconds()
    moments = sorted(
        _working_hours(start + dt.timedelta(seconds=span * rng.random() ** 0.8), rng)
        for _ in range(count - OPEN_COUNT)
    )
    recent = [now - dt.timedelta(days=rng.uniform(0.2, 14)) for _ in range(OPEN_COUNT)]
    return [*moments, *sorted(min(m, now) for m in recent)]


def _working_hours(moment: dt.datetime, rng: random.Random) -> dt.datetime:
    local = timezone.localtime(moment)
    return local.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=0)


def _end_state(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.03:
        return State.CANCELLED
    if roll < 0.06:
        return State.FAILED
    return State.CLOSED


def _state(rng: random.Random, index: int, count: int) -> str:
    return [State.REGISTERED, State.PROCESSING, State.PROCESSING, State.REPLIED][
        (count - index) % 4
    ]


def _fill(errand: Errand, state: str, rng: random.Random, kind, now: dt.datetime) -> None:
    errand.state = state
    errand.light = ""
    if state == State.REGISTERED:
        errand.light = errand.current_light(now)
        return
    errand.office = OFFICES[kind.code]
    if state == State.PROCESSING:
        errand.light = errand.current_light(now)
        return
    if state == State.CANCELLED:
        errand.end_reason = rng.choice(["村民已自行办理", "村民不再需要办理", "重复登记"])
        errand.closed_at = errand.registered_at + dt.timedelta(hours=rng.uniform(2, 72))
        return
    if state == State.FAILED:
        errand.end_reason = rng.choice(["不符合申请条件", "材料不全，村民无法补齐"])
        errand.villager_informed = True
        errand.closed_at = errand.registered_at + dt.timedelta(days=rng.uniform(2, 15))
        return
    limit = dt.timedelta(days=kind.limit_days)
    took = limit * rng.uniform(0.1, 1.15)
    errand.replied_at = min(errand.registered_at + took * 1.4, now)
    errand.on_time = errand.replied_at <= errand.deadline
    errand.result = RESULTS[kind.code]
    errand.reply_method = rng.choice(ReplyMethod.values)
    if state == State.CLOSED:
        errand.villager_confirmed = True
        errand.closed_at = errand.replied_at + dt.timedelta(hours=rng.uniform(1, 48))


def _history(plans, rng: random.Random, types, now: dt.datetime) -> None:
    events, custody, payments = [], [], []
    reversed_pairs = []
    for errand, staff, villager in plans:
        events.append(
            ErrandEvent(
                errand=errand,
                at=errand.registered_at,
                actor=staff,
                action="register",
                to_state=State.REGISTERED,
                note=errand.need,
            )
        )
        if errand.state in (State.CLOSED, State.CANCELLED, State.FAILED):
            action = {"closed": "close", "cancelled": "cancel", "failed": "fail"}[errand.state]
            events.append(
                ErrandEvent(
                    errand=errand,
                    at=errand.closed_at,
                    actor=staff,
                    action=action,
                    from_state=State.REPLIED if action == "close" else State.PROCESSING,
                    to_state=errand.state,
                    note=errand.end_reason,
                )
            )
        docs = errand.documents_required
        if docs and errand.state != State.CANCELLED:
            name = docs[0]
            returned = errand.state in (State.CLOSED, State.FAILED)
            custody.append(
                CustodyItem(
                    errand=errand,
                    name=name,
                    original=name in ("身份证", "社保卡", "户口簿", "土地承包经营权证"),
                    received_at=errand.registered_at,
                    received_by=staff,
                    returned_at=errand.closed_at if returned else None,
                    returned_by=staff if returned else None,
                    returned_to=villager if returned else "",
                    villager_confirmed=returned,
                )
            )
        code = errand.type.code
        if code in AMOUNTS and errand.state in (State.CLOSED, State.REPLIED, State.PROCESSING):
            low, high, step = AMOUNTS[code]
            amount = rng.randrange(low, high + 1, step)
            paid_at = errand.registered_at + dt.timedelta(hours=rng.uniform(1, 24))
            payment = Payment(
                errand=errand,
                amount_fen=amount,
                receipt_no=f"{paid_at:%Y%m%d}{len(payments):05d}",
                paid_by=staff,
                paid_at=min(paid_at, now),
            )
            payments.append(payment)
            if rng.random() < 0.01:
                reversed_pairs.append(payment)
    ErrandEvent.objects.bulk_create(events, batch_size=1000)
    CustodyItem.objects.bulk_create(custody, batch_size=1000)
    Payment.objects.bulk_create(payments, batch_size=1000)
    corrections = []
    for original in reversed_pairs:
        at = original.paid_at + dt.timedelta(minutes=30)
        corrections.append(
            Payment(
                errand=original.errand,
                amount_fen=-original.amount_fen,
                receipt_no=original.receipt_no,
                paid_by=original.paid_by,
                paid_at=at,
                note="金额录入错误，冲正",
                reverses=original,
            )
        )
        corrections.append(
            Payment(
                errand=original.errand,
                amount_fen=original.amount_fen - 100 * rng.randint(1, 20),
                receipt_no=original.receipt_no,
                paid_by=original.paid_by,
                paid_at=at,
                note="更正后金额",
            )
        )
    Payment.objects.bulk_create(corrections)
