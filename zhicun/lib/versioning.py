"""Optimistic locking: the second of two concurrent editors is told, not silently overwritten."""

from django.db.models import F, Model


class ConflictError(Exception):
    """Raised when a record changed since the editor loaded it."""

    def __init__(self, message: str = "该记录已被他人修改，请刷新页面后重新操作"):
        super().__init__(message)
        self.message = message


def save_versioned(obj: Model, expected_version: int | None, fields: list[str]) -> None:
    """Save `fields` only if the row still has `expected_version`; bump the version."""
    if expected_version is None:
        expected_version = obj.version
    model = type(obj)
    names = set(fields)
    # Keyed-hash columns follow the fields they index.
    names |= {f.name for f in model._meta.concrete_fields if getattr(f, "source", None) in names}
    values = {name: model._meta.get_field(name).pre_save(obj, False) for name in sorted(names)}
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        raise ConflictError()
    obj.version = expected_version + 1
