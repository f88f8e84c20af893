"""A small known world across the district: persons, moves, visits, cases, support and jobs.

大十号村 (two grids) and 小十号村 in 马莲渠乡, and 白海子村 in another township, each with a few
households, so that every figure on the way down from the district has something to count.
"""

import datetime as dt
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhicun.cases.models import Rating, ReplyMethod
from zhicun.cases.tests.factories import move, report
from zhicun.demo.district import DAISHIHAO, GRID1, GRID2, XIAOSHIHAO
from zhicun.errands.tests import factories as errand_factories
from zhicun.jobs.models import Employer, EmployerKind, Opening, Placement
from zhicun.registry.choices import HouseholdResidence, MoveKind, MoveReason, Residence
from zhicun.registry.models import Move
from zhicun.registry.tests import factories
from zhicun.support.models import IncomeCard, Kind, Status, SupportedHousehold, Threshold

TZ = ZoneInfo("Asia/Shanghai")
REPORTED = dt.datetime(2026, 11, 2, 9, tzinfo=TZ)
NOW = dt.datetime(2026, 11, 28, 12, tzinfo=TZ)
TODAY = NOW.date()
BAIHAIZI = "150902100201"


def _village(unit, hamlet_code: str, jining, *, prefix: str, size: int, visited: int):
    """`size` households of three: a head, a spouse away at work, a child; some visited."""
    hamlet = unit(hamlet_code)
    households = []
    for i in range(size):
        h = factories.household(
            hamlet,
            head_name=f"{prefix}{i}",
            head_birth=(1950 + 7 * i, 3, 1),
            residence=HouseholdResidence.RESIDENT if i % 3 else HouseholdResidence.AWAY,
            last_visited_on=TODAY - dt.timedelta(days=10 if i < visited else 200),
        )
        h.head.labour = "1"
        h.head.employment = "local" if i % 2 else "none"
        h.head.groups = ["disabled"] if i % 2 else ["empty_nest", "dibao"]
        h.head.save()
        spouse = factories.person(
            h,
            f"{prefix}{i}妻",
            birth=(1955 + 6 * i, 5, 1),
            sex="2",
            relation="10",
            labour="2",
            residence=Residence.AWAY_WORK if i % 2 else Residence.RESIDENT,
        )
        factories.person(
            h, f"{prefix}{i}子", birth=(2010 + i, 1, 1), relation="20", residence=Residence.INFLOW
        )
        factories.person(
            h, f"{prefix}{i}父", birth=(1930, 1, 1), relation="50", residence=Residence.DEAD
        )
        Move.objects.create(
            person=spouse,
            kind=MoveKind.OUT,
            date=TODAY - dt.timedelta(days=5 + 20 * i),
            reason=MoveReason.WORK,
            recorded_by=jining,
        )
        households.append(h)
    return households


def _cases(collector1, dashihao, xiaoshihao, jining):
    with time_machine.travel(REPORTED, tick=False):
        move(report(collector1), dashihao, "accept")  # red by NOW
        done = move(report(collector1), dashihao, "accept", "resolve", result="已修好")
        move(done, dashihao, "reply", method=ReplyMethod.PHONE)
        move(done, dashihao, "rate", rating=Rating.SATISFIED)
        move(report(dashihao, GRID2 + "001"), dashihao, "accept")
        move(
            report(xiaoshihao, XIAOSHIHAO + "001001"), xiaoshihao, "accept", "resolve", result="好"
        )
        move(report(jining, BAIHAIZI + "001001"), jining, "accept")
    with time_machine.travel(NOW - dt.timedelta(hours=2), tick=False):
        move(report(collector1), dashihao, "accept")  # accepted today, still green
        report(dashihao, GRID1 + "002")  # reported today, not yet accepted


def _support(households, by):
    Threshold.objects.create(year=TODAY.year, region_code="", amount=700_000)
    for i, h in enumerate(households):
        SupportedHousehold.objects.create(
            household=h,
            kind=Kind.JIANCE if i % 2 else Kind.TUOPIN,
            year_identified=2020,
            causes=["01"],
            status=Status.MONITORING if i % 2 else Status.STABLE,
        )
        IncomeCard.objects.create(
            household=h, year=TODAY.year, size=1, wage=(5_000 + 1_500 * i) * 100, recorded_by=by
        )


def _jobs(persons, unit, jining):
    employer = Employer.objects.create(
        name="集宁滑雪场", kind=EmployerKind.SKI, unit=unit("150902"), contact_phone="04711234567"
    )
    opening = Opening.objects.create(
        employer=employer,
        position="安保",
        headcount=20,
        wage=320_000,
        season_start=dt.date(2025, 12, 1),
        place_unit=unit(DAISHIHAO),
        created_by=jining,
    )
    for i, person in enumerate(persons):
        Placement.objects.create(
            opening=opening,
            person=person,
            start_date=dt.date(2025, 12, 1) + dt.timedelta(days=30 * i),
            end_date=None if i % 2 else dt.date(2026, 3, 1),
            monthly_income=300_000 + 10_000 * i,
            created_by=jining,
        )


@pytest.fixture
def world(unit, jining, collector1, dashihao, xiaoshihao):
    with time_machine.travel(NOW, tick=False):
        big = _village(unit, GRID1 + "001", jining, prefix="大甲", size=4, visited=2)
        big += _village(unit, GRID2 + "001", jining, prefix="大乙", size=3, visited=3)
        small = _village(unit, XIAOSHIHAO + "001001", jining, prefix="小", size=3, visited=1)
        _village(unit, BAIHAIZI + "001", jining, prefix="白", size=2, visited=0)
        _support(big[:3] + small[:1], dashihao)
        _jobs([h.head for h in big[:3]] + [small[0].head], unit, jining)
    with time_machine.travel(REPORTED, tick=False):
        errand_factories.register(dashihao, person=big[1].head)
        errand_factories.replied(dashihao, person=big[2].head)
        errand_factories.register(xiaoshihao, person=small[1].head)
    _cases(collector1, dashihao, xiaoshihao, jining)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def list_figures(client, link: str, figure: dict):
    """What the list behind `link` shows for `figure`: its count, or the rate it reports."""
    response = client.get(link)
    assert response.status_code == 200, link
    ctx = response.context
    path = urlparse(link).path
    key = figure.get("key", "")
    if path == "/registry/coverage/":
        return ctx["summary"]["rate"]
    if path == "/cases/indicators/":
        return ctx["total"]["rates"][key]
    if path.startswith("/cases/"):
        return ctx["total"]
    if path == "/errands/stats/":
        data = ctx["data"]
        if key == "errands_total":
            return data["running_total"]
        if key.startswith("type_"):
            return data["by_type"][int(key[5:])]["n"]
        return data["totals"][
            {"errands": "n", "errands_open": "open", "errands_closed": "closed"}[key]
        ]
    if path == "/jobs/stats/":
        d = ctx["d"]
        if key == "avg_income":
            return round(d["avg_income"] / 100) if d["avg_income"] is not None else None
        return {"current": d["current"], "since": d["since_count"]}[key]
    if path == "/disclosure/completion/":
        result = ctx["result"]
        if key == "rate":
            return round(100 * result["rate"], 1) if result["rate"] is not None else None
        return {"villages": result["total"], "late": len(result["late"])}[key]
    return ctx["page"].paginator.count
