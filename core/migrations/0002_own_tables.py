# The tables taken over from audit get core's own names.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('audit', '0004_jobs_moved_to_core'),
    ]

    operations = [
        migrations.AlterModelTable(name='jobrun', table=None),
        migrations.AlterModelTable(name='heartbeat', table=None),
        migrations.RenameIndex(
            model_name='jobrun', new_name='jobrun_name_recent', old_name='audit_jobrun_idx'
        ),
    ]
