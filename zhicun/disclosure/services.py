"""Publishing (draft → review → published → withdrawn), the ledger, 民情日志 and comments.

Each function checks the actor's permission at the record's unit, refuses bad input with a
Chinese ValidationError and changes nothing, and writes a history row and an audit event.
"""

import datetime as dt
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from zhicun.accounts.models import User
from zhicun.audit.services import audit_record
from zhicun.disclosure import files
from zhicun.disclosure.models import (
    CATEGORIES,
    PUBLIC,
    Attachment,
    Comment,
    CommentReport,
    CommentStatus,
    Direction,
    DisclosureSettings,
    Kind,
    LedgerAttachment,
    LedgerEntry,
    LogEntry,
    ModerationAction,
    Publication,
    PublicationEvent,
    Status,
)
from zhicun.lib.pii import check_no_personal_data
from zhicun.units.models import Kind as UnitKind
from zhicun.units.models import Unit


def _require(user: User, perm: str, unit_code: str) -> None:
    if not user.can(perm, unit_code):
        raise PermissionDenied("您的岗位无权在该村执行此操作")


def _event(pub: Publication, *, by: User | None, action: str, old: str, note: str = "") -> None:
    PublicationEvent.objects.create(
        publication=pub,
        actor=by,
        action=action,
        from_status=old,
        to_status=pub.status,
        note=note[:500],
    )
    audit_record(
        actor=by,
        action=f"disclosure.{action}",
        obj=pub,
        details={"from": old, "to": pub.status, "kind": pub.kind, "version": pub.number},
    )


def _lock(pub: Publication) -> Publication:
    return Publication.objects.select_for_update().select_related("unit").get(pk=pub.pk)


def _refresh(target: Publication, source: Publication) -> Publication:
    target.__dict__.update({k: v for k, v in source.__dict__.items() if not k.startswith("_")})
    return target


def _clean_fields(title: str, body: str, period_start, period_end) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = "请填写标题"
    elif len(title) > 120:
        errors["title"] = "标题不能超过 120 字"
    if period_start and period_end and period_start > period_end:
        errors["period_end"] = "公开期间的结束日期不能早于开始日期"
    if errors:
        raise ValidationError(errors)
    return title, body


def pii_texts(pub: Publication) -> list[tuple[str, str]]:
    texts = [("标题", pub.title), ("正文", pub.body)]
    for attachment in pub.attachments.all():
        texts.extend(files.attachment_texts(attachment))
    return texts


# ---------------------------------------------------------------------------------------------
# Publications.


def publication_create(
    *,
    by: User,
    unit: Unit,
    kind: str,
    title: str,
    body: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    data: dict | None = None,
) -> Publication:
    if unit.kind != UnitKind.VILLAGE:
        raise ValidationError({"unit": "公开事项只能发布在行政村"})
    _require(by, "disclosure.draft", unit.code)
    if kind not in Kind.values:
        raise ValidationError({"kind": "未知的公开类别"})
    title, body = _clean_fields(title, body, period_start, period_end)
    with transaction.atomic():
        pub = Publication.objects.create(
            unit=unit,
            kind=kind,
            title=title,
            body=body,
            period_start=period_start,
            period_end=period_end,
            data=data or {},
            created_by=by,
        )
        _event(pub, by=by, action="create", old="")
    return pub


