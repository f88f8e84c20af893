"""Tamper evidence for the audit trail: each event carries
hash = HMAC(key, previous hash ‖ canonical(event)), so editing or removing a row breaks the
chain at that row. Appends are serialised on the chain's head row."""

import datetime
import hashlib
import hmac
import json

from django.conf import settings

GENESIS = "0" * 64


def key() -> bytes:
    return settings.AUDIT_HMAC_KEY.encode()


def canonical(event) -> bytes:
    at = event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    data = {
        "at": at,
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "unit_code": event.unit_code,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "success": event.success,
        "details": event.details,
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def seal(previous: str, event) -> str:
    return hmac.new(key(), previous.encode() + canonical(event), hashlib.sha256).hexdigest()


def verify(events, start_hash: str = GENESIS):
    """Walk events in order; return (checked, first broken event or None)."""
    previous = start_hash
    checked = 0
    for event in events:
        if event.prev_hash != previous or not hmac.compare_digest(
            event.hash, seal(previous, event)
        ):
            return checked, event
        previous = event.hash
        checked += 1
    return checked, None
