"""Cases (民情事件, SPEC §4): categories, urgencies, the case, its history and supervision."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhicun.lib import lights
from zhicun.lib.fields import EncryptedCharField
from zhicun.units.scope import NOTHING, ScopedQuerySet, scope_q


class State(models.TextChoices):
    REPORTED = "reported", "待受理"
    RETURNED = "returned", "退回补充"
    ESCALATED = "escalated", "待上级受理"
    ACCEPTED = "accepted", "已受理"
    IN_PROGRESS = "in_progress", "办理中"
    PARKED = "parked", "挂账"
    RESOLVED = "resolved", "已办结"
    REPLIED = "replied", "已回复"
    RATED = "rated", "已评价"
    CLOSED = "closed", "已结案"


# The clock runs (and the light means something) only in these states.
RUNNING = (State.ACCEPTED, State.IN_PROGRESS)
# Not yet resolved: what the supervision board shows.
OPEN = (
    State.REPORTED,
    State.RETURNED,
    State.ESCALATED,
    State.ACCEPTED,
    State.IN_PROGRESS,
    State.PARKED,
)


class Light(models.TextChoices):
    NONE = lights.NONE, lights.LABELS[lights.NONE]
    GREEN = lights.GREEN, lights.LABELS[lights.GREEN]
    YELLOW = lights.YELLOW, lights.LABELS[lights.YELLOW]
    RED = lights.RED, lights.LABELS[lights.RED]


class Source(models.TextChoices):
    STAFF = "staff", "网格员上报"
    VISIT = "visit", "走访发现"
    PHONE = "phone", "电话反映"
    WALK_IN = "walk_in", "来访反映"
    PORTAL = "portal", "村民自报"
    ASSIGNED = "assigned", "上级交办"
    HOTLINE = "hotline", "12345热线"
    OPEN311 = "open311", "开放接口（Open311）"


# Cases that arrive from outside with nobody signed in behind them (`case_report_external`).
EXTERNAL_SOURCES = (Source.OPEN311,)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class ReplyMethod(models.TextChoices):
    PHONE = "phone", "电话告知"
    VISIT = "visit", "上门告知"
    MESSAGE = "message", "短信/微信告知"
    PORTAL = "portal", "平台告知"


class LimitUnit(models.TextChoices):
    HOURS = "hours", "小时（自然时间）"
    WORKDAYS = "workdays", "工作日"


class Urgency(models.Model):
    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=20)
    limit_value = models.PositiveIntegerField("时限")
    limit_unit = models.CharField("时限单位", max_length=10, choices=LimitUnit.choices)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "紧急程度"
        verbose_name_plural = "紧急程度"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def limit_label(self) -> str:
        unit = "小时" if self.limit_unit == LimitUnit.HOURS else "个工作日"
        return f"{self.limit_value} {unit}"

    @property
    def working(self) -> bool:
        return self.limit_unit == LimitUnit.WORKDAYS

    @property
    def limit(self) -> dt.timedelta:
        if self.working:
            return dt.timedelta(days=self.limit_value)
        return dt.timedelta(hours=self.limit_value)


class Category(models.Model):
    name = models.CharField("名称", max_length=40)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    default_urgency = models.ForeignKey(
        Urgency, verbose_name="默认紧急程度", on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "事件分类"
        verbose_name_plural = "事件分类"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="case_category_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    @property
    def root(self) -> "Category":
        node = self
        while node.parent_id:
            node = node.parent
        return node


class Holiday(models.Model):
    """A local override of the official calendar: a rest day or a make-up working day."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("上班", default=False)
    name = models.CharField("说明", max_length=40, blank=True)

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.name}"


class Instruction(models.Model):
    """A work instruction (网格长下达指令): one case per assignee, all on the same flow."""

    scope_path = "unit_code"

    title = models.CharField("标题", max_length=100)
    content = models.TextField("内容")
    unit = models.ForeignKey(
        "units.Unit", verbose_name="下达单位", on_delete=models.PROTECT, related_name="+"
    )
    unit_code = models.CharField(max_length=18, db_index=True)
    deadline = models.DateTimeField("完成时限")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "工作指令"
        verbose_name_plural = "工作指令"
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.title


