"""Production mode refuses unsafe defaults (checked in a fresh interpreter per case)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "ZHICUN_ENV": "production",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "zhicun.example.cn",
    "DEBUG": "false",
    "ZHICUN_DATA_KEYS": "k1:" + "A" * 43 + "=",
    "ZHICUN_INDEX_KEY": "i" * 40,
}


def load_settings(**env):
    full = {k: v for k, v in os.environ.items() if k not in GOOD}
    full.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import zhicun.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
    )


def test_production_with_safe_settings_starts():
    r = load_settings(**GOOD)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("False")


@pytest.mark.parametrize(
    "override, message",
    [
        ({"DEBUG": "true"}, "DEBUG"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"ZHICUN_DATA_KEYS": ""}, "ZHICUN_DATA_KEYS"),
    ],
)
def test_production_refuses_unsafe_defaults(override, message):
    env = {**GOOD, **override}
    if override.get("SECRET_KEY") == "":
        env.pop("SECRET_KEY")
    r = load_settings(**env)
    assert r.returncode != 0
    assert message in r.stderr


def test_database_url_switches_to_postgresql():
    r = load_settings(DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert "postgresql" in r.stdout


def test_no_database_url_means_sqlite():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "import zhicun.settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "sqlite3" in r.stdout
