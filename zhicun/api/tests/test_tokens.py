import datetime as dt

import time_machine
from django.conf import settings

from zhicun.api.models import ApiToken, digest
from zhicun.audit.models import AuditEvent


def test_it_issues_a_token_for_a_good_password(api, grid1):
    r = api().post("/auth/token", {"username": "grid1", "password": settings.DEMO_PASSWORD})
    assert r.status_code == 200
    raw = r.json()["token"]
    token = ApiToken.objects.get(key_hash=digest(raw))
    assert token.user == grid1
    assert token.expires_at - token.created_at == dt.timedelta(days=30)
    assert raw not in {token.key_hash, token.prefix}
    assert AuditEvent.objects.filter(actor=grid1, action="login").exists()
    assert AuditEvent.objects.filter(actor=grid1, action="token.issue").exists()


def test_it_refuses_a_bad_password_with_401_and_audits_it(api, grid1):
    r = api().post("/auth/token", {"username": "grid1", "password": "wrong"})
    assert r.status_code == 401
    assert r.json()["detail"] == "用户名或密码错误"
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(action="login_failed", actor_name="grid1").exists()


def test_it_refuses_an_unknown_user_the_same_way(api, district):
    r = api().post("/auth/token", {"username": "nobody", "password": "x"})
    assert r.status_code == 401
    assert r.json()["detail"] == "用户名或密码错误"


def test_it_accepts_the_token_as_a_bearer_and_records_its_use(api, grid1):
    client = api(grid1)
    r = client.get("/units")
    assert r.status_code == 200
    assert ApiToken.objects.get(user=grid1).last_used_at is not None


def test_it_refuses_requests_without_a_valid_token(api, grid1):
    assert api().get("/units").status_code == 401
    r = api().client.get("/api/v1/units", headers={"Authorization": "Bearer zc_nonsense"})
    assert r.status_code == 401
    assert "令牌" in r.json()["detail"]


def test_it_refuses_an_expired_token(api, grid1):
    with time_machine.travel("2026-01-01 08:00 +0800", tick=False):
        client = api(grid1)
        assert client.get("/units").status_code == 200
    with time_machine.travel("2026-01-31 08:01 +0800", tick=False):
        assert client.get("/units").status_code == 401


def test_it_honours_the_expiry_setting(api, grid1, settings):
    settings.ZHICUN_API_TOKEN_DAYS = 1
    with time_machine.travel("2026-01-01 08:00 +0800", tick=False):
        client = api(grid1)
    with time_machine.travel("2026-01-02 08:01 +0800", tick=False):
        assert client.get("/units").status_code == 401


def test_it_lists_only_my_own_tokens(api, grid1, grid2):
    api(grid2)
    client = api(grid1)
    r = client.get("/auth/tokens")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1
    assert body["items"][0]["user"] == "grid1"
    assert body["items"][0]["status"] == "active"
    assert "token" not in body["items"][0]


def test_it_revokes_my_own_token_at_once(api, grid1):
    client = api(grid1)
    token = ApiToken.objects.get(user=grid1)
    r = client.delete(f"/auth/tokens/{token.pk}")
    assert r.status_code == 200
    assert r.json()["status"] == "revoked"
    token.refresh_from_db()
    assert token.revoked_by == grid1
    assert AuditEvent.objects.filter(action="token.revoke", actor=grid1).exists()
    assert client.get("/units").status_code == 401


def test_it_hides_other_peoples_tokens_behind_404(api, grid1, grid2):
    api(grid2)
    other = ApiToken.objects.get(user=grid2)
    r = api(grid1).delete(f"/auth/tokens/{other.pk}")
    assert r.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_it_lets_the_security_administrator_revoke_anyones_token(api, grid1, secadmin):
    victim = api(grid1)
    token = ApiToken.objects.get(user=grid1)
    admin = api(secadmin)
    listed = admin.get("/auth/tokens", {"username": "grid1"}).json()
    assert [t["id"] for t in listed["items"]] == [token.pk]
    r = admin.delete(f"/auth/tokens/{token.pk}")
    assert r.status_code == 200
    token.refresh_from_db()
    assert token.revoked_by == secadmin
    assert victim.get("/units").status_code == 401


def test_it_refuses_to_revoke_twice(api, grid1):
    client = api(grid1)
    token = ApiToken.objects.get(user=grid1)
    client.delete(f"/auth/tokens/{token.pk}")
    r = api(grid1).delete(f"/auth/tokens/{token.pk}")
    assert r.status_code == 400
    assert r.json()["detail"] == "该令牌已吊销"


def test_it_refuses_tokens_of_deactivated_users(api, grid1):
    client = api(grid1)
    grid1.is_active = False
    grid1.save()
    assert client.get("/units").status_code == 401


def test_a_bearer_reads_its_token_user_and_posts_in_one_query(api, grid1):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(grid1)
    client.get("/units")  # the token's first use is recorded
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/persons").status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    auth = [s for s in sqls if '"api_apitoken"' in s or '"accounts_post"' in s]
    assert len(auth) == 1 and "UPDATE" not in auth[0]
    assert (
        '"api_apitoken"."revoked_at" IS NULL' in auth[0]
        and '"accounts_user"."is_active"' in auth[0]
    )


def test_a_token_of_a_user_without_posts_still_authenticates_and_sees_nothing(api, grid1):
    from zhicun.accounts.models import Post

    client = api(grid1)
    Post.objects.filter(user=grid1).update(active=False)
    r = client.get("/persons")
    assert r.status_code == 200 and r.json() == {"count": 0, "items": []}
    assert ApiToken.objects.get(user=grid1).last_used_at is not None
    ApiToken.objects.filter(user=grid1).update(revoked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert client.get("/persons").status_code == 401


def test_a_revoked_or_expired_token_of_a_user_with_posts_is_refused(api, grid1):
    client = api(grid1)
    assert client.get("/persons").status_code == 200
    token = ApiToken.objects.get(user=grid1)
    token.expires_at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    token.save()
    assert client.get("/persons").status_code == 401
    token.expires_at = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    token.revoked_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    token.save()
    assert client.get("/persons").status_code == 401