class CaseQuerySet(ScopedQuerySet):
    def in_scope(self, user) -> "CaseQuerySet":
        """Seen by the unit where the case arose and by the unit now responsible (and above)."""
        origin = scope_q(user, "origin_code")
        q = NOTHING if origin is NOTHING else origin | scope_q(user, "responsible_code")
        if getattr(user, "is_authenticated", False) and user.is_villager:
            q = Q(reporter_user=user) if q is NOTHING else q | Q(reporter_user=user)
        return self.filter(q)

    def below(self, code: str) -> "CaseQuerySet":
        return self.filter(Q(origin_code__startswith=code) | Q(responsible_code__startswith=code))

    def open(self) -> "CaseQuerySet":
        return self.filter(state__in=OPEN)

    def running(self) -> "CaseQuerySet":
        return self.filter(state__in=RUNNING)

    def with_light(self, now: dt.datetime | None = None) -> "CaseQuerySet":
        """The light as the database computes it from the stored deadline columns."""
        now = now or timezone.now()
        return self.annotate(light_now=lights.light_expression(Q(state__in=RUNNING), now))

    def red(self, now: dt.datetime | None = None) -> "CaseQuerySet":
        return self.running().filter(lights.light_q(lights.RED, now or timezone.now()))

    def yellow(self, now: dt.datetime | None = None) -> "CaseQuerySet":
        return self.running().filter(lights.light_q(lights.YELLOW, now or timezone.now()))

    def green(self, now: dt.datetime | None = None) -> "CaseQuerySet":
        return self.running().filter(lights.light_q(lights.GREEN, now or timezone.now()))

    def light_counts(self, now: dt.datetime | None = None) -> dict[str, int]:
        """{"total", "red", "yellow"} in one aggregate."""
        return self.aggregate(**_light_counts(now or timezone.now()))

    def with_light_counts(self, now: dt.datetime | None = None) -> "CaseQuerySet":
        """`light_counts()` on every row, as window aggregates over all the rows: a page of
        them brings the counts along, without a query of its own."""
        counts = _light_counts(now or timezone.now())
        return self.annotate(**{name: models.Window(c) for name, c in counts.items()})


def case_light(
    state: str, deadline: dt.datetime | None, yellow_at: dt.datetime | None, now: dt.datetime
) -> str:
    """The light of a case with these columns at `now`."""
    if state not in RUNNING:
        return Light.NONE
    return lights.light_of(deadline, yellow_at, now)


def _light_counts(now: dt.datetime) -> dict[str, models.Count]:
    """All rows, and the red and yellow ones: the lights are tested on each row's own columns
    (as `red()` and `yellow()` filter), not by looking the rows up again."""
    running = Q(state__in=RUNNING)
    return {
        "total": models.Count("id"),
        "red": models.Count("id", filter=running & lights.light_q(lights.RED, now)),
        "yellow": models.Count("id", filter=running & lights.light_q(lights.YELLOW, now)),
    }


