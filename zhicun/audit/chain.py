"""Tamper evidence for the audit trail: each event carries
hash = HMAC(key, previous hash ‖ canonical(event)), so editing or removing a row breaks the
chain at that row. Appends are serialised on the chain's head row."""

import datetime
import hashlib
import hmac
import json

from django.conf import settings

GENESIS = "0" * 64

# The canonical form is compact JSON with sorted keys and unescaped non-ASCII text. It is built
# field by field below, in the sorted order of its keys, so that an event's details (the only
# large part) are serialised once and the same text can be stored as the row's details.
# No circular-reference bookkeeping: details are plain data (a cycle would still fail, by
# recursion), and skipping it makes each container cheaper to encode.
_encode = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), check_circular=False
).encode
_string = json.encoder.encode_basestring  # the C encoder's own string quoting


def key() -> bytes:
    return settings.AUDIT_HMAC_KEY.encode()


def dumps(details) -> str:
    """An event's details as they appear in its canonical form."""
    return _encode(details)


def _value(value) -> str:
    if type(value) is str:
        return _string(value)
    return _encode(value)


def canonical(event, details: str | None = None) -> bytes:
    """The bytes the HMAC covers. `details`, when given, is `dumps(event.details)`."""
    at = event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    if details is None:
        details = dumps(event.details)
    return "".join(
        (
            '{"action":',
            _value(event.action),
            ',"actor":',
            _value(event.actor_id),
            ',"actor_name":',
            _value(event.actor_name),
            ',"at":',
            _string(at),
            ',"details":',
            details,
            ',"ip":',
            _value(event.ip),
            ',"object_id":',
            _value(event.object_id),
            ',"object_repr":',
            _value(event.object_repr),
            ',"object_type":',
            _value(event.object_type),
            ',"success":',
            _value(event.success),
            ',"unit_code":',
            _value(event.unit_code),
            ',"user_agent":',
            _value(event.user_agent),
            "}",
        )
    ).encode()


def seal(previous: str, event, details: str | None = None, secret: bytes | None = None) -> str:
    message = previous.encode() + canonical(event, details)
    return hmac.digest(secret or key(), message, hashlib.sha256).hex()


def verify(events, start_hash: str = GENESIS):
    """Walk events in order; return (checked, first broken event or None)."""
    previous = start_hash
    checked = 0
    secret = key()
    for event in events:
        if event.prev_hash != previous or not hmac.compare_digest(
            event.hash, seal(previous, event, secret=secret)
        ):
            return checked, event
        previous = event.hash
        checked += 1
    return checked, None
