"""Users and their posts (岗位): a role at a unit."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from zhicun.accounts.roles import BUSINESS_ROLES, Role, roles_with
from zhicun.lib.fields import BlindIndexField, EncryptedCharField
from zhicun.lib.masking import mask_phone


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=40, blank=True)
    phone = EncryptedCharField("手机号", blank=True, index_field="phone_hash")
    phone_hash = BlindIndexField(source="phone")
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.shown_username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def display_name(self) -> str:
        return self.full_name or self.shown_username

    @property
    def shown_username(self) -> str:
        """The username as pages show it: a villager's (a keyed hash of their mobile number, see
        zhicun.accounts.logins) as the masked number they sign in with."""
        from zhicun.accounts.logins import is_villager_username

        if is_villager_username(self.username):
            return mask_phone(self.phone) or "村民账号"
        return self.username

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @cached_property
    def post_list(self) -> list["Post"]:
        # In unit-code order, sorted here: a user's few posts sort in microseconds, while
        # ordering by the joined unit's code made this query, read on nearly every request,
        # a fifth dearer to build.
        posts = self.posts.filter(active=True).select_related("unit")
        return sorted(posts, key=lambda p: p.unit.code)

    def remember_posts(self, posts) -> None:
        """Take `posts` (this user's active posts with their units, read together with the user
        in one query) as post_list, so that it is not read again."""
        for post in posts:
            post.user = self
        self.__dict__["post_list"] = sorted(posts, key=lambda p: p.unit.code)

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(p.role for p in self.post_list)

    @cached_property
    def scope_codes(self) -> tuple[str, ...]:
        """Minimal set of unit codes covered by business posts (nested ones folded away)."""
        codes = sorted({p.unit.code for p in self.post_list if p.role in BUSINESS_ROLES})
        kept: list[str] = []
        for code in codes:
            if not any(code.startswith(k) for k in kept):
                kept.append(code)
        return tuple(kept)

    @property
    def is_villager(self) -> bool:
        return hasattr(self, "villager")

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def can(self, perm: str, unit_code: str | None = None) -> bool:
        """May this user do `perm` at the unit with this code (or anywhere, if None)?"""
        if not self.is_active:
            return False
        allowed = roles_with(perm)
        return any(
            p.role in allowed and (unit_code is None or unit_code.startswith(p.unit.code))
            for p in self.post_list
        )

    def units_for(self, perm: str) -> list:
        allowed = roles_with(perm)
        return [p.unit for p in self.post_list if p.role in allowed]

    def forget_posts(self) -> None:
        for name in ("post_list", "roles", "scope_codes"):
            self.__dict__.pop(name, None)


class Post(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="posts")
    role = models.CharField("角色", max_length=12, choices=Role.choices)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="posts")
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="post_unique_role_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.get_role_display()}"


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so an old one cannot be reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """A signed-in session of a user, so that it can be ended from outside (logout elsewhere,
    password change, account disabled, the security administrator)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