def publication_update(
    *,
    by: User,
    publication: Publication,
    title: str,
    body: str,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> Publication:
    _require(by, "disclosure.draft", publication.unit.code)
    title, body = _clean_fields(title, body, period_start, period_end)
    with transaction.atomic():
        pub = _lock(publication)
        if pub.status != Status.DRAFT:
            raise ValidationError("只有草稿可以修改；已公开的内容请发起更正")
        pub.title, pub.body = title, body
        pub.period_start, pub.period_end = period_start, period_end
        pub.updated_at = timezone.now()
        pub.save(update_fields=["title", "body", "period_start", "period_end", "updated_at"])
        _event(pub, by=by, action="update", old=pub.status)
    return _refresh(publication, pub)


def attachment_add(*, by: User, publication: Publication, upload) -> Attachment:
    _require(by, "disclosure.draft", publication.unit.code)
    checked = files.check_upload(upload)
    with transaction.atomic():
        pub = _lock(publication)
        if pub.status != Status.DRAFT:
            raise ValidationError("只有草稿可以添加附件")
        attachment = Attachment(
            publication=pub,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            text=checked.text,
            uploaded_by=by,
        )
        attachment.file.save(checked.name, ContentFile(checked.content), save=False)
        attachment.save()
        _event(pub, by=by, action="attach", old=pub.status, note=checked.name)
    return attachment


def attachment_remove(*, by: User, attachment: Attachment) -> None:
    pub = attachment.publication
    _require(by, "disclosure.draft", pub.unit.code)
    with transaction.atomic():
        pub = _lock(pub)
        if pub.status != Status.DRAFT:
            raise ValidationError("只有草稿可以删除附件")
        name = attachment.name
        attachment.delete()
        _event(pub, by=by, action="detach", old=pub.status, note=name)


def publication_submit(*, by: User, publication: Publication) -> Publication:
    """Draft → review. Personal data is refused here already, so reviewers never see it."""
    _require(by, "disclosure.draft", publication.unit.code)
    with transaction.atomic():
        pub = _lock(publication)
        if pub.status != Status.DRAFT:
            raise ValidationError("只有草稿可以提交审核")
        check_no_personal_data(pii_texts(pub))
        pub.status, pub.submitted_at = Status.REVIEW, timezone.now()
        pub.save(update_fields=["status", "submitted_at"])
        _event(pub, by=by, action="submit", old=Status.DRAFT)
    return _refresh(publication, pub)


def publication_approve(*, by: User, publication: Publication, note: str = "") -> Publication:
    """Review → published. A previous published version of the same series is superseded."""
    with transaction.atomic():
        pub = _lock(publication)
        if not by.can(pub.review_perm, pub.unit.code):
            who = "村务监督委员会（监督员）" if pub.kind == Kind.FINANCE else "网格长"
            raise PermissionDenied(f"{pub.get_kind_display()}须由{who}审核")
        if pub.status != Status.REVIEW:
            raise ValidationError("只有待审核的内容可以发布")
        check_no_personal_data(pii_texts(pub))
        if pub.kind == Kind.FINANCE:
            # Closing a ledger period and adding an entry to it take the same lock.
            Unit.objects.select_for_update().filter(pk=pub.unit_id).first()
        now = timezone.now()
        previous = (
            Publication.objects.select_for_update()
            .filter(series=pub.series, status=Status.PUBLISHED)
            .first()
        )
        if previous is not None:
            previous.status = Status.SUPERSEDED
            previous.save(update_fields=["status"])
            _event(
                previous,
                by=by,
                action="supersede",
                old=Status.PUBLISHED,
                note=f"第 {pub.number} 版",
            )
        pub.status, pub.published_at, pub.reviewed_by = Status.PUBLISHED, now, by
        pub.save(update_fields=["status", "published_at", "reviewed_by"])
        _event(pub, by=by, action="publish", old=Status.REVIEW, note=note)
    return _refresh(publication, pub)


def publication_reject(*, by: User, publication: Publication, note: str) -> Publication:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写退回原因"})
    with transaction.atomic():
        pub = _lock(publication)
        if not by.can(pub.review_perm, pub.unit.code):
            raise PermissionDenied("您的岗位无权审核该公开事项")
        if pub.status != Status.REVIEW:
            raise ValidationError("只有待审核的内容可以退回")
        pub.status = Status.DRAFT
        pub.save(update_fields=["status"])
        _event(pub, by=by, action="reject", old=Status.REVIEW, note=note)
    return _refresh(publication, pub)


def publication_withdraw(*, by: User, publication: Publication, reason: str) -> Publication:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤回原因，原因将向公众公开"})
    _require(by, "disclosure.withdraw", publication.unit.code)
    with transaction.atomic():
        pub = _lock(publication)
        if pub.status != Status.PUBLISHED:
            raise ValidationError("只有已公开的内容可以撤回")
        check_no_personal_data([("撤回原因", reason)])
        pub.status, pub.withdraw_reason, pub.withdrawn_at = Status.WITHDRAWN, reason, timezone.now()
        pub.save(update_fields=["status", "withdraw_reason", "withdrawn_at"])
        _event(pub, by=by, action="withdraw", old=Status.PUBLISHED, note=reason)
    return _refresh(publication, pub)


def publication_correct(*, by: User, publication: Publication, note: str) -> Publication:
    """Start the next version of a published item as a draft; the published one stays as is."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请说明更正的内容"})
    _require(by, "disclosure.draft", publication.unit.code)
    with transaction.atomic():
        pub = _lock(publication)
        if pub.status != Status.PUBLISHED:
            raise ValidationError("只有已公开的内容可以更正")
        if pub.versions().filter(status__in=[Status.DRAFT, Status.REVIEW]).exists():
            raise ValidationError("该事项已有正在编辑或审核的更正版本")
        latest = pub.versions().order_by("-number").first()
        draft = Publication.objects.create(
            unit=pub.unit,
            kind=pub.kind,
            title=pub.title,
            body=pub.body,
            period_start=pub.period_start,
            period_end=pub.period_end,
            data=pub.data,
            series=pub.series,
            number=latest.number + 1,
            correction_note=note[:200],
            created_by=by,
        )
        for old in pub.attachments.all():
            Attachment.objects.create(
                publication=draft,
                file=old.file.name,
                name=old.name,
                content_type=old.content_type,
                size=old.size,
                text=old.text,
                uploaded_by=old.uploaded_by,
            )
        _event(draft, by=by, action="correct", old="", note=note)
    return draft


# ---------------------------------------------------------------------------------------------
# The finance ledger.


def disclosed_until(unit: Unit) -> dt.date | None:
    """The last day covered by a financial disclosure that was made public: the ledger is
    closed up to and including this day."""
    return (
        Publication.objects.filter(
            unit=unit, kind=Kind.FINANCE, status__in=PUBLIC, period_end__isnull=False
        )
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )


def _check_open(unit: Unit, day: dt.date, what: str) -> None:
    closed = disclosed_until(unit)
    if closed is not None and day <= closed:
        raise ValidationError(
            {"date": f"{closed:%Y年%m月%d日}及以前的账目已公开，{what}，请以冲销方式在当期处理"}
        )


def _clean_entry(direction: str, category: str, item: str, amount: int) -> str:
    errors = {}
    if direction not in Direction.values:
        errors["direction"] = "请选择收入或支出"
    elif category not in CATEGORIES[direction]:
        errors["category"] = "科目与收支方向不符"
    if not (item or "").strip():
        errors["item"] = "请填写摘要"
    if not isinstance(amount, int) or amount <= 0:
        errors["amount"] = "金额必须大于 0"
    if errors:
        raise ValidationError(errors)
    return item.strip()[:120]


def ledger_entry_add(
    *,
    by: User,
    unit: Unit,
    date: dt.date,
    direction: str,
    category: str,
    item: str,
    amount: int,
    voucher: str = "",
    note: str = "",
    uploads: Iterable = (),
) -> LedgerEntry:
    if unit.kind != UnitKind.VILLAGE:
        raise ValidationError({"unit": "账目只能记在行政村"})
    _require(by, "ledger.edit", unit.code)
    item = _clean_entry(direction, category, item, amount)
    if date > timezone.localdate():
        raise ValidationError({"date": "日期不能晚于今天"})
    checked = [files.check_upload(u) for u in uploads]
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        _check_open(unit, date, "不能再补记")
        entry = LedgerEntry.objects.create(
            unit=unit,
            date=date,
            direction=direction,
            category=category,
            item=item,
            amount=amount,
            voucher=(voucher or "").strip()[:30],
            note=(note or "").strip()[:200],
            created_by=by,
        )
        for c in checked:
            attachment = LedgerAttachment(
                entry=entry, name=c.name, content_type=c.content_type, size=c.size
            )
            attachment.file.save(c.name, ContentFile(c.content), save=False)
            attachment.save()
        audit_record(actor=by, action="ledger.add", obj=entry, details=_entry_dict(entry))
    return entry


def _entry_dict(entry: LedgerEntry) -> dict:
    return {
        "date": entry.date.isoformat(),
        "direction": entry.direction,
        "category": entry.category,
        "item": entry.item,
        "amount": entry.amount,
        "voucher": entry.voucher,
    }


def ledger_entry_update(
    *,
    by: User,
    entry: LedgerEntry,
    date: dt.date,
    direction: str,
    category: str,
    item: str,
    amount: int,
    voucher: str = "",
    note: str = "",
) -> LedgerEntry:
    _require(by, "ledger.edit", entry.unit.code)
    item = _clean_entry(direction, category, item, amount)
    with transaction.atomic():
        current = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        _check_open(entry.unit, current.date, "不能再修改")
        _check_open(entry.unit, date, "不能改到已公开的期间")
        if current.reverses_id or LedgerEntry.objects.filter(reverses=current).exists():
            raise ValidationError("已冲销或冲销分录不能修改")
        old = _entry_dict(current)
        current.date, current.direction, current.category = date, direction, category
        current.item, current.amount = item, amount
        current.voucher, current.note = (voucher or "").strip()[:30], (note or "").strip()[:200]
        current.save()
        from zhicun.audit.services import diff

        audit_record(
            actor=by, action="ledger.update", obj=current, details=diff(old, _entry_dict(current))
        )
    entry.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    return entry


def ledger_entry_reverse(
    *, by: User, entry: LedgerEntry, date: dt.date | None = None, note: str = ""
) -> LedgerEntry:
    """A reversing entry (红字冲销) with the opposite amount, dated in an open period."""
    _require(by, "ledger.edit", entry.unit.code)
    date = date or timezone.localdate()
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写冲销原因"})
    with transaction.atomic():
        current = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        if current.reverses_id:
            raise ValidationError("冲销分录不能再冲销")
        if LedgerEntry.objects.filter(reverses=current).exists():
            raise ValidationError("该笔账目已冲销")
        _check_open(entry.unit, date, "冲销分录不能记在已公开的期间")
        try:
            reversal = LedgerEntry.objects.create(
                unit=current.unit,
                date=date,
                direction=current.direction,
                category=current.category,
                item=f"冲销：{current.item}"[:120],
                amount=-current.amount,
                voucher=current.voucher,
                reverses=current,
                note=note[:200],
                created_by=by,
            )
        except IntegrityError:
            raise ValidationError("该笔账目已冲销") from None
        audit_record(
            actor=by,
            action="ledger.reverse",
            obj=reversal,
            details={"reverses": current.pk, **_entry_dict(reversal)},
        )
    return reversal


def ledger_summary(unit: Unit, start: dt.date, end: dt.date) -> dict:
    """Opening balance, income and expenditure by category, closing balance (all in 分)."""
    entries = LedgerEntry.objects.filter(unit=unit)

    def total(qs, direction):
        return qs.filter(direction=direction).aggregate(s=Sum("amount"))["s"] or 0

    before = entries.filter(date__lt=start)
    opening = total(before, Direction.INCOME) - total(before, Direction.EXPENSE)
    period = entries.filter(date__gte=start, date__lte=end)
    rows = dict(
        ((d, c), s)
        for d, c, s in period.values("direction", "category")
        .annotate(s=Sum("amount"))
        .values_list("direction", "category", "s")
    )
    income = [
        {"category": c, "amount": rows.get((Direction.INCOME, c), 0)}
        for c in CATEGORIES[Direction.INCOME]
    ]
    expense = [
        {"category": c, "amount": rows.get((Direction.EXPENSE, c), 0)}
        for c in CATEGORIES[Direction.EXPENSE]
    ]
    income_total = sum(r["amount"] for r in income)
    expense_total = sum(r["amount"] for r in expense)
    return {
        "ledger": True,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "opening": opening,
        "income": income,
        "expense": expense,
        "income_total": income_total,
        "expense_total": expense_total,
        "closing": opening + income_total - expense_total,
        "entries": period.count(),
    }


def period_bounds(year: int, month: int | None = None, quarter: int | None = None):
    """(start, end) of a month or a quarter."""
    if (month is None) == (quarter is None):
        raise ValidationError("请选择月份或季度")
    if month is not None:
        if not 1 <= month <= 12:
            raise ValidationError("月份不正确")
        first_month, months = month, 1
    else:
        if not 1 <= quarter <= 4:
            raise ValidationError("季度不正确")
        first_month, months = 3 * quarter - 2, 3
    start = dt.date(year, first_month, 1)
    return start, add_months(start, months) - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def finance_disclosure_generate(
    *, by: User, unit: Unit, year: int, month: int | None = None, quarter: int | None = None
) -> Publication:
    """A draft 财务公开 for a month or quarter, generated from the ledger."""
    start, end = period_bounds(year, month, quarter)
    if end >= timezone.localdate():
        raise ValidationError("只能生成已结束期间的财务公开")
    _require(by, "disclosure.draft", unit.code)
    exists = Publication.objects.filter(
        unit=unit,
        kind=Kind.FINANCE,
        period_start=start,
        period_end=end,
        status__in=[Status.DRAFT, Status.REVIEW, Status.PUBLISHED],
    ).exists()
    if exists:
        raise ValidationError("该期间的财务公开已存在，如需更正请在原公开事项上发起更正")
    summary = ledger_summary(unit, start, end)
    label = f"{year}年{month}月" if month else f"{year}年第{quarter}季度"
    lines = [
        f"本期（{start:%Y年%m月%d日}至{end:%Y年%m月%d日}）村集体财务收支情况如下，"
        f"共 {summary['entries']} 笔。",
        "",
        f"- 期初余额：{yuan(summary['opening'])} 元",
        f"- 本期收入：{yuan(summary['income_total'])} 元",
        f"- 本期支出：{yuan(summary['expense_total'])} 元",
        f"- 期末余额：{yuan(summary['closing'])} 元",
        "",
        "如有疑问，请在下方留言或到村委会查询凭证。",
    ]
    return publication_create(
        by=by,
        unit=unit,
        kind=Kind.FINANCE,
        title=f"{unit.name}{label}财务收支公开",
        body="\n".join(lines),
        period_start=start,
        period_end=end,
        data=summary,
    )


# ---------------------------------------------------------------------------------------------
# Rhythm (公开完成率).

GRACE_DAYS = 10


def due_period_end(months: int, today: dt.date) -> dt.date:
    """End of the latest period of `months` months (aligned to January) that should already
    be disclosed: periods ending within the last GRACE_DAYS days are not due yet."""
    months = max(1, months)
    index = today.year * 12 + today.month - 1
    start_index = index - (index % 12) % months  # start of the period containing today
    end = dt.date(start_index // 12, start_index % 12 + 1, 1) - dt.timedelta(days=1)
    if (today - end).days <= GRACE_DAYS:
        back = start_index - months
        end = dt.date(back // 12, back % 12 + 1, 1) - dt.timedelta(days=1)
    return end


def _covered(villages: list[Unit], due: dict[str, dict[int, dt.date]]) -> dict[str, set[int]]:
    """{kind: villages with a public disclosure of that kind covering its due period}, from one
    query with one condition per kind and due date (villages on the same rhythm share it)."""
    q = Q(pk__in=[])
    for kind, due_by_unit in due.items():
        by_due: dict[dt.date, list[int]] = {}
        for unit in villages:
            by_due.setdefault(due_by_unit[unit.pk], []).append(unit.pk)
        for day, unit_ids in by_due.items():
            q |= Q(kind=kind, unit_id__in=unit_ids) & (
                Q(period_end__gte=day)
                | Q(period_end__isnull=True, published_at__gt=_start_of(day + dt.timedelta(days=1)))
            )
    covered: dict[str, set[int]] = {kind: set() for kind in due}
    rows = Publication.objects.filter(q, status__in=PUBLIC).values_list("unit_id", "kind")
    for unit_id, kind in rows.order_by().distinct():
        covered[kind].add(unit_id)
    return covered


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def disclosure_completion(villages: Iterable[Unit], today: dt.date | None = None) -> dict:
    """Which villages are late with 村务 (default quarterly) and 财务 (default monthly)
    disclosures, and the share on time (公开完成率)."""
    today = today or timezone.localdate()
    villages = list(villages)
    rules = {s.unit_id: s for s in DisclosureSettings.objects.filter(unit__in=villages)}
    due_affairs, due_finance = {}, {}
    for unit in villages:
        rule = rules.get(unit.pk) or DisclosureSettings(unit=unit)
        due_affairs[unit.pk] = due_period_end(rule.affairs_months, today)
        due_finance[unit.pk] = due_period_end(rule.finance_months, today)
    covered = _covered(villages, {Kind.AFFAIRS: due_affairs, Kind.FINANCE: due_finance})
    affairs_ok, finance_ok = covered[Kind.AFFAIRS], covered[Kind.FINANCE]
    rows = []
    for unit in villages:
        row = {
            "unit": unit,
            "affairs_due": due_affairs[unit.pk],
            "finance_due": due_finance[unit.pk],
            "affairs_ok": unit.pk in affairs_ok,
            "finance_ok": unit.pk in finance_ok,
        }
        row["on_time"] = row["affairs_ok"] and row["finance_ok"]
        rows.append(row)
    on_time = sum(r["on_time"] for r in rows)
    return {
        "rows": rows,
        "late": [r for r in rows if not r["on_time"]],
        "on_time": on_time,
        "total": len(rows),
        "rate": (on_time / len(rows)) if rows else None,
    }


def villages_in_scope(user: User):
    return Unit.objects.in_scope(user).of_kind(UnitKind.VILLAGE).order_by("code")


def completion_in_scope(user: User, today: dt.date | None = None) -> dict:
    """公开完成率 of the villages a user sees: for township and district pages and dashboards."""
    return disclosure_completion(villages_in_scope(user), today)


# ---------------------------------------------------------------------------------------------
# 民情日志.


def log_entry_create(
    *, by: User, unit: Unit, date: dt.date, happened: str, raised: str = "", done: str = ""
) -> LogEntry:
    if unit.kind != UnitKind.VILLAGE:
        raise ValidationError({"unit": "民情日志只能记在行政村"})
    _require(by, "disclosure.draft", unit.code)
    if not (happened or "").strip():
        raise ValidationError({"happened": "请填写今日情况"})
    if date > timezone.localdate():
        raise ValidationError({"date": "日期不能晚于今天"})
    with transaction.atomic():
        entry = LogEntry.objects.create(
            unit=unit,
            date=date,
            happened=happened.strip(),
            raised=(raised or "").strip(),
            done=(done or "").strip(),
            author=by,
        )
        audit_record(actor=by, action="disclosure.log_create", obj=entry)
    return entry


def log_entry_body(entry: LogEntry) -> str:
    parts = [("今日情况", entry.happened), ("群众反映", entry.raised), ("处理情况", entry.done)]
    return "\n\n".join(f"## {title}\n{text}" for title, text in parts if text)


def log_entry_publish(*, by: User, entry: LogEntry) -> Publication:
    """Turn the entry into a 民情日志 publication and send it for review."""
    with transaction.atomic():
        entry = LogEntry.objects.select_for_update().select_related("unit").get(pk=entry.pk)
        if entry.publication_id:
            raise ValidationError("该日志已提交公开")
        pub = publication_create(
            by=by,
            unit=entry.unit,
            kind=Kind.LOG,
            title=f"{entry.unit.name}民情日志（{entry.date:%Y年%m月%d日}）",
            body=log_entry_body(entry),
            period_start=entry.date,
            period_end=entry.date,
        )
        publication_submit(by=by, publication=pub)
        entry.publication = pub
        entry.save(update_fields=["publication"])
    return pub


def log_entry_open_case(*, by: User, entry: LogEntry, title: str, category) -> object:
    """Open a case from what villagers raised, through the cases app's own reporting."""
    if not apps.is_installed("zhicun.cases"):
        raise ValidationError("事件模块未启用")
    from zhicun.cases.models import Source
    from zhicun.cases.services import CaseError, case_report

    if entry.case_number:
        raise ValidationError(f"该日志已生成事件 {entry.case_number}")
    with transaction.atomic():
        try:
            case = case_report(
                by=by,
                title=title,
                description=entry.raised or entry.happened,
                category=category,
                origin_unit=entry.unit,
                source=Source.VISIT,
            )
        except CaseError as error:
            raise ValidationError(error.message) from None
        entry.case_number = case.number
        entry.save(update_fields=["case_number"])
        audit_record(
            actor=by, action="disclosure.log_case", obj=entry, details={"case": case.number}
        )
    return case


# ---------------------------------------------------------------------------------------------
# Comments and moderation.

REPORT_HIDDEN_REASON = "多名村民举报，等待村干部核实"


def _tell(user: User, subject: str, body: str) -> None:
    if apps.is_installed("zhicun.notify"):
        from zhicun.notify.services import notify_users

        notify_users(users=[user], subject=subject, body=body)


def _moderation(comment: Comment, action: str, by: User | None, note: str = "") -> None:
    ModerationAction.objects.create(comment=comment, action=action, actor=by, note=note[:200])
    audit_record(
        actor=by,
        actor_name="" if by else "system",
        action=f"comment.{action}",
        obj=comment,
        unit_code=comment.publication.unit.code,
        details={"status": comment.status, "note": note},
    )


def _may_comment(user: User, pub: Publication) -> bool:
    villager = getattr(user, "villager", None)
    return villager is not None and villager.village_id == pub.unit_id


def comment_add(*, by: User, publication: Publication, body: str) -> Comment:
    body = (body or "").strip()
    if not _may_comment(by, publication):
        raise PermissionDenied("只有本村实名认证的村民可以留言")
    if publication.status != Status.PUBLISHED:
        raise ValidationError("该内容当前不接受留言")
    if not body:
        raise ValidationError({"body": "请填写留言内容"})
    if len(body) > 1000:
        raise ValidationError({"body": "留言不能超过 1000 字"})
    check_no_personal_data([("留言", body)])
    rule = DisclosureSettings.for_unit(publication.unit)
    status = CommentStatus.PENDING if rule.premoderation else CommentStatus.VISIBLE
    with transaction.atomic():
        comment = Comment.objects.create(
            publication=publication, series=publication.series, author=by, body=body, status=status
        )
        audit_record(actor=by, action="comment.create", obj=comment, details={"status": status})
    return comment


def comment_reply(*, by: User, comment: Comment, body: str) -> Comment:
    _require(by, "disclosure.moderate", comment.publication.unit.code)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "请填写回复内容"})
    check_no_personal_data([("回复", body)])
    with transaction.atomic():
        reply = Comment.objects.create(
            publication=comment.publication,
            series=comment.series,
            parent=comment,
            author=by,
            by_staff=True,
            body=body,
        )
        _moderation(comment, ModerationAction.Action.REPLY, by, body[:200])
        if comment.author_id != by.pk:
            _tell(comment.author, "您的留言有了回复", f"村干部回复：{body[:200]}")
    return reply


