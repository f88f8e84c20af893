"""View decorators for permissions. Object scope is checked by `get_for_user`, not here."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def require_perm(perm: str):
    """The user must hold `perm` at some unit; object-level checks follow in the view."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.can(perm):
                raise PermissionDenied("您的岗位没有此项权限")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def check_perm(user, perm: str, unit_code: str) -> None:
    """Refuse an action on a record the user can see but may not change."""
    if not user.can(perm, unit_code):
        raise PermissionDenied("您的岗位无权在该单位执行此操作")
