from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from palermo.core.codelists import INITIAL_ITEMS

    CodeItem = apps.get_model("core", "CodeItem")
    for order, (code, labels) in enumerate(INITIAL_ITEMS["indicator"]):
        CodeItem.objects.get_or_create(
            list_code="indicator", code=code, defaults={"labels": labels, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_initial_code_lists")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
