"""Re-encrypt every encrypted value (each EncryptedCharField of every installed model: ID
numbers; phones of persons, households, villagers, staff, sign-up codes, case reporters, support
cadres and jobs contacts; outbox addresses) with the current key and cipher, and recompute the
keyed hashes (each BlindIndexField), after changing ZHICUN_DATA_KEYS, ZHICUN_CIPHER or
ZHICUN_INDEX_KEY.

Keep the old key in ZHICUN_DATA_KEYS (after the new one) until this has run; then remove it.
Rows are rewritten with UPDATE, so no save() side effects (timestamps, signals) run.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from zhicun.lib.crypto import blind_index
from zhicun.lib.fields import BlindIndexField, EncryptedCharField


def sensitive_models() -> list[tuple[type, list]]:
    """(model, its encrypted and keyed-hash fields) for every model that has any."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        fields = [
            f
            for f in meta.local_concrete_fields
            if isinstance(f, (EncryptedCharField, BlindIndexField))
        ]
        if fields:
            found.append((model, fields))
    return found


def _fresh_values(obj, fields) -> dict:
    values = {}
    for f in fields:
        if isinstance(f, BlindIndexField):
            values[f.attname] = blind_index(getattr(obj, f.source) or "")
        else:
            values[f.attname] = getattr(obj, f.attname)  # plain: the UPDATE encrypts it anew
    return values


def rotate(model, fields, batch: int) -> int:
    names = {f.attname for f in fields}
    names |= {f.source for f in fields if isinstance(f, BlindIndexField)}
    rows_of = model._base_manager.order_by("pk").only(*names)
    done = 0
    last = None
    while True:
        with transaction.atomic():
            page = rows_of if last is None else rows_of.filter(pk__gt=last)
            rows = list(page[:batch])
            for obj in rows:
                model._base_manager.filter(pk=obj.pk).update(**_fresh_values(obj, fields))
        if not rows:
            return done
        last = rows[-1].pk
        done += len(rows)


class Command(BaseCommand):
    help = "用当前密钥重新加密所有加密存储的字段（身份证号码、手机号等），并重算检索摘要"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, batch, **options):
        for model, fields in sensitive_models():
            done = rotate(model, fields, batch)
            names = "、".join(
                str(f.verbose_name) for f in fields if isinstance(f, EncryptedCharField)
            )
            self.stdout.write(f"{model._meta.verbose_name}（{names}）：已重新加密 {done} 条")
