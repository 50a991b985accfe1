"""Guard incidents, alerts and verification runs like the events they stand beside (issue 17
§10): no delete, no truncate, frozen facts, status moving only while the row is open."""

from django.db import migrations


def install(apps, schema_editor):
    from audit import dbguard

    dbguard.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from audit import dbguard

    dbguard.uninstall(schema_editor.connection)
    dbguard.install(schema_editor.connection, facts=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_jobs_moved_to_core")]

    operations = [migrations.RunPython(install, uninstall)]