class Case(models.Model):
    scope_path = "responsible_code"
    villager_path = "reporter_user"

    number = models.CharField("编号", max_length=24, unique=True)
    title = models.CharField("标题", max_length=100)
    description = models.TextField("描述")
    category = models.ForeignKey(
        Category, verbose_name="分类", on_delete=models.PROTECT, related_name="cases"
    )
    urgency = models.ForeignKey(
        Urgency, verbose_name="紧急程度", on_delete=models.PROTECT, related_name="cases"
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上报人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    reporter_name = models.CharField("反映人", max_length=40, blank=True)
    # Encrypted at rest like every phone; nothing looks cases up by it.
    reporter_phone = EncryptedCharField("反映人电话", blank=True)
    persons = models.ManyToManyField(
        "registry.Person", verbose_name="涉及人员", blank=True, related_name="cases"
    )
    origin_unit = models.ForeignKey(
        "units.Unit", verbose_name="发生地", on_delete=models.PROTECT, related_name="+"
    )
    origin_code = models.CharField(max_length=18, db_index=True)
    address = models.CharField("地址", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    responsible_unit = models.ForeignKey(
        "units.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    responsible_code = models.CharField(max_length=18, db_index=True)
    # The unit that escalated the case to the current level: "hand back down" returns it there.
    escalated_from_code = models.CharField(max_length=18, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    instruction = models.ForeignKey(
        Instruction, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )

    state = models.CharField("状态", max_length=12, choices=State.choices)
    # The last light the worker announced; the current light is computed (`with_light`).
    light = models.CharField(max_length=6, choices=Light.choices, blank=True, default="")

    # The clock: limit in calendar or working time; deadline and the 75 % point are columns.
    clock_working = models.BooleanField(default=False)
    clock_limit = models.DurationField(null=True, blank=True)
    clock_started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField("办理时限", null=True, blank=True)
    yellow_at = models.DateTimeField(null=True, blank=True)
    paused_remaining = models.DurationField(null=True, blank=True)
    park_reason = models.CharField("挂账原因", max_length=200, blank=True)

    extension_pending = models.DurationField(null=True, blank=True)
    extension_reason = models.CharField("延期理由", max_length=200, blank=True)
    extension_count = models.PositiveSmallIntegerField(default=0)
    escalation_count = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    reported_at = models.DateTimeField("上报时间")
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    resolved_on_time = models.BooleanField(null=True, blank=True)
    result = models.TextField("办理结果", blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    reply_method = models.CharField(
        "回复方式", max_length=10, choices=ReplyMethod.choices, blank=True
    )
    reply_note = models.CharField("回复内容", max_length=500, blank=True)
    rating = models.CharField("评价", max_length=12, choices=Rating.choices, blank=True)
    rating_note = models.CharField("评价说明", max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "民情事件"
        verbose_name_plural = "民情事件"
        ordering = ["-reported_at", "-id"]
        indexes = [
            # The worker's sweep: cost follows cases turning, not cases open.
            models.Index(
                fields=["yellow_at"],
                name="case_turning_yellow",
                condition=Q(state__in=["accepted", "in_progress"], light="green"),
            ),
            models.Index(
                fields=["deadline"],
                name="case_turning_red",
                condition=Q(state__in=["accepted", "in_progress"], light__in=["green", "yellow"]),
            ),
            models.Index(fields=["state", "responsible_code"], name="case_state_unit"),
            # The board and the open lists: open cases arising or handled below a unit (a
            # code-prefix LIKE), a township's few hundred without reading every open case of
            # the city.
            models.Index(
                fields=["origin_code"],
                name="case_open_origin",
                opclasses=["varchar_pattern_ops"],
                condition=Q(state__in=[s.value for s in OPEN]),
            ),
            models.Index(
                fields=["responsible_code"],
                name="case_open_responsible",
                opclasses=["varchar_pattern_ops"],
                condition=Q(state__in=[s.value for s in OPEN]),
            ),
            models.Index(fields=["reported_at"], name="case_reported_at"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN

    @property
    def is_instruction(self) -> bool:
        return self.instruction_id is not None

    def current_light(self, now: dt.datetime | None = None) -> str:
        """The light for one case (`CaseQuerySet.with_light` has the database work it out)."""
        return case_light(self.state, self.deadline, self.yellow_at, now or timezone.now())

    def remaining(self, now: dt.datetime | None = None) -> dt.timedelta | None:
        """Time left on the clock, in the clock's own arithmetic (working or calendar)."""
        if self.deadline is None:
            return None
        return lights.remaining(self.deadline, now or timezone.now(), self.clock_working)

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "state": self.state,
            "category": self.category.name,
            "urgency": self.urgency.name,
            "origin": self.origin_code,
            "responsible": self.responsible_code,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "light": self.current_light(),
        }


class CaseCounter(models.Model):
    """The daily sequence behind case numbers: one row per county and day, bumped under lock."""

    prefix = models.CharField(max_length=6)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "day"], name="case_counter_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.day:%Y%m%d}: {self.last}"


class CaseEvent(models.Model):
    """One transition: the timeline people read, and what statistics count."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=24)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    unit_code = models.CharField(max_length=18)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["action", "at"], name="case_event_action_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"

    @property
    def actor_name(self) -> str:
        return self.actor.display_name if self.actor_id else "系统"

    @property
    def label(self) -> str:
        from zhicun.cases.services import TRANSITIONS

        if self.action in TRANSITIONS:
            return TRANSITIONS[self.action].label
        return EVENT_LABELS.get(self.action, self.action)

    @property
    def from_label(self) -> str:
        return State(self.from_state).label if self.from_state else ""

    @property
    def to_label(self) -> str:
        return State(self.to_state).label


EVENT_LABELS = {
    "report": "上报",
    "instruct": "下达指令",
    "acknowledge": "签收督办",
    "light_yellow": "亮黄灯",
    "light_red": "亮红灯",
}


def photo_path(instance: "CasePhoto", filename: str) -> str:
    ext = "png" if filename.lower().endswith(".png") else "jpg"
    return f"cases/{instance.case.number}/{timezone.now():%Y%m%d%H%M%S%f}.{ext}"


class CasePhoto(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", "现场照片"
        RESULT = "result", "办结照片"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    image = models.FileField(upload_to=photo_path)
    content_type = models.CharField(max_length=20)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class SupervisionNotice(models.Model):
    """督办: the responsible unit's staff see it first on their home page and acknowledge it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    unit_code = models.CharField(max_length=18, db_index=True)
    text = models.CharField("督办意见", max_length=500)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"督办 {self.case_id}"
