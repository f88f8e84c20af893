"""Demo cases: about 300 cases in 马莲渠乡 over the last 12 months, replayed through the services.

Deterministic (a fixed random seed, times anchored to today) and idempotent (each demo case has
its own form key, so a second run adds nothing).
"""

import datetime as dt
import random

from django.utils import timezone

from zhicun.accounts.models import User
from zhicun.cases import services
from zhicun.cases.defaults import ensure_defaults
from zhicun.cases.models import Case, Category, Rating, ReplyMethod, Source, Urgency
from zhicun.units.models import Kind, Unit

TOTAL = 300
KEY = "demo-case-{:03d}"

# category, title, description
SAMPLES = [
    ("垃圾清运", "村口垃圾堆放未清运", "村口垃圾池已满，三天未清运，气味较大。"),
    ("污水排放", "养殖户污水外排", "村东养殖户污水直排入沟渠，村民反映强烈。"),
    ("道路桥梁", "村道路面塌陷", "通往乡里的村道出现塌陷坑，车辆通行困难。"),
    ("供水供电", "自来水停水", "连续两天停水，老人吃水困难。"),
    ("供水供电", "变压器跳闸", "组里变压器频繁跳闸，晚上经常停电。"),
    ("通信网络", "手机信号差", "后山一带手机没有信号，放牧联系不便。"),
    ("证照办理", "代办残疾证换证", "残疾人行动不便，申请代办残疾证换证。"),
    ("养老助残", "独居老人需要照护", "独居老人近期摔伤，生活不能自理。"),
    ("就医就学", "孩子转学手续咨询", "外出务工返乡，孩子转学手续不清楚。"),
    ("邻里纠纷", "宅基地边界争执", "两户因院墙边界发生争执。"),
    ("土地纠纷", "承包地界不清", "承包地界桩丢失，两户对地界有争议。"),
    ("家庭纠纷", "赡养老人纠纷", "兄弟三人对赡养老母亲有分歧。"),
    ("低保救助", "申请低保", "家中主要劳动力患大病，申请低保。"),
    ("医保社保", "养老金未到账", "本月养老金未到账，请帮助查询。"),
    ("危房险情", "老房墙体开裂", "雨后老房墙体出现裂缝，有倒塌风险。"),
    ("消防隐患", "柴草堆靠近电线", "柴草堆放在电线下方，存在火灾隐患。"),
    ("防汛抗旱", "排水渠堵塞", "排水渠被杂物堵塞，下雨易积水。"),
    ("疫情防控", "外地返乡人员报告", "有外地返乡人员，需登记并做健康监测。"),
]

RESULTS = ["已现场处理完毕", "已协调相关部门解决", "已入户核实并办理", "已组织双方调解达成一致"]


def _fate(rng: random.Random, i: int, age_days: float) -> str:
    """What happens to case i: most old cases close; recent ones are spread over the flow."""
    special = {
        7: "district",
        19: "reopened",
        31: "township",
        43: "township",
        55: "township",
        67: "township",
        79: "parked",
        91: "extended",
        103: "extended",
        115: "extended",
    }
    if i in special:
        return special[i]
    if age_days > 20:
        return rng.choices(
            ["closed", "closed_late", "extended", "rated_basic", "red_open"],
            weights=[70, 12, 8, 8, 2],
        )[0]
    return rng.choice(
        [
            "reported",
            "accepted",
            "in_progress",
            "resolved",
            "replied",
            "closed",
            "red_open",
            "yellow_open",
            "returned",
        ]
    )


def seed(stdout) -> None:
    created = ensure_defaults()
    township = Unit.objects.filter(code="150902200").first()
    if township is None:
        return
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "collector1",
                "grid1",
                "grid2",
                "dashihao",
                "xiaoshihao",
                "malianqu",
                "jining",
                "baocun",
            ]
        )
    }
    if len(users) < 8:
        return
    hamlets = list(
        Unit.objects.filter(code__startswith=township.code, kind=Kind.HAMLET).order_by("code")
    )
    categories = {c.name: c for c in Category.objects.all()}
    urgent = Urgency.objects.get(code="urgent")
    rng = random.Random(20261128)  # noqa: S311 (demo data, not security)
    anchor = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    made = 0
    for i in range(TOTAL):
        # Draw every random number whether or not the case exists, so runs stay identical.
        age_days = rng.uniform(0.05, 360) if i % 10 else rng.uniform(0.05, 10)
        hamlet = rng.choice(hamlets)
        sample = rng.choice(SAMPLES)
        fate = _fate(rng, i, age_days)
        if fate in ("district", "reopened", "township", "parked", "extended"):
            age_days = max(age_days, 20 + i / 3)
        jitter = [rng.uniform(0.5, 3) for _ in range(8)]
        key = KEY.format(i)
        if Case.objects.filter(idempotency_key=key).exists():
            continue
        reported = anchor - dt.timedelta(days=age_days)
        _replay(i, fate, reported, hamlet, sample, jitter, users, categories, urgent, key)
        made += 1
    stdout.write(f"民情事件：新增 {made} 件演示事件，{created} 项默认分类/紧急程度")


