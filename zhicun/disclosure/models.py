"""三务公开 (SPEC §8): publications and their versions, the finance ledger, 民情日志, comments."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhicun.units.scope import ScopedQuerySet

User = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    PARTY = "party", "党务公开"
    AFFAIRS = "affairs", "村务公开"
    FINANCE = "finance", "财务公开"
    RULES = "rules", "村规民约"
    LOG = "log", "民情日志"
    NOTICE = "notice", "通知公告"
    GUIDE = "guide", "办事指南"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "待审核"
    PUBLISHED = "published", "已公开"
    SUPERSEDED = "superseded", "已被更正"
    WITHDRAWN = "withdrawn", "已撤回"


# What anonymous readers may see: everything that was ever published, with its fate.
PUBLIC = (Status.PUBLISHED, Status.SUPERSEDED, Status.WITHDRAWN)


class DisclosureSettings(models.Model):
    """Per-village rules; a village without a row uses the defaults below."""

    unit = models.OneToOneField(
        "units.Unit", verbose_name="村", on_delete=models.CASCADE, related_name="+"
    )
    affairs_months = models.PositiveSmallIntegerField("村务公开周期（月）", default=3)
    finance_months = models.PositiveSmallIntegerField("财务公开周期（月）", default=1)
    premoderation = models.BooleanField("评论先审后发", default=False)
    report_threshold = models.PositiveSmallIntegerField("举报几次后隐藏", default=3)
    office_phone = models.CharField("村委会办公电话", max_length=20, blank=True)

    class Meta:
        verbose_name = "公开设置"
        verbose_name_plural = "公开设置"

    def __str__(self) -> str:
        return f"{self.unit} 公开设置"

    @classmethod
    def for_unit(cls, unit) -> "DisclosureSettings":
        found = cls.objects.filter(unit=unit).first()
        return found or cls(unit=unit)


class PublicationQuerySet(ScopedQuerySet):
    def public(self):
        return self.filter(status__in=PUBLIC)

    def current(self):
        return self.filter(status=Status.PUBLISHED)


class Publication(models.Model):
    """One version of a publication. Versions of the same publication share `series`; a
    published version never changes — a correction is the next version."""

    scope_path = "unit__code"

    unit = models.ForeignKey(
        "units.Unit", verbose_name="村", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    title = models.CharField("标题", max_length=120)
    body = models.TextField("正文", blank=True)
    period_start = models.DateField("公开期间起", null=True, blank=True)
    period_end = models.DateField("公开期间止", null=True, blank=True)
    # A financial disclosure generated from the ledger keeps its figures here.
    data = models.JSONField(default=dict, blank=True)
    series = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    number = models.PositiveIntegerField("版本", default=1)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    correction_note = models.CharField("更正说明", max_length=200, blank=True)
    withdraw_reason = models.CharField("撤回原因", max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "公开事项"
        verbose_name_plural = "公开事项"
        ordering = ["-published_at", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="publication_version"),
            # At most one live version (draft/review/published) per series at each stage.
            models.UniqueConstraint(
                fields=["series"],
                condition=Q(status="published"),
                name="publication_one_published",
            ),
        ]
        indexes = [models.Index(fields=["unit", "kind", "status", "published_at"])]

    def __str__(self) -> str:
        suffix = f"（第 {self.number} 版）" if self.number > 1 else ""
        return f"{self.title}{suffix}"

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC

    @property
    def review_perm(self) -> str:
        """Financial disclosures are reviewed by the supervision committee (监督员)."""
        return "disclosure.review_finance" if self.kind == Kind.FINANCE else "disclosure.review"

    def versions(self):
        return Publication.objects.filter(series=self.series).order_by("number")

    def public_versions(self):
        return self.versions().filter(status__in=PUBLIC)

    def body_html(self) -> str:
        from zhicun.disclosure.markup import render

        return render(self.body)


class PublicationEvent(models.Model):
    """One step in a publication's life: the history shown to staff and the audit trail."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.action}"


