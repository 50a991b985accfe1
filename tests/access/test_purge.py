"""Issue 18 §9 (PIPL Art. 19): personal data outside the files is deleted after its period:
sign-in logs, stale lockout counters, expired sessions, old field history; the periods are in
the record of processing activities."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.models import Session
from django.utils import timezone

from access import purge
from disposal import processing
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


def test_i18_9_old_sign_in_logs_sessions_and_history_go_recent_ones_stay(sales_person, settings):
    client_verified(sales_person)  # a live session (signing in also lets axes tidy its counters)
    now = timezone.now()
    old, recent = now - timedelta(days=400), now - timedelta(days=10)
    for n, when in enumerate((old, recent)):
        log = AccessLog.objects.create(username="zhang.wei", ip_address="10.0.0.1", user_agent="x")
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=when)
        attempt = AccessAttempt.objects.create(
            username="zhang.wei", ip_address=f"10.0.0.{n}", user_agent="x", failures_since_start=1
        )
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=when)
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=now - timedelta(1))
    sales_person.full_name = "张伟伟"
    sales_person.save()  # a field-history entry
    LogEntry.objects.update(
        timestamp=now - timedelta(days=settings.BAOMI_KEEP_FIELD_HISTORY_DAYS + 1)
    )

    done = purge.purge()
    assert done.sign_in_logs == 1
    assert done.lockout_attempts == 2  # the old one, and the recent one past its cool-off
    assert done.sessions == 1
    assert done.field_history >= 1
    assert not AccessLog.objects.filter(attempt_time__lt=recent - timedelta(days=1)).exists()
    assert AccessLog.objects.filter(attempt_time=recent).exists()
    assert Session.objects.filter(expire_date__gt=now).exists()
    assert not LogEntry.objects.exists()


def test_i18_9_the_processing_record_states_the_periods(settings):
    shape = processing.describe()
    days = {entry["what"]: entry["days"] for entry in shape["other_retention"]}
    assert days["登录日志（用户名、IP 地址、浏览器）"] == settings.BAOMI_KEEP_SIGN_IN_LOGS_DAYS
