"""Production-related settings read from the environment: cache, database connections."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOW = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps({'cache': s.CACHES['default'], 'db': s.DATABASES['default']}, default=str))"
)


def settings_with(**env):
    environ = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "ZHICUN_CACHE_URL")}
    environ.update(DJANGO_SETTINGS_MODULE="zhicun.settings", **env)
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + SHOW],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )
    return out.returncode, (json.loads(out.stdout) if out.returncode == 0 else out.stderr)


def test_it_uses_local_memory_without_a_cache_url():
    code, s = settings_with()
    assert code == 0 and s["cache"]["BACKEND"].endswith("LocMemCache")


def test_it_uses_djangos_redis_cache_when_a_url_is_set():
    code, s = settings_with(REDIS_URL="redis://cache.internal:6379/1")
    assert code == 0 and s["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert s["cache"]["LOCATION"] == "redis://cache.internal:6379/1"
    code, s = settings_with(ZHICUN_CACHE_URL="rediss://a:6380/0", REDIS_URL="redis://b:6379/0")
    assert s["cache"]["LOCATION"] == "rediss://a:6380/0"


def test_it_refuses_a_cache_url_that_is_not_redis():
    code, err = settings_with(ZHICUN_CACHE_URL="memcached://127.0.0.1:11211")
    assert code != 0 and "ZHICUN_CACHE_URL" in err


def test_it_reads_database_connection_settings():
    url = "postgres://zhicun@127.0.0.1:6432/zhicun"
    code, s = settings_with(DATABASE_URL=url)
    assert (s["db"]["CONN_MAX_AGE"], s["db"]["DISABLE_SERVER_SIDE_CURSORS"]) == (60, False)
    assert s["db"]["CONN_HEALTH_CHECKS"] is True
    code, s = settings_with(
        DATABASE_URL=url, DATABASE_CONN_MAX_AGE="0", DATABASE_DISABLE_SERVER_SIDE_CURSORS="true"
    )
    assert (s["db"]["CONN_MAX_AGE"], s["db"]["DISABLE_SERVER_SIDE_CURSORS"]) == (0, True)