def attachment_path(instance, filename: str) -> str:
    return f"disclosure/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{_ext(filename)}"


def _ext(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:6] if dot >= 0 else ""


class Attachment(models.Model):
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField("文件名", max_length=120)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    # Text extracted for the personal-data check (xlsx, pdf); empty for images.
    text = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


# ---------------------------------------------------------------------------------------------
# The village finance ledger.


class Direction(models.TextChoices):
    INCOME = "income", "收入"
    EXPENSE = "expense", "支出"


# Categories of the 村集体经济组织会计制度 income statement.
INCOME_CATEGORIES = ["经营收入", "发包及上交收入", "投资收益", "补助收入", "其他收入"]
EXPENSE_CATEGORIES = ["经营支出", "管理费用", "公益支出", "其他支出"]
CATEGORIES = {Direction.INCOME: INCOME_CATEGORIES, Direction.EXPENSE: EXPENSE_CATEGORIES}


class LedgerEntry(models.Model):
    """An income or expenditure entry. Once its period is disclosed it is never edited, only
    reversed by a new entry with the opposite amount."""

    scope_path = "unit__code"

    unit = models.ForeignKey(
        "units.Unit", verbose_name="村", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("日期")
    direction = models.CharField("收支", max_length=8, choices=Direction.choices)
    category = models.CharField("科目", max_length=20)
    item = models.CharField("摘要", max_length=120)
    amount = models.BigIntegerField("金额（分）")  # negative only on a reversing entry
    voucher = models.CharField("凭证号", max_length=30, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name="冲销",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "村财务收支"
        verbose_name_plural = "村财务收支"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.item} {self.amount / 100:.2f}"

    @property
    def signed(self) -> int:
        """Effect on the balance: income adds, expenditure subtracts."""
        return self.amount if self.direction == Direction.INCOME else -self.amount


class LedgerAttachment(models.Model):
    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------------
# 民情日志.


class LogEntry(models.Model):
    """A cadre's dated note: what happened, what villagers raised, what was done."""

    scope_path = "unit__code"

    unit = models.ForeignKey(
        "units.Unit", verbose_name="村", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("日期")
    happened = models.TextField("今日情况")
    raised = models.TextField("群众反映", blank=True)
    done = models.TextField("处理情况", blank=True)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The case opened from this entry (kept by number: cases live in their own app).
    case_number = models.CharField("关联事件", max_length=24, blank=True)
    publication = models.OneToOneField(
        Publication, null=True, blank=True, on_delete=models.SET_NULL, related_name="log_entry"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "民情日志"
        verbose_name_plural = "民情日志"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} 民情日志"


# ---------------------------------------------------------------------------------------------
# Comments and moderation.


class CommentStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    VISIBLE = "visible", "已显示"
    HIDDEN = "hidden", "已隐藏"


class CommentQuerySet(ScopedQuerySet):
    def visible(self):
        return self.filter(status=CommentStatus.VISIBLE)


class Comment(models.Model):
    scope_path = "publication__unit__code"
    villager_path = "author"

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="comments")
    # Comments follow the publication across its versions.
    series = models.UUIDField(db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    by_staff = models.BooleanField(default=False)
    body = models.TextField("内容")
    status = models.CharField(
        max_length=8, choices=CommentStatus.choices, default=CommentStatus.VISIBLE
    )
    hidden_reason = models.CharField("隐藏原因", max_length=200, blank=True)
    report_count = models.PositiveIntegerField(default=0)
    # A report-hidden comment waits for a cadre; cleared when a cadre decides.
    awaiting_review = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = "评论"
        verbose_name_plural = "评论"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:30]


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("举报理由", max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="comment_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} 举报"


class ModerationAction(models.Model):
    class Action(models.TextChoices):
        APPROVE = "approve", "审核通过"
        HIDE_BY_REPORTS = "reported", "多人举报自动隐藏"
        RESTORE = "restore", "恢复显示"
        HIDE = "hide", "隐藏"
        REPLY = "reply", "回复"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="moderation")
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.comment_id} {self.action}"
