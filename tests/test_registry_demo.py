"""seed_demo's population: 大十号村 exactly as SPEC §0, valid and consistent, and idempotent.

Seeding takes a moment, so one test seeds once and checks many things."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.db.models import Count, F, Max, Q
from django.http import QueryDict
from django.utils import timezone

from zhicun.audit.models import AuditEvent
from zhicun.demo.district import DAISHIHAO, XIAOSHIHAO
from zhicun.lib.idnumber import parse_id_number
from zhicun.registry.choices import ACTIVE, LIVING, Employment, Residence
from zhicun.registry.models import Household, Move, Person, SavedFilter, Visit, VisitRule
from zhicun.registry.search import PersonFilterForm, has_tag


def seed():
    out = StringIO()
    call_command("seed_demo", "--quiet-accounts", stdout=out)
    return out.getvalue()


def counts():
    return (
        Household.objects.count(),
        Person.objects.count(),
        Move.objects.count(),
        Visit.objects.count(),
        VisitRule.objects.count(),
        SavedFilter.objects.count(),
        AuditEvent.objects.count(),
    )


def test_it_builds_daishihao_as_in_the_spec(db):
    text = seed()
    today = timezone.localdate()
    households = Household.objects.filter(hamlet__code__startswith=DAISHIHAO)
    persons = Person.objects.filter(hamlet__code__startswith=DAISHIHAO)
    assert "大十号村 新增 698 户 2016 人" in text

    assert households.count() == 698
    assert persons.filter(residence__in=ACTIVE).count() == 2016
    assert households.filter(residence="resident").count() == 308
    assert persons.filter(residence__in=LIVING).count() == 593
    assert persons.active().filter(political__in=["01", "02"]).count() == 39
    # A few who died or moved away, outside the 2016.
    assert persons.exclude(residence__in=ACTIVE).count() >= 5

    # Those living there are in resident households; the others are away or nominal.
    assert not persons.filter(residence__in=LIVING).exclude(household__residence="resident")
    assert not households.filter(residence="resident").exclude(members__residence__in=LIVING)

    # Every household has exactly one head, who is one of its members.
    heads = households.annotate(n=Count("members", filter=Q(members__relation="02")))
    assert set(heads.values_list("n", flat=True)) == {1}
    assert not households.filter(head__isnull=True)
    assert not households.exclude(head__household=F("pk"))
    assert not households.exclude(head__relation="02")

    # Every ID number is valid, unique and agrees with sex and birth date.
    numbers = set()
    for number, sex, birth in Person.objects.values_list("id_number", "sex", "birth_date"):
        info = parse_id_number(number)
        assert (info.sex, info.birth_date) == (sex, birth)
        numbers.add(number)
    assert len(numbers) == Person.objects.count()

    # Many old people among those living there; the young are away.
    living = persons.filter(residence__in=LIVING)
    assert living.aged(age_min=60).count() > living.count() / 2
    migrants = persons.filter(residence=Residence.AWAY_WORK)
    assert migrants.aged(18, 45).count() > 500
    assert not migrants.filter(employment=Employment.NONE).aged(18, 45)
    assert set(persons.values_list("ethnicity", flat=True)) >= {"01", "02", "03", "11"}
    assert persons.exclude(disability_category="").exclude(disability_cert="").count() > 30
    assert persons.filter(has_tag("groups", "wubao")).count() >= 3
    assert households.filter(has_tag("tags", "dibao")).exists()

    # Name search works on the bulk-created rows.
    someone = persons.filter(name__regex=r"^[王李张刘赵]").first()
    assert someone in Person.objects.name_matches(someone.name_initials.split()[0])

    # About 70 % of resident households visited in the last 90 days; last_visited_on follows.
    resident = households.filter(residence="resident")
    since = today - datetime.timedelta(days=90)
    covered = resident.filter(last_visited_on__gte=since).count()
    assert 0.65 <= covered / resident.count() <= 0.75
    for last, latest in households.annotate(m=Max("visits__date")).values_list(
        "last_visited_on", "m"
    ):
        assert last == latest

    recent = Move.objects.filter(
        person__hamlet__code__startswith=DAISHIHAO, date__gte=today - datetime.timedelta(days=30)
    )
    assert recent.filter(kind="in").exists() and recent.filter(kind="out").exists()

    assert Household.objects.filter(hamlet__code__startswith=XIAOSHIHAO).count() < 200
    assert set(VisitRule.objects.values_list("group", "every_days")) == {
        ("wubao", 30),
        ("tekun", 30),
        ("disabled", 30),
        ("empty_nest", 30),
    }
    shared = SavedFilter.objects.filter(
        shared=True, unit__code=DAISHIHAO, owner__username="dashihao"
    )
    assert shared.count() == 5
    for f in shared:
        assert PersonFilterForm(QueryDict(f.query)).is_valid(), f.name
    assert AuditEvent.objects.filter(unit_code=DAISHIHAO, action="create").count() == 1


def test_it_adds_nothing_when_run_again(db):
    seed()
    first = counts()
    seed()
    assert counts() == first
