"""Seed the working-day calendar with mainland public holidays and swapped working days
(issue 18 §11). Days already entered are kept."""

from datetime import date

from django.db import migrations


def seed(apps, schema_editor):
    from records.rights import holidays

    calendar = apps.get_model("records", "CalendarDay")
    wanted = holidays.official_exceptions(since=date(2020, 1, 1))
    have = set(calendar.objects.values_list("day", flat=True))
    calendar.objects.bulk_create(
        [
            calendar(day=day, working=working, note=note)
            for day, (working, note) in sorted(wanted.items())
            if day not in have
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("records", "0009_seal_totp_seeds")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
