"""With DATABASE_REPLICA_URL, the dashboards' figures are read from the replica; the scope check
and every write stay on the primary."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import router

from zhicun.cases.models import Case
from zhicun.demo.district import MALIANQU
from zhicun.replica import ReplicaRouter, replica_reads
from zhicun.units.models import Unit

ROOT = Path(__file__).resolve().parent.parent


class RecordingRouter(ReplicaRouter):
    """Records where each read would go, and reads from the test database all the same."""

    reads: list = []

    def db_for_read(self, model, **hints):
        self.reads.append((model._meta.label, super().db_for_read(model, **hints)))
        return "default"


def test_it_routes_reads_inside_replica_reads_and_writes_always_to_the_primary():
    r = ReplicaRouter()
    assert (r.db_for_read(Case), r.db_for_write(Case)) == ("default", "default")
    with replica_reads():
        assert (r.db_for_read(Case), r.db_for_write(Case)) == ("replica", "default")
    assert r.db_for_read(Case) == "default"
    assert r.allow_migrate("default", "cases") and not r.allow_migrate("replica", "cases")


@pytest.mark.parametrize("suffix", ["", "screen/", "data.json"])
def test_it_reads_the_dashboard_figures_from_the_replica(login, jining, settings, suffix):
    settings.DATABASE_ROUTERS = [RecordingRouter()]
    RecordingRouter.reads = []
    assert router.db_for_read(Unit) == "default"
    RecordingRouter.reads = []
    assert login(jining).get(f"/dashboard/{MALIANQU}/{suffix}").status_code == 200
    reads = RecordingRouter.reads
    first = next(i for i, (_, db) in enumerate(reads) if db == "replica")
    # The unit is found in the user's scope on the primary, then the figures come from the replica.
    assert {db for _, db in reads[:first]} == {"default"}
    assert ("units.Unit", "default") in reads[:first]
    assert ("cases.Case", "replica") in reads and ("cases.Case", "default") not in reads


def databases_and_routers(**env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    environ.update(DJANGO_SETTINGS_MODULE="zhicun.settings", **env)
    show = "import django; django.setup(); from django.conf import settings as s; "
    show += "replica = s.DATABASES.get('replica', {}).get('TEST', {}); "
    show += "print(sorted(s.DATABASES), s.DATABASE_ROUTERS, replica.get('MIRROR'))"
    out = subprocess.run([sys.executable, "-c", show], cwd=ROOT, env=environ, capture_output=True)
    return out.stdout.decode().strip()


def test_it_adds_the_replica_and_its_router_only_when_configured():
    primary = "postgres://zhicun@127.0.0.1:5432/zhicun"
    assert databases_and_routers(DATABASE_URL=primary) == "['default'] [] None"
    replica = "postgres://zhicun@127.0.0.2:5432/zhicun"
    assert databases_and_routers(DATABASE_URL=primary, DATABASE_REPLICA_URL=replica) == (
        "['default', 'replica'] ['zhicun.replica.ReplicaRouter'] default"
    )
