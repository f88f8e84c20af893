"""Demo 三务公开 for 大十号村: a ledger for the last three months, last month's financial
disclosure generated from it and reviewed by the supervisor, and one publication of every
other kind, plus 民情日志 entries. Idempotent (nothing is added once the village has
publications) and deterministic for a given day; everything goes through the services."""

import datetime as dt

from django.utils import timezone

from zhicun.accounts.models import User
from zhicun.demo.district import DAISHIHAO
from zhicun.disclosure import services
from zhicun.disclosure.models import Direction, DisclosureSettings, Kind, Publication
from zhicun.units.models import Unit

# day of month, direction, category, item, amount in 分, voucher suffix
MONTHLY_ENTRIES = [
    (3, Direction.INCOME, "发包及上交收入", "东梁机动地承包费", 1_860_000, "01"),
    (6, Direction.EXPENSE, "公益支出", "村道路灯维修", 236_050, "02"),
    (9, Direction.EXPENSE, "管理费用", "村委会办公用品", 48_600, "03"),
    (12, Direction.INCOME, "补助收入", "村级组织运转经费", 2_500_000, "04"),
    (15, Direction.EXPENSE, "公益支出", "自来水管网维修", 412_000, "05"),
    (20, Direction.EXPENSE, "其他支出", "村民小组会议误工补贴", 90_000, "06"),
    (24, Direction.INCOME, "经营收入", "林果采摘园门票分成", 325_500, "07"),
]

RULES_BODY = """# 大十号村村规民约
（经村民代表会议讨论通过）

- 爱党爱国，遵纪守法，维护社会稳定。
- 移风易俗，红白事从简，不大操大办，不搞高价彩礼。
- 爱护环境，垃圾分类投放，不乱堆乱放柴草粪土。
- 邻里和睦，有矛盾找网格员调解，不激化矛盾。
- 防火防汛，冬季取暖注意一氧化碳中毒。

**本村规民约自公布之日起施行。**"""

OTHERS = [
    (
        Kind.PARTY,
        "党支部{quarter}“三会一课”及党员发展情况公开",
        "# 三会一课\n- 召开支部党员大会 1 次、支委会 3 次、党小组会 6 次。\n"
        "- 书记讲党课 1 次，主题为乡村振兴。\n\n# 党员发展\n本季度确定入党积极分子 2 名。",
    ),
    (
        Kind.AFFAIRS,
        "大十号村{quarter}村务公开",
        "# 重点工作\n- 完成前营子至后营子村道硬化 2.3 公里。\n- 为 12 户完成危房改造验收。\n"
        "- 组织 2 期农机驾驶技能培训，参加 46 人次。\n\n# 惠民政策落实\n"
        "本季度发放耕地地力保护补贴、高龄补贴等，名单在村委会公示栏张贴。",
    ),
    (
        Kind.NOTICE,
        "关于做好冬季取暖安全的通知",
        "各位村民：\n入冬后请检查火炉、烟道，睡前封好炉火，保持通风。"
        "\n\n如发现安全隐患，请联系本网格网格员，或在“我要反映问题”中上报。",
    ),
    (
        Kind.GUIDE,
        "养老金领取资格认证怎么办",
        "# 办理方式\n- 本人携带身份证到村委会，由网格员代为认证。\n"
        "- 行动不便的老人，可由网格员上门办理。\n\n# 时间\n每年一次，请在上次认证满一年前完成。",
    ),
]

LOG_ENTRIES = [
    (
        3,
        "走访东梁 8 户，重点了解冬季取暖准备。",
        "东梁村民反映村口自来水管冻裂，影响 6 户用水。",
        "已联系乡水管站，约定次日上午维修，期间由村委会送水。",
    ),
    (
        2,
        "召开第一网格村民小组会，通报村道硬化进度。",
        "部分村民希望在后营子增设 2 盏路灯。",
        "已记录，纳入下月村民代表会议议题。",
    ),
    (1, "入户核查养老金资格认证，完成 14 人。", "", "对 3 位行动不便的老人上门办理。"),
]


def seed(stdout) -> None:
    village = Unit.objects.filter(code=DAISHIHAO).first()
    if village is None or Publication.objects.filter(unit=village).exists():
        stdout.write("三务公开：演示数据已存在，跳过")
        return
    chief = User.objects.get(username="dashihao")
    supervisor = User.objects.get(username="jiandu")
    today = timezone.localdate()
    DisclosureSettings.objects.get_or_create(
        unit=village, defaults={"office_phone": "0474-8123001"}
    )

    first_of_month = today.replace(day=1)
    months = [services.add_months(first_of_month, -n) for n in (3, 2, 1)]
    for start in months:
        for day, direction, category, item, amount, suffix in MONTHLY_ENTRIES:
            services.ledger_entry_add(
                by=chief,
                unit=village,
                date=start.replace(day=day),
                direction=direction,
                category=category,
                item=item,
                amount=amount,
                voucher=f"记-{start:%Y%m}-{suffix}",
            )
    last = months[-1]
    finance = services.finance_disclosure_generate(
        by=chief, unit=village, year=last.year, month=last.month
    )
    _publish(finance, chief, supervisor)

    quarter_end = first_of_month.replace(month=(first_of_month.month - 1) // 3 * 3 + 1)
    quarter_start = services.add_months(quarter_end, -3)
    quarter_label = f"{quarter_start.year}年第{(quarter_start.month - 1) // 3 + 1}季度"
    rules = services.publication_create(
        by=chief, unit=village, kind=Kind.RULES, title="大十号村村规民约", body=RULES_BODY
    )
    _publish(rules, chief, chief)
    for kind, title, body in OTHERS:
        periodic = kind in (Kind.PARTY, Kind.AFFAIRS)
        pub = services.publication_create(
            by=chief,
            unit=village,
            kind=kind,
            title=title.format(quarter=quarter_label),
            body=body,
            period_start=quarter_start if periodic else None,
            period_end=quarter_end - dt.timedelta(days=1) if periodic else None,
        )
        _publish(pub, chief, chief)

    for days_ago, happened, raised, done in LOG_ENTRIES:
        entry = services.log_entry_create(
            by=chief,
            unit=village,
            date=today - dt.timedelta(days=days_ago),
            happened=happened,
            raised=raised,
            done=done,
        )
        if days_ago > 1:
            pub = services.log_entry_publish(by=chief, entry=entry)
            services.publication_approve(by=chief, publication=pub)
    stdout.write(
        f"三务公开：{Publication.objects.filter(unit=village).count()} 项公开，"
        f"{len(months) * len(MONTHLY_ENTRIES)} 笔账目"
    )


def _publish(pub: Publication, author: User, reviewer: User) -> None:
    services.publication_submit(by=author, publication=pub)
    services.publication_approve(by=reviewer, publication=pub)
