"""Personal data kept outside the client files, kept only as long as it serves (issue 18 §9,
PIPL Art. 19): django-axes' sign-in logs (user names, addresses, browsers), expired sessions and
django-auditlog's field history (names, e-mail addresses as they changed). Periods are settings
and are stated in the record of processing activities (disposal/processing.py). Baomi's own
audit log is evidence with its own rules (docs/AUDIT.md) and is not touched here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone


@dataclass(frozen=True)
class Purged:
    sign_in_logs: int
    lockout_attempts: int
    sessions: int
    field_history: int


def purge() -> Purged:
    from auditlog.models import LogEntry
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    now = timezone.now()
    logs_before = now - timedelta(days=settings.BAOMI_KEEP_SIGN_IN_LOGS_DAYS)
    sign_in = AccessLog.objects.filter(attempt_time__lt=logs_before).delete()[0]
    sign_in += AccessFailureLog.objects.filter(attempt_time__lt=logs_before).delete()[0]
    # Lockout counters matter only during the cool-off; a day after it they count nothing.
    stale = now - settings.AXES_COOLOFF_TIME - timedelta(days=1)
    attempts = AccessAttempt.objects.filter(attempt_time__lt=stale).delete()[0]
    sessions = Session.objects.filter(expire_date__lt=now).delete()[0]
    history_before = now - timedelta(days=settings.BAOMI_KEEP_FIELD_HISTORY_DAYS)
    history = LogEntry.objects.filter(timestamp__lt=history_before).delete()[0]
    return Purged(sign_in, attempts, sessions, history)


def periods() -> list[dict[str, object]]:
    """What is kept how long, for the record of processing activities (in Chinese)."""
    return [
        {
            "what": "登录日志（用户名、IP 地址、浏览器）",
            "days": settings.BAOMI_KEEP_SIGN_IN_LOGS_DAYS,
        },
        {"what": "登录锁定计数", "days": 1},
        {"what": "已过期的会话", "days": 0},
        {"what": "账号等资料的字段修改历史", "days": settings.BAOMI_KEEP_FIELD_HISTORY_DAYS},
    ]
