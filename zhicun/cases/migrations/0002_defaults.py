from django.db import migrations


def forwards(apps, schema_editor):
    from zhicun.cases.defaults import ensure_defaults

    ensure_defaults(apps.get_model("cases", "Urgency"), apps.get_model("cases", "Category"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
