"""R71 key figures, per week: leak incidents, permission abuses, abnormal accesses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone

from audit.models import Alert, AuditEvent, Incident

# Denied attempts by signed-in people and uses of expired grants. Anonymous refusals (a form
# posted after the session expired, CSRF failures of strangers) are not abuse of a permission.
ABUSE_ACTIONS = ("access.denied", "grant.expired_use")


@dataclass(frozen=True)
class WeekFigures:
    week: date
    leak_incidents: int
    permission_abuses: int
    abnormal_accesses: int


def _week_start(today: date) -> date:
    return today - timedelta(days=today.weekday())


def _per_week(queryset, field: str, since: datetime) -> dict[date, int]:
    tz = timezone.get_current_timezone()
    rows = (
        queryset.filter(**{f"{field}__gte": since})
        .annotate(week=TruncWeek(field, tzinfo=tz))
        .values("week")
        .annotate(n=Count("id"))
        .values_list("week", "n")
    )
    return {(week.date() if isinstance(week, datetime) else week): n for week, n in rows}


def weekly(weeks: int = 12) -> list[WeekFigures]:
    """The last ``weeks`` weeks (Monday first, local time), newest first; empty weeks show 0."""
    first = _week_start(timezone.localdate()) - timedelta(weeks=weeks - 1)
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    leaks = _per_week(Incident.objects.filter(kind=Incident.Kind.LEAK), "reported_at", since)
    abuses = _per_week(
        AuditEvent.objects.filter(action__in=ABUSE_ACTIONS, actor__isnull=False),
        "occurred_at",
        since,
    )
    abnormal = _per_week(Alert.objects.all(), "created_at", since)
    result = []
    for offset in range(weeks):
        week = first + timedelta(weeks=offset)
        result.append(
            WeekFigures(week, leaks.get(week, 0), abuses.get(week, 0), abnormal.get(week, 0))
        )
    return list(reversed(result))