def _replay(i, fate, reported, hamlet, sample, jitter, users, categories, urgent, key):
    village_code = hamlet.code[:12]
    chief = users["dashihao"] if village_code == "150902200201" else users["xiaoshihao"]
    if hamlet.code.startswith("150902200201001001"):
        reporter = users["collector1"]
    elif hamlet.code.startswith("150902200201001"):
        reporter = users["grid1"]
    elif hamlet.code.startswith("150902200201002"):
        reporter = users["grid2"]
    else:
        reporter = chief
    category = categories[sample[0]]
    t = reported
    now = timezone.now()

    def step(hours, by, action, **extra):
        nonlocal t
        t = min(t + dt.timedelta(hours=hours), now - dt.timedelta(minutes=1))
        with services.clock_at(t):
            services.case_transition(
                case=case, action=action, by=by, note=extra.pop("note", ""), **extra
            )

    if fate == "yellow_open":
        t = now - dt.timedelta(hours=5, minutes=30)
    with services.clock_at(t):
        from zhicun.registry.models import Person

        persons = list(Person.objects.filter(hamlet=hamlet).order_by("id")[i % 3 : i % 3 + 1])
        case = services.case_report(
            by=reporter,
            title=sample[1],
            description=sample[2],
            category=category,
            origin_unit=hamlet,
            source=[Source.STAFF, Source.PHONE, Source.VISIT, Source.WALK_IN][i % 4],
            reporter_name="" if i % 4 == 0 else f"村民{hamlet.name}",
            persons=persons,
            idempotency_key=key,
        )
    if fate == "reported":
        return
    if fate == "returned":
        step(jitter[0], chief, "return_info", note="请补充具体位置和联系电话")
        return
    limit_hours = case.urgency.limit.total_seconds() / 3600
    if fate == "yellow_open":
        # Accepted as urgent (6 h) five hours ago: past the 75 % mark, not yet overdue.
        t = now - dt.timedelta(hours=5)
        with services.clock_at(t):
            services.case_transition(case=case, action="accept", by=chief, urgency=urgent)
        step(0.1, chief, "start")
        return
    step(jitter[0], chief, "accept")
    if fate == "accepted":
        return
    if fate == "red_open":
        step(jitter[1], chief, "start")
        return
    if fate in ("township", "district"):
        step(jitter[1], chief, "escalate", note="村级无法解决，申请乡里协调")
        township_cmd = users["malianqu"]
        step(jitter[2], township_cmd, "accept")
        if fate == "district":
            step(jitter[3], township_cmd, "escalate", note="涉及区级部门，提请区指挥中心协调")
            step(jitter[4], users["jining"], "accept")
            step(jitter[5] * 24, users["jining"], "resolve", result="区住建局已安排维修")
        else:
            step(jitter[3] * 10, township_cmd, "resolve", result=RESULTS[i % 4])
        if t < now - dt.timedelta(hours=6):
            step(jitter[6], chief, "reply", method=ReplyMethod.PHONE, note="已电话告知")
            step(jitter[7], chief, "rate", rating=Rating.SATISFIED)
            step(1, chief, "close")
        return
    step(jitter[1], chief, "start")
    if fate == "in_progress":
        return
    if fate == "parked":
        step(jitter[2], chief, "park", note="等待上级资金到位")
        return
    if fate == "extended":
        step(
            jitter[2],
            chief,
            "request_extension",
            note="需协调多个部门",
            extension=services.extension_from_form(case, 2 if case.clock_working else 24),
        )
        step(
            jitter[3],
            users["baocun"] if village_code == "150902200201" else users["malianqu"],
            "approve_extension",
        )
    late = fate == "closed_late"
    hours = limit_hours * (1.6 if late else 0.3) * jitter[4] / 3 + 1
    if case.clock_working:
        hours *= 1.4
    step(hours, chief, "resolve", result=RESULTS[i % 4])
    if fate == "resolved" or t > now - dt.timedelta(hours=2):
        return
    step(jitter[5], chief, "reply", method=ReplyMethod.PHONE, note="已电话告知处理结果")
    if fate == "replied":
        return
    if fate == "reopened":
        step(jitter[6], chief, "rate", rating=Rating.UNSATISFIED, note="问题反复出现")
        step(1, chief, "reopen", note="村民不满意，重新办理")
        step(jitter[7] * 5, chief, "resolve", result="已彻底处理")
        step(2, chief, "reply", method=ReplyMethod.VISIT, note="上门告知")
    rating = Rating.BASIC if fate == "rated_basic" else Rating.SATISFIED
    step(jitter[6], chief, "rate", rating=rating)
    step(1, chief, "close")
