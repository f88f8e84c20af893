"""Account and post changes, each audited."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhicun.accounts.models import Post, User
from zhicun.audit.services import audit_record


def _check_admin_unit(by: User, unit) -> None:
    if not by.can("accounts.manage", unit.code):
        raise PermissionDenied("只能管理本单位及下级单位的账号")


@transaction.atomic
def user_create(*, by: User, username: str, full_name: str, password: str, phone: str = "") -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": "该用户名已被使用"})
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
