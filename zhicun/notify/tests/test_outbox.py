"""The outbox: a WeCom webhook outage is retried with backoff and delivered afterwards;
a message that keeps failing is marked failed and shown to administrators."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from zhicun.notify.models import Message, Status
from zhicun.notify.services import backoff, deliver_due, notify_users


class Webhook(BaseHTTPRequestHandler):
    """Stands in for the WeCom group robot: fails while `down` is set."""

    down = True
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        if type(self).down:
            self.send_response(502)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook(settings):
    Webhook.down, Webhook.received = True, []
    server = HTTPServer(("127.0.0.1", 0), Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ZHICUN_NOTIFY_CHANNELS = ["wecom"]
    settings.ZHICUN_WECOM_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/send?key=test"
    yield Webhook
    server.shutdown()
    server.server_close()


def test_it_retries_a_webhook_outage_and_delivers_afterwards(webhook, dashihao):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        notify_users(users=[dashihao], subject="事件已超期", body="东梁路灯不亮")
        assert deliver_due() == {"sent": 0, "retry": 1, "failed": 0}
    message = Message.objects.get()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert "502" in message.last_error
    assert message.next_attempt_at == start + backoff(1)
    # Not due yet: nothing is sent early.
    with time_machine.travel(start + dt.timedelta(seconds=10), tick=False):
        assert deliver_due() == {"sent": 0, "retry": 0, "failed": 0}
    webhook.down = False
    with time_machine.travel(start + backoff(1), tick=False):
        assert deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 2, "")
    assert len(webhook.received) == 2
    assert webhook.received[-1]["msgtype"] == "text"
    assert "事件已超期" in webhook.received[-1]["text"]["content"]


def test_it_marks_a_message_failed_after_the_last_attempt_and_shows_it(
    webhook, settings, dashihao, admin_user, login
):
    settings.ZHICUN_NOTIFY_MAX_ATTEMPTS = 2
    notify_users(users=[dashihao], subject="督办", body="请尽快办理")
    now = timezone.now()
    assert deliver_due(now=now) == {"sent": 0, "retry": 1, "failed": 0}
    assert deliver_due(now=now + dt.timedelta(hours=1)) == {"sent": 0, "retry": 0, "failed": 1}
    message = Message.objects.get()
    assert message.status == Status.FAILED
    client = login(admin_user)
    page = client.get("/notify/")
    assert page.status_code == 200 and "督办" in page.content.decode()
    r = client.post(f"/notify/{message.pk}/retry/")
    assert r.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 0)


def test_it_hides_the_outbox_page_from_business_staff(login, dashihao):
    assert login(dashihao).get("/notify/").status_code == 403


def test_it_sends_email_through_djangos_backend_and_sms_through_the_gateway(settings, dashihao):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ZHICUN_NOTIFY_CHANNELS = ["email", "sms", "log"]
    dashihao.email, dashihao.phone = "lys@example.com", "13800000000"
    dashihao.save()
    notify_users(users=[dashihao], subject="新事件待受理", body="东梁路灯不亮")
    assert deliver_due() == {"sent": 3, "retry": 0, "failed": 0}
    assert mail.outbox[0].to == ["lys@example.com"]
    assert set(Message.objects.values_list("channel", "status")) == {
        ("email", "sent"),
        ("sms", "sent"),
        ("log", "sent"),
    }


def test_it_claims_a_message_once_even_when_two_workers_read_it(dashihao):
    notify_users(users=[dashihao], subject="新事件", body="内容")
    from zhicun.notify.services import _claim

    now = timezone.now()
    a = Message.objects.get()
    b = Message.objects.get()
    assert _claim(a, now) is True
    assert _claim(b, now) is False


def test_it_keeps_a_lease_on_each_message_of_a_slow_tick(dashihao, monkeypatch):
    """Worker A's sends outlast a lease; worker B ticking meanwhile must not send A's message."""
    from zhicun.notify import services
    from zhicun.notify.services import LEASE

    notify_users(users=[dashihao], subject="一", body="内容")
    notify_users(users=[dashihao], subject="二", body="内容")
    sent, second_worker = [], []

    def slow_send(message):
        sent.append(message.subject)
        if message.subject == "一":  # takes longer than a lease
            traveller.shift(LEASE + dt.timedelta(minutes=1))
        elif not second_worker:  # while A sends 二, worker B ticks
            second_worker.append(deliver_due())

    monkeypatch.setattr(services, "send", slow_send)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert deliver_due() == {"sent": 2, "retry": 0, "failed": 0}
    assert second_worker[0] == {"sent": 0, "retry": 0, "failed": 0}
    assert sent == ["一", "二"]
    assert set(Message.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


def test_addresses_are_encrypted_at_rest_and_shown_masked(settings, dashihao, admin_user, login):
    from django.db import connection

    settings.ZHICUN_NOTIFY_CHANNELS = ["sms", "email"]
    settings.ZHICUN_SMS_GATEWAY = "zhicun.notify.tests.test_outbox.DownGateway"
    settings.ZHICUN_NOTIFY_MAX_ATTEMPTS = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    dashihao.email, dashihao.phone = "lys@example.com", "13800001234"
    dashihao.save()
    notify_users(users=[dashihao], subject="督办", body="请尽快办理")
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM notify_message")
        stored = [address for (address,) in cursor.fetchall()]
    assert len(stored) == 2 and all(a.startswith("aes$") for a in stored)
    assert not any("13800001234" in a or "lys@" in a for a in stored)
    deliver_due()
    assert mail.outbox[0].to == ["lys@example.com"]
    page = login(admin_user).get("/notify/").content.decode()
    assert "138****1234" in page and "13800001234" not in page


class DownGateway:
    def send(self, phone, text):
        raise RuntimeError("短信网关不可用")
