# JobRun and Heartbeat now belong to core (core 0001 took them over in the state): the tables
# stay; audit only forgets them.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_heartbeat'),
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='JobRun'),
                migrations.DeleteModel(name='Heartbeat'),
            ],
            database_operations=[],
        ),
    ]
