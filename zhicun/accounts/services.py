"""Account and post changes, each audited."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhicun.accounts.logins import as_mobile
from zhicun.accounts.models import Post, User
from zhicun.audit.services import audit_record


def _check_admin_unit(by: User, unit) -> None:
    if not by.can("accounts.manage", unit.code):
        raise PermissionDenied("只能管理本单位及下级单位的账号")


@transaction.atomic
def user_create(*, by: User, username: str, full_name: str, password: str, phone: str = "") -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": "该用户名已被使用"})
    if as_mobile(username):
        raise ValidationError({"username": "用户名不能是手机号码"})
    user = User(username=username, full_name=full_name, phone=phone)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(actor=by, action="create", obj=user, details={"username": username})
    return user


@transaction.atomic
def post_grant(*, by: User, user: User, role: str, unit) -> Post:
    _check_admin_unit(by, unit)
    post, created = Post.objects.get_or_create(user=user, role=role, unit=unit)
    if not created and post.active:
        raise ValidationError("该用户已在此单位担任该角色")
    if not post.active:
        post.active = True
        post.save(update_fields=["active"])
    user.forget_posts()
    audit_record(
        actor=by, action="post.grant", obj=user, unit_code=unit.code, details={"role": role}
    )
    return post


@transaction.atomic
def post_revoke(*, by: User, post: Post) -> None:
    _check_admin_unit(by, post.unit)
    post.active = False
    post.save(update_fields=["active"])
    audit_record(
        actor=by,
        action="post.revoke",
        obj=post.user,
        unit_code=post.unit.code,
        details={"role": post.role},
    )


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str, session_key=None) -> None:
    """Change one's own password; every other session of the account ends."""
    from zhicun.accounts.sessions import end_user_sessions

    if not user.check_password(old_password):
        raise ValidationError({"old_password": "原密码不正确"})
    if old_password == new_password:
        raise ValidationError({"new_password": "新密码不能与原密码相同"})
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save()
    end_user_sessions(user, except_key=session_key)
    audit_record(actor=user, action="password.change", obj=user)


@transaction.atomic
def user_set_active(*, by: User, user: User, active: bool) -> None:
    """Disable or re-enable an account; disabling ends its sessions and tokens."""
    from zhicun.accounts.sessions import end_user_sessions

    if user.pk == by.pk:
        raise ValidationError("不能停用自己的账号")
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        end_user_sessions(user)
    audit_record(actor=by, action="user.enable" if active else "user.disable", obj=user)


def user_end_sessions(*, by: User, user: User) -> int:
    from zhicun.accounts.sessions import end_user_sessions

    count = end_user_sessions(user)
    audit_record(actor=by, action="session.end", obj=user, details={"sessions": count})
    return count


def user_unlock(*, by: User, username: str) -> int:
    from axes.utils import reset

    count = reset(username=username)
    audit_record(actor=by, action="unlock", details={"username": username, "attempts": count})
    return count
