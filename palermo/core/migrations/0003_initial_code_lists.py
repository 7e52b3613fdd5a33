from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from palermo.core.codelists import INITIAL_ITEMS

    CodeItem = apps.get_model("core", "CodeItem")
    for list_code, items in INITIAL_ITEMS.items():
        for order, (code, labels) in enumerate(items):
            CodeItem.objects.get_or_create(
                list_code=list_code,
                code=code,
                defaults={"labels": labels, "sort_order": order * 10},
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only_trigger")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
