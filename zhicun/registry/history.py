"""A record's timeline, read from the audit trail: who, when, and old → new in words."""

from zhicun.audit.models import AuditEvent
from zhicun.lib.fields import TagsField


def _display(field, value):
    if value in (None, "", []):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        choices = dict(field.flatchoices) if field is not None and field.choices else {}
        return "、".join(str(choices.get(v, v)) for v in value)
    if field is not None and field.choices and not isinstance(field, TagsField):
        return dict(field.flatchoices).get(value, value)
    return value


def timeline(obj, limit: int = 100) -> list[dict]:
    fields = {f.name: f for f in obj._meta.concrete_fields}
    entries = []
    for event in AuditEvent.objects.for_object(obj).order_by("-id")[:limit]:
        changes = []
        for name, (old, new) in (event.details.get("changes") or {}).items():
            field = fields.get(name)
            label = field.verbose_name if field is not None else name
            changes.append((label, _display(field, old), _display(field, new)))
        entries.append(
            {
                "at": event.at,
                "actor": event.actor_name,
                "action": event.action_label,
                "note": event.details.get("note", ""),
                "purpose": event.details.get("purpose", ""),
                "changes": changes if event.action != "create" else [],
                "created": event.action == "create",
            }
        )
    return entries
