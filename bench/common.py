"""What every benchmark shares: the row it prints, side-by-side timing, a live server, users.

A benchmark module runs as its own process (`python -m bench.<name> --db URL ...`), sets Django
up against the database it is given and prints one `ROW {json}` line per table row; `bench.run`
collects them. Each ratio's two sides are measured in the same process, alternately, so that
whatever else the machine does falls on both.
"""

import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "Bench@2026x"


@dataclass
class Row:
    bench: str  # "1 搜索"
    case: str  # "村级范围"
    measured: float
    baseline: float
    unit: str  # "ms", "s", "rps", "MB"
    target: float  # the ratio measured / baseline must be ≤ target (or ≥ with better="higher")
    better: str = "lower"
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.measured / self.baseline if self.baseline else float("inf")

    @property
    def met(self) -> bool:
        return self.ratio <= self.target if self.better == "lower" else self.ratio >= self.target


def emit(row: Row) -> None:
    print("ROW " + json.dumps(asdict(row), ensure_ascii=False), flush=True)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def setup_django(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def side_by_side(
    a: Callable[[], object], b: Callable[[], object], rounds: int = 30, warmup: int = 3
) -> tuple[float, float]:
    """Median seconds of `a` and of `b`, called alternately."""
    for _ in range(warmup):
        a()
        b()
    times_a, times_b = [], []
    for _ in range(rounds):
        times_a.append(timed(a))
        times_b.append(timed(b))
    return statistics.median(times_a), statistics.median(times_b)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(db_url: str, workers: int = 1) -> Iterator[str]:
    """gunicorn serving the platform (plus the trivial views) on a free local port."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(  # noqa: S603
        [
            PYTHON,
            "-m",
            "gunicorn",
            "zhicun.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import requests

        for _ in range(200):
            try:
                if requests.get(base + "/healthz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def staff_user(username: str, role: str, unit_code: str):
    """A staff account posted at `unit_code` (created once per database)."""
    from zhicun.accounts.models import Post, User
    from zhicun.units.models import Unit

    user, _ = User.objects.get_or_create(username=username, defaults={"full_name": username})
    Post.objects.get_or_create(user=user, role=role, unit=Unit.objects.get(code=unit_code))
    return user


def session_cookie(user) -> str:
    """A logged-in session for `user`, as the browser would hold it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def api_token(user) -> str:
    from zhicun.api.services import token_issue

    return token_issue(user=user, name="bench")[1]
