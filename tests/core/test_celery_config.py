"""Issue 18 §8: Celery set up for a long life: results not stored, time limits below the
broker's visibility timeout, frequent beat entries expiring instead of piling up."""

from __future__ import annotations

from celery.schedules import crontab
from django.conf import settings

from config.celery import app


def test_i18_8_a_task_stops_before_a_second_worker_could_take_it():
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.CELERY_TASK_TIME_LIMIT
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT


def test_i18_8_results_are_not_stored_except_the_pings():
    from audit.tasks import seal
    from core.tasks import ping

    assert settings.CELERY_TASK_IGNORE_RESULT is True
    assert ping.ignore_result is False
    assert seal.ignore_result is True


def test_i18_8_frequent_beat_entries_expire_after_one_period():
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        schedule = entry["schedule"]
        hourly_or_more = isinstance(schedule, int | float) or (
            isinstance(schedule, crontab) and schedule.hour == set(range(24))
        )
        if hourly_or_more:
            expires = entry.get("options", {}).get("expires")
            assert expires, name
            assert expires <= 3600, name
