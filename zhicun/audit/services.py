"""Writing audit events. Every change, reveal, export and login goes through `audit_record`."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from zhicun.audit import chain
from zhicun.audit.context import current_origin
from zhicun.audit.models import AuditChain, AuditEvent
from zhicun.ops.bulk import BulkWriter


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    unit_code: str = "",
    success: bool = True,
    details: dict[str, Any] | None = None,
    actor_name: str = "",
) -> AuditEvent:
    origin = current_origin()
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    event = AuditEvent(
        actor=actor if is_user else None,
        actor_name=actor_name or (actor.get_username() if is_user else ""),
        action=action,
        ip=origin.ip,
        user_agent=origin.user_agent,
        success=success,
        details=details or {},
        unit_code=unit_code,
    )
    if obj is not None:
        event.object_type = obj._meta.label_lower
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:200]
        if not unit_code:
            event.unit_code = audit_unit_code(obj)
    audit_append([event])
    return event


@dataclass(slots=True)
class Entry:
    """An event to append without building a model instance for it (large imports write one
    per record): the fields the chain covers, and what `audit_append` fills in. Its details
    are serialised when it is made, wherever that happens to be cheapest for the caller."""

    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    unit_code: str
    ip: str | None
    user_agent: str
    details: dict
    success: bool = True
    at: datetime.datetime | None = None
    prev_hash: str = ""
    hash: str = ""
    pk: int | None = None
    text: str = field(init=False, default="")  # the details as chain.dumps gives them

    def __post_init__(self):
        self.text = chain.dumps(self.details)


# The columns `audit_append` writes, read from each event by these names: the same for a model
# instance and an Entry.
FIELDS = AuditEvent._meta.concrete_fields
COLUMNS = [f.column for f in FIELDS]
SOURCES = attrgetter(*["pk" if f.primary_key else f.attname for f in FIELDS])
DETAILS = COLUMNS.index("details")


@transaction.atomic
def audit_append(
    events: Sequence[AuditEvent | Entry], meanwhile: Callable[[], None] | None = None
) -> None:
    """Append events to the hash chain in order; the head row's lock serialises writers.
    `meanwhile` runs while the database stores many events (see BulkWriter.write)."""
    if not events:
        if meanwhile is not None:
            meanwhile()
        return
    head = AuditChain.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChain.objects.get_or_create(
            pk=1, defaults={"last_hash": chain.GENESIS, "anchor_hash": chain.GENESIS}
        )
        head = AuditChain.objects.select_for_update().get(pk=1)
    chained = _Chained(head.last_hash)
    if len(events) == 1 and isinstance(events[0], AuditEvent):
        chained.seal(events[0])
        events[0].save()
        if meanwhile is not None:
            meanwhile()
    else:
        _write(events, chained, meanwhile)
    AuditChain.objects.filter(pk=1).update(last_hash=chained.last)


class _Chained:
    """Sealing events one after the other onto the chain's last hash."""

    def __init__(self, last: str):
        self.last = last
        self.secret = chain.key()

    def seal(self, event) -> str:
        """Seal `event` after the last one; its details as stored (serialised once: the same
        text is sealed into the chain and stored)."""
        event.at = timezone.now()
        event.prev_hash = self.last
        text = event.text if type(event) is Entry else chain.dumps(event.details)
        event.hash = self.last = chain.seal(self.last, event, text, self.secret)
        return text


def _write(events, chained: _Chained, meanwhile) -> None:
    """COPY on PostgreSQL, each event sealed as its row is sent, so that the database stores
    the first rows while the last are sealed. Reserving a block of ids is safe here: every
    insert into the audit table happens under the chain's lock, so ids follow the chain's
    order."""
    writer = BulkWriter()
    writer.reserve_ids(AuditEvent, events)
    prepare = [
        (i, p)
        for i, f in enumerate(FIELDS)
        if i != DETAILS and (p := writer.preparer(f)) is not None
    ]

    def rows():
        for event in events:
            text = chained.seal(event)
            row = list(SOURCES(event))
            for i, p in prepare:
                row[i] = p(row[i])
            row[DETAILS] = text  # the text the chain covers, valid JSON for the column
            yield row

    writer.write_rows(AuditEvent, COLUMNS, rows(), meanwhile)


def audit_unit_code(obj) -> str:
    """The unit code a record belongs to, following the model's scope path."""
    path = getattr(obj, "scope_path", None)
    if not path:
        return ""
    value = obj
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return ""
    return str(value)


def diff(
    old: dict[str, Any], new: dict[str, Any], *, masked: dict[str, Any] | None = None
) -> dict[str, list]:
    """Field-by-field old → new, with sensitive fields passed through their masking function."""
    masked = masked or {}
    changes = {}
    # A new record (nothing before) has only its own fields: no union of keys to build.
    keys = sorted(old.keys() | new.keys()) if old else sorted(new)
    old_get, new_get, mask_get = old.get, new.get, masked.get
    for key in keys:
        before, after = old_get(key), new_get(key)
        if before == after:
            continue
        mask = mask_get(key)
        if mask is not None:
            before, after = mask(before), mask(after)
        # Most values are plain already; checking the exact type first keeps large imports fast.
        if type(before) not in AS_IS:
            before = _plain(before)
        if type(after) not in AS_IS:
            after = _plain(after)
        changes[key] = [before, after]
    return changes


AS_IS = frozenset({str, int, bool, type(None)})


def _plain(value):
    if value is None or isinstance(value, (str, int, float, bool, list)):
        return value
    return str(value)
