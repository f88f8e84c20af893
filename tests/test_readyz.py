"""/readyz: the database answers, every migration is applied, and a Redis cache (if configured)
answers; a failure is a 503 naming the check, without the error itself."""

import shutil
import socket
import subprocess
import time
from unittest import mock

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import OperationalError

SECRET_ERROR = 'connection to server at "db" failed: password authentication failed for "zhicun"'


def redis_cache(url):
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


def test_it_answers_ok_when_ready(client, db):
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


def test_it_answers_503_without_details_when_the_database_is_unreachable(client, db):
    with mock.patch("zhicun.views.connection.cursor", side_effect=OperationalError(SECRET_ERROR)):
        r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json() == {
        "status": "error",
        "checks": {"database": "unreachable", "migrations": "unknown"},
    }
    assert b"password" not in r.content and b"Traceback" not in r.content


def test_it_answers_503_while_a_migration_is_not_applied(client, db):
    # The app's latest migration: an earlier one recorded as missing under an applied later
    # one leaves nothing to do in Django's plan.
    app, name = max(n for n in MigrationLoader(connection).graph.leaf_nodes() if n[0] == "notify")
    MigrationRecorder.Migration.objects.filter(app=app, name=name).delete()
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["checks"] == {"database": "ok", "migrations": "pending"}


def test_it_answers_503_when_the_configured_redis_is_down(client, db, settings):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{port}/0")
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["checks"] == {"database": "ok", "migrations": "ok", "cache": "unreachable"}


@pytest.fixture
def redis_url():
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_it_checks_a_running_redis(client, db, settings, redis_url):
    settings.CACHES = redis_cache(redis_url)
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json()["checks"] == {"database": "ok", "migrations": "ok", "cache": "ok"}
