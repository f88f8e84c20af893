import io

import pytest
from django.core.management import CommandError, call_command

from zhicun.api.models import Open311Application, digest
from zhicun.api.services import open311_app_for_key
from zhicun.audit.models import AuditEvent


def run(*args) -> str:
    out = io.StringIO()
    call_command("open311_app", *args, stdout=out)
    return out.getvalue()


def test_it_registers_an_application_and_shows_the_key_once(admin_user):
    out = run("add", "12345 热线", "--contact", "张工 0474-1234567", "--by", "admin")
    key = out.rsplit("：", 1)[1].strip()
    app = Open311Application.objects.get(name="12345 热线")
    assert app.key_hash == digest(key)
    assert open311_app_for_key(key) == app
    assert AuditEvent.objects.filter(action="open311.register", actor=admin_user).exists()
    assert key not in run("list")


def test_it_refuses_anyone_but_the_system_administrator(grid1):
    with pytest.raises(CommandError, match="系统管理员"):
        run("add", "某应用", "--by", "grid1")
    assert not Open311Application.objects.exists()


def test_it_stops_a_key(admin_user):
    key = run("add", "小程序", "--by", "admin").rsplit("：", 1)[1].strip()
    run("revoke", "小程序", "--by", "admin")
    assert open311_app_for_key(key) is None
    assert "已停用" in run("list")
