"""Nothing signed ever changes: the database refuses it (see raadsvoorstel/db_guards.py)."""

from django.db import migrations

from raadsvoorstel import db_guards


def create_guards(apps, schema_editor):
    db_guards.create(schema_editor, tables=db_guards.FIRST_TABLES)


def drop_guards(apps, schema_editor):
    db_guards.drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("raadsvoorstel", "0001_initial")]

    operations = [migrations.RunPython(create_guards, drop_guards)]