def comment_report(*, by: User, comment: Comment, reason: str = "") -> Comment:
    """A villager reports a comment; at the village's threshold it is hidden for review."""
    if getattr(by, "villager", None) is None:
        raise PermissionDenied("只有实名认证的村民可以举报")
    if comment.author_id == by.pk:
        raise ValidationError("不能举报自己的留言")
    with transaction.atomic():
        current = (
            Comment.objects.select_for_update()
            .select_related("publication__unit")
            .get(pk=comment.pk)
        )
        if current.status != CommentStatus.VISIBLE:
            raise ValidationError("该留言当前不可举报")
        try:
            with transaction.atomic():
                CommentReport.objects.create(
                    comment=current, reporter=by, reason=(reason or "").strip()[:200]
                )
        except IntegrityError:
            raise ValidationError("您已举报过该留言") from None
        current.report_count = current.reports.count()
        threshold = DisclosureSettings.for_unit(current.publication.unit).report_threshold
        fields = ["report_count"]
        if current.report_count >= threshold:
            current.status, current.hidden_reason = CommentStatus.HIDDEN, REPORT_HIDDEN_REASON
            current.awaiting_review = True
            fields += ["status", "hidden_reason", "awaiting_review"]
        current.save(update_fields=fields)
        audit_record(actor=by, action="comment.report", obj=current)
        if current.status == CommentStatus.HIDDEN:
            _moderation(
                current, ModerationAction.Action.HIDE_BY_REPORTS, None, REPORT_HIDDEN_REASON
            )
            _tell(current.author, "您的留言已被隐藏", f"原因：{REPORT_HIDDEN_REASON}")
    comment.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    return comment


