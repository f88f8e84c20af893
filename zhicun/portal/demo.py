"""Demo villagers: `villager1` and `villager2` (who may also sign in with their mobile numbers,
like any villager), living adults of 大十号 hamlet picked in a fixed order, with a few cases,
comments on the village's publications and a correction request. Idempotent (nothing is added
once villager1 exists) and deterministic."""

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from zhicun.accounts.models import User
from zhicun.demo.district import DAISHIHAO, HAMLET_A
from zhicun.disclosure import services as disclosure
from zhicun.disclosure.models import Kind, Publication, Status
from zhicun.portal import services
from zhicun.portal.models import Villager
from zhicun.registry.choices import LIVING
from zhicun.registry.models import Person
from zhicun.units.models import Unit

VILLAGERS = [("villager1", "13904749001"), ("villager2", "13904749002")]

# title, description, how far the village got with it
CASES = {
    "villager1": [
        ("村口自来水管冻裂", "东梁路口的自来水管冻裂，水流到路面结冰，6 户停水。", "replied"),
        ("后营子路灯不亮", "后营子村道中段 2 盏路灯晚上不亮，老人出行不便。", "accepted"),
    ],
    "villager2": [
        ("垃圾收集点未及时清运", "大十号小学东侧垃圾收集点三天没有清运。", "reported"),
    ],
}


def seed(stdout) -> None:
    if User.objects.filter(username="villager1").exists():
        stdout.write("村民门户：演示村民已存在，跳过")
        return
    village = Unit.objects.filter(code=DAISHIHAO).first()
    today = timezone.localdate()
    adults = (
        Person.objects.filter(
            hamlet__code=HAMLET_A,
            residence__in=LIVING,
            died_on__isnull=True,
            villager_account__isnull=True,
            birth_date__lte=today - dt.timedelta(days=30 * 365),
            birth_date__gte=today - dt.timedelta(days=60 * 365),
        )
        .select_related("household", "hamlet")
        .order_by("household__number", "birth_date", "pk")
    )
    chosen, households = [], set()
    for person in adults:
        if person.household_id not in households:
            chosen.append(person)
            households.add(person.household_id)
        if len(chosen) == len(VILLAGERS):
            break
    if village is None or len(chosen) < len(VILLAGERS):
        stdout.write("村民门户：大十号村人口数据不足，未创建演示村民")
        return
    users = {}
    for (username, phone), person in zip(VILLAGERS, chosen, strict=True):
        user = User(username=username, full_name=person.name, phone=phone)
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
        Villager.objects.create(user=user, person=person, village=village, phone=phone)
        users[username] = User.objects.get(pk=user.pk)
    if apps.is_installed("zhicun.cases"):
        _cases(users, chosen)
    _comments(users, village)
    services.correction_report(
        by=users["villager2"], content="户里的联系电话换号了，请更新为新号码（到村委会当面核对）。"
    )
    names = "、".join(
        f"{u}（{p.name}，也可用手机号 {phone} 登录）"
        for (u, phone), p in zip(VILLAGERS, chosen, strict=True)
    )
    stdout.write(f"村民门户：演示村民 {names}，密码 {settings.DEMO_PASSWORD}")


def _cases(users: dict, persons: list) -> None:
    from zhicun.cases.models import Case, Category, Source
    from zhicun.cases.services import case_report, case_transition

    category = Category.objects.filter(parent__isnull=False, active=True).order_by("pk").first()
    collector = User.objects.get(username="collector1")
    chief = User.objects.get(username="dashihao")
    for (username, _phone), person in zip(VILLAGERS, persons, strict=True):
        for title, description, reached in CASES[username]:
            # Phoned in to the hamlet's collector on the villager's behalf, then linked to the
            # villager's account so that they follow it on the portal.
            case = case_report(
                by=collector,
                title=title,
                description=description,
                category=category,
                origin_unit=person.hamlet,
                source=Source.PHONE,
                reporter_name=person.name,
                reporter_phone=users[username].phone,
            )
            Case.objects.filter(pk=case.pk).update(reporter_user=users[username])
            case.refresh_from_db()
            steps = {
                "reported": [],
                "accepted": [("accept", {})],
                "replied": [
                    ("accept", {}),
                    ("resolve", {"result": "乡水管站已更换冻裂管段，恢复供水。"}),
                    ("reply", {"method": "phone"}),
                ],
            }[reached]
            for action, extra in steps:
                case_transition(case=case, action=action, by=chief, note="", **extra)


def _comments(users: dict, village: Unit) -> None:
    chief = User.objects.get(username="dashihao")
    current = Publication.objects.filter(unit=village, status=Status.PUBLISHED)
    rules = current.filter(kind=Kind.RULES).first()
    finance = current.filter(kind=Kind.FINANCE).first()
    if rules is not None:
        comment = disclosure.comment_add(
            by=users["villager1"], publication=rules, body="红白事从简这条好，建议写上具体标准。"
        )
        disclosure.comment_reply(
            by=chief, comment=comment, body="谢谢建议，下次村民代表会议讨论具体标准。"
        )
    if finance is not None:
        disclosure.comment_add(
            by=users["villager2"],
            publication=finance,
            body="自来水管网维修花了多少钱？修的是哪一段？",
        )
