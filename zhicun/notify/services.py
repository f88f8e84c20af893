"""Writing to the outbox and delivering from it, with retries, backoff and a visible failure."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhicun.audit.services import audit_record
from zhicun.notify.channels import DeliveryError, send
from zhicun.notify.models import Channel, Message, Status

# While one worker sends a claimed message, others leave it alone for this long.
LEASE = dt.timedelta(minutes=5)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt `attempts + 1`: 30 s, 1 min, 2 min … capped at one hour."""
    seconds = settings.ZHICUN_NOTIFY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, 3600))


def notify_users(
    *, users: Iterable, subject: str, body: str, dedupe_key: str | None = None
) -> list[Message]:
    """Queue a message to these staff on every configured channel (call inside the change's
    transaction, so the message exists exactly when the change does)."""
    users = list({u.pk: u for u in users}.values())
    if not users:
        return []
    rows = []
    for channel in settings.ZHICUN_NOTIFY_CHANNELS:
        if channel == Channel.WECOM:
            rows.append(
                Message(channel=channel, address=settings.ZHICUN_WECOM_WEBHOOK_URL, recipient=None)
            )
            continue
        for user in users:
            address = {
                Channel.LOG: user.get_username(),
                Channel.EMAIL: user.email,
                Channel.SMS: user.phone,
            }[channel]
            if channel != Channel.LOG and not address:
                continue
            rows.append(Message(channel=channel, address=address, recipient=user))
    now = timezone.now()
    for row in rows:
        row.subject = subject[:200]
        row.body = body
        row.created_at = now
        row.next_attempt_at = now
        if dedupe_key:
            row.dedupe_key = f"{dedupe_key}:{row.channel}:{row.recipient_id or 0}"[:120]
    Message.objects.bulk_create(rows)
    return rows


def _claim(message: Message, now: dt.datetime) -> bool:
    """Compare-and-swap: only one worker moves this row from its current attempt count."""
    claimed = Message.objects.filter(
        pk=message.pk, status=Status.PENDING, attempts=message.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if claimed:
        message.attempts += 1
    return bool(claimed)


def deliver_due(*, now: dt.datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send what is due; a failure is retried with backoff and, at the end, marked failed."""
    started = timezone.now()
    now = now or started
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for message in list(Message.objects.due(now).order_by("next_attempt_at", "id")[:limit]):
        # A tick of slow sends can outlast a lease: each lease starts when its message is claimed.
        now_at_claim = now + (timezone.now() - started)
        if not _claim(message, now_at_claim):
            continue
        try:
            send(message)
        except DeliveryError as e:
            if message.attempts >= settings.ZHICUN_NOTIFY_MAX_ATTEMPTS:
                status, counts["failed"] = Status.FAILED, counts["failed"] + 1
                next_at = now_at_claim
            else:
                status, counts["retry"] = Status.PENDING, counts["retry"] + 1
                next_at = now_at_claim + backoff(message.attempts)
            Message.objects.filter(pk=message.pk).update(
                status=status, last_error=str(e)[:2000], next_attempt_at=next_at
            )
            continue
        Message.objects.filter(pk=message.pk).update(
            status=Status.SENT, sent_at=timezone.now(), last_error=""
        )
        counts["sent"] += 1
    return counts


def message_retry(*, message: Message, by) -> Message:
    """An administrator sends a failed message again (after fixing the channel)."""
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, status=Status.FAILED).update(
            status=Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        if updated:
            audit_record(actor=by, action="notify.retry", obj=message)
    message.refresh_from_db()
    return message