def comment_moderate(*, by: User, comment: Comment, action: str, reason: str = "") -> Comment:
    """A cadre approves a pre-moderated comment, restores a reported one, or hides one."""
    _require(by, "disclosure.moderate", comment.publication.unit.code)
    reason = (reason or "").strip()
    Action = ModerationAction.Action
    if action not in (Action.APPROVE, Action.RESTORE, Action.HIDE):
        raise ValidationError("未知的操作")
    if action == Action.HIDE and not reason:
        raise ValidationError({"reason": "请填写隐藏原因，原因会告知留言人"})
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        allowed = {
            Action.APPROVE: (CommentStatus.PENDING,),
            Action.RESTORE: (CommentStatus.HIDDEN,),
            Action.HIDE: (CommentStatus.PENDING, CommentStatus.VISIBLE, CommentStatus.HIDDEN),
        }[action]
        if current.status not in allowed:
            raise ValidationError("留言当前状态不能执行此操作")
        if action == Action.HIDE:
            current.status, current.hidden_reason = CommentStatus.HIDDEN, reason[:200]
        else:
            current.status, current.hidden_reason = CommentStatus.VISIBLE, ""
        current.awaiting_review = False
        current.save(update_fields=["status", "hidden_reason", "awaiting_review"])
        _moderation(current, action, by, reason)
        if action == Action.HIDE:
            _tell(current.author, "您的留言已被隐藏", f"原因：{reason}")
    comment.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    return comment


def settings_update(*, by: User, unit: Unit, **values) -> DisclosureSettings:
    _require(by, "disclosure.settings", unit.code)
    errors = {}
    for key in ("affairs_months", "finance_months"):
        if not 1 <= int(values.get(key) or 0) <= 12:
            errors[key] = "周期应为 1 到 12 个月"
    if not 1 <= int(values.get("report_threshold") or 0) <= 50:
        errors["report_threshold"] = "举报隐藏次数应为 1 到 50"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rule, _ = DisclosureSettings.objects.select_for_update().get_or_create(unit=unit)
        old = {f: getattr(rule, f) for f in values}
        for key, value in values.items():
            setattr(rule, key, value)
        rule.save()
        from zhicun.audit.services import diff

        audit_record(
            actor=by,
            action="disclosure.settings",
            obj=rule,
            unit_code=unit.code,
            details=diff(old, values),
        )
    return rule
