"""Behind our reverse proxy, lockouts and the audit see the client's address, not the proxy's;
X-Forwarded-For from anyone but a trusted proxy is ignored."""

from django.test import Client

from zhicun.audit.models import AuditEvent

PASSWORD = "Zhicun@2026"


def behind_proxy(client_address):
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=client_address)


def sign_in(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_it_locks_the_client_behind_the_proxy_not_everyone(grid1):
    attacker = behind_proxy("203.0.113.9")
    for n in range(5):
        sign_in(attacker, f"nobody{n}", "wrong")
    assert sign_in(attacker, "grid1").status_code == 429
    assert sign_in(behind_proxy("198.51.100.7"), "grid1").status_code == 302
    assert set(AuditEvent.objects.filter(action="login_failed").values_list("ip", flat=True)) == {
        "203.0.113.9"
    }


def test_it_takes_the_last_hop_its_own_proxy_saw(grid1):
    # The client wrote the first entry itself; nginx appended the address it really saw.
    client = behind_proxy("10.9.9.9, 203.0.113.9")
    sign_in(client, "grid1", "wrong")
    assert AuditEvent.objects.get(action="login_failed").ip == "203.0.113.9"


def test_it_ignores_forwarded_for_from_an_untrusted_peer(grid1):
    for n in range(5):
        spoofing = Client(REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        sign_in(spoofing, f"nobody{n}", "wrong")
    assert sign_in(spoofing, "grid1").status_code == 429
    ips = set(AuditEvent.objects.filter(action="login_failed").values_list("ip", flat=True))
    assert ips == {"198.51.100.20"}
