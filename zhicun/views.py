"""Project-level views: liveness (/healthz) and readiness (/readyz) for load balancers."""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

log = logging.getLogger("zhicun.health")


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def healthz(request):
    try:
        _database()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


def _migrations() -> str:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return "pending" if plan else "ok"


def _cache() -> str:
    token = secrets.token_hex(8)
    cache.set("readyz", token, timeout=10)
    return "ok" if cache.get("readyz") == token else "unreachable"


def shared_cache_configured() -> bool:
    return settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def _run(name: str, check) -> str:
    try:
        return check()
    except Exception:
        log.warning("readiness check %s failed", name, exc_info=True)
        return "unreachable"


def readyz(request):
    """200 when this process can serve: the database answers, every migration is applied and
    the shared cache (if one is configured) answers. 503 names the failing check and no more."""
    checks = {"database": _run("database", _database)}
    checks["migrations"] = (
        _run("migrations", _migrations) if checks["database"] == "ok" else "unknown"
    )
    if shared_cache_configured():
        checks["cache"] = _run("cache", _cache)
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "error", "checks": checks}, status=200 if ready else 503
    )
