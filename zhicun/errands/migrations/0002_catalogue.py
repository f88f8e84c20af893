from django.db import migrations


def load(apps, schema_editor):
    from zhicun.errands.defaults import CATALOGUE

    ErrandType = apps.get_model("errands", "ErrandType")
    for order, (code, name, description, documents, days, pays) in enumerate(CATALOGUE):
        ErrandType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "documents": documents,
                "limit_days": days,
                "pays_money": pays,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("errands", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
