"""Re-encrypt stored ID numbers and phones with the current key and cipher, and recompute the
keyed hashes (after changing ZHICUN_DATA_KEYS, ZHICUN_CIPHER or ZHICUN_INDEX_KEY).

Keep the old key in ZHICUN_DATA_KEYS (after the new one) until this has run; then remove it.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from zhicun.lib.fields import BlindIndexField, EncryptedCharField
from zhicun.registry.models import Household, Person

MODELS = [Person, Household]


def sensitive_fields(model) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, (EncryptedCharField, BlindIndexField))
    ]


class Command(BaseCommand):
    help = "用当前密钥重新加密身份证号码和手机号，并重算检索摘要"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, batch, **options):
        for model in MODELS:
            fields = sensitive_fields(model)
            done = 0
            last = 0
            while True:
                with transaction.atomic():
                    rows = list(model.objects.filter(pk__gt=last).order_by("pk")[:batch])
                    for obj in rows:
                        obj.save(update_fields=fields)
                if not rows:
                    break
                last = rows[-1].pk
                done += len(rows)
            self.stdout.write(f"{model._meta.verbose_name}：已重新加密 {done} 条")
