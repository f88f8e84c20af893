"""Jobs fixtures: a ski-resort opening and villagers in 大十号村 and the outsider village."""

import datetime

import pytest

from zhicun.demo.district import DAISHIHAO, HAMLET_A, XIAOSHIHAO
from zhicun.jobs.models import Employer, EmployerKind, Opening
from zhicun.registry.tests import factories


@pytest.fixture
def employer(unit, jining):
    return Employer.objects.create(
        name="集宁滑雪场", kind=EmployerKind.SKI, unit=unit("150902"), contact_phone="04711234567"
    )


@pytest.fixture
def opening(employer, jining, unit):
    return Opening.objects.create(
        employer=employer,
        position="安保",
        headcount=20,
        wage=320_000,
        season_start=datetime.date(2026, 12, 1),
        season_end=datetime.date(2027, 3, 15),
        place_unit=unit(DAISHIHAO),
        age_min=20,
        age_max=55,
        skills=["驾驶"],
        created_by=jining,
    )


@pytest.fixture
def villagers(unit):
    hamlet = unit(HAMLET_A)
    h = factories.household(hamlet, head_name="赵大山", head_birth=(1950, 1, 1))
    h.head.labour = "4"
    h.head.save()
    return {
        "driver": factories.person(h, "赵志刚", birth=(1985, 6, 1), labour="2", skills=["驾驶"]),
        "plain": factories.person(h, "赵志强", birth=(1990, 2, 1), labour="1"),
        "old": factories.person(h, "赵志勇", birth=(1968, 2, 1), labour="1"),
        "weak": factories.person(h, "赵秀英", birth=(1992, 2, 1), sex="2", labour="3"),
        "employed": factories.person(
            h, "赵志明", birth=(1988, 2, 1), labour="1", employment="local"
        ),
        "disabled": factories.person(h, "赵小兵", birth=(1995, 2, 1), labour="4"),
        "child": factories.person(h, "赵小宝", birth=(2015, 2, 1), labour="5"),
    }


@pytest.fixture
def outsider(unit):
    h = factories.household(
        unit(XIAOSHIHAO + "001001"), head_name="孙大河", head_birth=(1980, 1, 1)
    )
    h.head.labour = "1"
    h.head.save()
    return h.head
