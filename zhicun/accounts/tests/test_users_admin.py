from zhicun.accounts.models import Post, User
from zhicun.audit.models import AuditEvent
from zhicun.demo.district import GRID2


def test_a_sysadmin_creates_an_account_and_grants_a_post(login, admin_user, unit):
    client = login(admin_user)
    r = client.post(
        "/accounts/users/new/",
        {"username": "grid2b", "full_name": "周丽", "password": "Village#2026x"},
    )
    user = User.objects.get(username="grid2b")
    assert r.status_code == 302
    r = client.post(f"/accounts/users/{user.pk}/", {"role": "manager", "unit": unit(GRID2).pk})
    assert r.status_code == 302
    assert Post.objects.filter(user=user, role="manager", unit__code=GRID2, active=True).exists()
    assert AuditEvent.objects.filter(action="post.grant", object_id=str(user.pk)).exists()


def test_a_weak_password_is_refused_in_chinese(login, admin_user):
    r = login(admin_user).post(
        "/accounts/users/new/", {"username": "weak", "full_name": "弱", "password": "123"}
    )
    assert r.status_code == 200
    assert "密码" in r.content.decode()
    assert not User.objects.filter(username="weak").exists()


def test_revoking_a_post_removes_the_scope(login, admin_user, grid2):
    post = grid2.posts.get()
    login(admin_user).post(f"/accounts/posts/{post.pk}/revoke/")
    grid2.forget_posts()
    assert grid2.scope_codes == ()


def test_business_staff_cannot_manage_accounts(login, dashihao):
    assert login(dashihao).get("/accounts/users/").status_code == 403
