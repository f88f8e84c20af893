"""Open cases by the code of the unit they arose at and of the unit handling them (the board)."""

from django.db import migrations, models

OPEN = ["reported", "returned", "escalated", "accepted", "in_progress", "parked"]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_encrypt_reporter_phone"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("state__in", OPEN)),
                fields=["origin_code"],
                name="case_open_origin",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("state__in", OPEN)),
                fields=["responsible_code"],
                name="case_open_responsible",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
