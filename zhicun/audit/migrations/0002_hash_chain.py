from django.db import migrations, models

# On PostgreSQL the database itself refuses to change audit rows, and to delete any row younger
# than the retention period, whatever the application does.
PG_GUARD = """
CREATE OR REPLACE FUNCTION audit_event_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '184 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_guard ON audit_auditevent;
CREATE TRIGGER audit_event_guard BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_guard();
"""
PG_UNGUARD = """
DROP TRIGGER IF EXISTS audit_event_guard ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_guard();
"""


def seal_existing(apps, schema_editor):
    from zhicun.audit import chain

    Event = apps.get_model("audit", "AuditEvent")
    Chain = apps.get_model("audit", "AuditChain")
    previous = chain.GENESIS
    for event in Event.objects.order_by("id").iterator():
        digest = chain.seal(previous, event)
        Event.objects.filter(pk=event.pk).update(prev_hash=previous, hash=digest)
        previous = digest
    Chain.objects.update_or_create(
        pk=1, defaults={"last_hash": previous, "anchor_id": 0, "anchor_hash": chain.GENESIS}
    )


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_GUARD)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UNGUARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("last_hash", models.CharField(max_length=64)),
                ("anchor_id", models.BigIntegerField(default=0)),
                ("anchor_hash", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "审计链", "verbose_name_plural": "审计链"},
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True, verbose_name="时间"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(guard, unguard),
    ]
