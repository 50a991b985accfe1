# The job and heartbeat tables came from audit (audit 0001, 0003): this takes them over in the
# migration state only; 0002 renames the tables once audit has let go of them.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('audit', '0003_heartbeat'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='JobRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(db_index=True, max_length=64)),
                        ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('ok', models.BooleanField(default=False)),
                        ('counts', models.JSONField(blank=True, default=dict)),
                        ('error', models.TextField(blank=True)),
                    ],
                    options={
                        'ordering': ['-started_at'],
                        'indexes': [models.Index(fields=['name', '-started_at'], name='audit_jobrun_idx')],
                        'db_table': 'audit_jobrun',
                    },
                ),
                migrations.CreateModel(
                    name='Heartbeat',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=40, unique=True)),
                        ('host', models.CharField(blank=True, max_length=100)),
                        ('last_seen', models.DateTimeField()),
                    ],
                    options={'db_table': 'audit_heartbeat'},
                ),
            ],
            database_operations=[],
        ),
    ]
