"""Install the triggers that keep audit events append-only (PostgreSQL and SQLite)."""

from django.db import migrations


def install(apps, schema_editor):
    from audit import dbguard

    dbguard.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from audit import dbguard

    dbguard.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_events")]

    operations = [migrations.RunPython(install, uninstall)]
