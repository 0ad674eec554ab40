"""Nothing signed ever changes: the database refuses it (the SQL as it was, frozen)."""

from django.db import migrations

from raadsvoorstel.migrations import _guards_0002_0006 as frozen


def create_guards(apps, schema_editor):
    frozen.run(schema_editor, frozen.FIRST_GUARDS)


def drop_guards(apps, schema_editor):
    frozen.run(schema_editor, frozen.DROP_GUARDS)


class Migration(migrations.Migration):
    dependencies = [("raadsvoorstel", "0001_initial")]

    operations = [migrations.RunPython(create_guards, drop_guards)]
