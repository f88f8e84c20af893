"""Password rules (等保 level 3): length and character classes, not the username, not one of the
last five. Django's common-password and similarity validators run beside these."""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

HISTORY = 5


def _classes(password: str) -> int:
    return sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )


class ComplexityValidator:
    def __init__(self, min_length: int = 8, min_classes: int = 3):
        self.min_length, self.min_classes = min_length, min_classes

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码至少需要 {self.min_length} 个字符", code="password_too_short"
            )
        if _classes(password) < self.min_classes:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字和符号中的至少三类", code="password_too_simple"
            )

    def get_help_text(self):
        return f"至少 {self.min_length} 位，包含大写字母、小写字母、数字和符号中的至少三类"


class NotUsernameValidator:
    def validate(self, password, user=None):
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError("密码不能包含用户名", code="password_has_username")

    def get_help_text(self):
        return "不能包含用户名"


class HistoryValidator:
    """Refuse the current password and the last few; remembers each new password's hash."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from zhicun.accounts.models import PasswordHistory

        hashes = [user.password] + list(
            PasswordHistory.objects.filter(user=user)
            .order_by("-id")
            .values_list("password", flat=True)[: HISTORY - 1]
        )
        if any(h and check_password(password, h) for h in hashes):
            raise ValidationError(f"不能使用最近 {HISTORY} 次用过的密码", code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from zhicun.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).order_by("-id")[HISTORY:]
        PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()

    def get_help_text(self):
        return f"不能与最近 {HISTORY} 次的密码相同"
