"""Create the fixed roles (R1) as Django groups. Names must match access.roles.Role."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from access.seeds import ensure_roles

    ensure_roles(apps.get_model("auth", "Group"))


def remove_roles(apps, schema_editor):
    from access.seeds import ROLE_NAMES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_NAMES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
