import datetime
import io

import pytest
import time_machine

from zhicun.demo.district import GRID1, GRID2
from zhicun.jobs import demo
from zhicun.jobs.models import Placement
from zhicun.registry.models import Person
from zhicun.registry.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(unit):
    hamlets = [unit(GRID1 + "001"), unit(GRID2 + "003")]
    for i in range(60):
        h = factories.household(hamlets[i % 2], head_name=f"张{i}", head_birth=(1965, 1, 1))
        for k in range(2):
            factories.person(h, f"张{i}{k}", birth=(1975 + k * 10, 1 + k, 1), labour="1")


@time_machine.travel("2026-11-28 10:00 +0800", tick=False)
def test_it_seeds_200_placements_and_the_2019_ski_winter(district, village):
    out = io.StringIO()
    demo.seed(out)
    placements = Placement.objects.all()
    assert placements.count() >= 200
    ski = placements.filter(opening__employer__kind="ski", start_date=datetime.date(2019, 12, 1))
    assert ski.count() >= 40
    assert not ski.filter(monthly_income__lt=300_000).exists()
    running = placements.current(datetime.date(2026, 11, 28))
    assert running.exists()
    for p in running:
        assert Person.objects.get(pk=p.person_id).employment == "local"
    demo.seed(io.StringIO())
    assert Placement.objects.count() == placements.count()
