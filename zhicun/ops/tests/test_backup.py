"""A backup restores into an empty database with identical counts and a verifiable audit chain."""

import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from zhicun.audit.services import audit_record
from zhicun.demo.district import HAMLET_A
from zhicun.ops.backup import BackupError, read_header, verify_checksum
from zhicun.registry.tests import factories

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.django_db(transaction=True)


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.fixture
def data(unit, dashihao):
    home = factories.household(unit(HAMLET_A), "张三", phone="13812345678")
    audit_record(actor=dashihao, action="update", obj=home)
    return home


def _target_env(tmp_path, connection_vendor):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if connection_vendor == "sqlite":
        env["ZHICUN_SQLITE"] = str(tmp_path / "restored.sqlite3")
        return env, None
    name = f"zhicun_restore_{uuid.uuid4().hex[:8]}"
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    subprocess.run(["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    env["DATABASE_URL"] = f"{base}/{name}"
    return env, (base, name)


def test_it_round_trips_with_identical_counts(data, tmp_path):
    from django.db import connection

    out = tmp_path / "zhicun.backup"
    call_command("backup", "--out", str(out), stdout=StringIO())
    header = read_header(out)
    assert header["counts"]["registry_person"] == 1
    assert b"13812345678" not in out.read_bytes()
    env, pg = _target_env(tmp_path, connection.vendor)
    try:
        r = manage("restore", str(out), env=env)
        assert r.returncode == 0, r.stderr
        assert "记录数一致" in r.stdout and "审计链完整" in r.stdout
        again = manage("restore", str(out), env=env)
        assert again.returncode != 0 and "只能恢复到空数据库" in again.stderr
    finally:
        if pg:
            subprocess.run(["psql", f"{pg[0]}/postgres", "-qc", f"DROP DATABASE {pg[1]}"])


def test_a_modified_backup_is_refused(data, tmp_path):
    out = tmp_path / "zhicun.backup"
    call_command("backup", "--out", str(out), stdout=StringIO())
    blob = bytearray(out.read_bytes())
    blob[-5] ^= 1
    out.write_bytes(bytes(blob))
    with pytest.raises(BackupError):
        verify_checksum(out)
