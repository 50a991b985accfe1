"""Publish version 1 of the confidentiality agreement (R3); the text lives in access/seeds.py."""

from django.db import migrations


def publish(apps, schema_editor):
    from access.seeds import ensure_first_agreement

    ensure_first_agreement(apps.get_model("access", "Agreement"))


class Migration(migrations.Migration):
    dependencies = [("access", "0002_roles")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
