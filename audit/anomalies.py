"""Anomaly rules over the audit log (R71 "abnormal accesses").

Each rule looks at the events sealed since the last scan, groups them by person and clock hour
(local time) and, where a threshold is crossed, raises one alert per rule, person and hour.
Re-running a scan raises nothing twice (a unique constraint on rule + person + hour, and a
cursor on ``seq``). Thresholds come from settings (``BAOMI_ANOMALY_*``, ``BAOMI_OFFICE_*``).

Contract with the apps that record client-file events: ``record.view``, ``record.reveal`` and
``record.export`` carry ``record_department`` (the file's department name) in their details (the
target's ``audit_context()`` adds it, see audit/api.py), and ``record.export`` carries ``rows``
(how many files were exported).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncHour
from django.dispatch import Signal
from django.utils import timezone

from audit.api import record
from audit.chain import seal_pending, unpack_ids
from audit.models import Alert, AuditEvent, ScanCursor, SealBlock

CONTENT_ACTIONS = ("record.view", "record.reveal", "record.export")
SCAN_BLOCKS = 5
CURSOR_NAME = "anomalies"

# Sent once per new alert; access/ listens and e-mails the security officers.
alert_raised = Signal()


@dataclass(frozen=True)
class Row:
    id: int
    occurred_at: datetime
    actor_id: int | None
    actor_name: str
    actor_department: str
    action: str
    details: dict


@dataclass(frozen=True)
class Hit:
    rule: str
    actor_id: int
    actor_name: str
    window_start: datetime
    count: int
    first_event_id: int
    last_event_id: int
    summary: str


def _hour(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    return local.replace(minute=0, second=0, microsecond=0)


def _thresholds() -> dict[str, Any]:
    return settings.BAOMI_ANOMALY


def _outside_office_hours(moment: datetime) -> bool:
    local = timezone.localtime(moment)
    start, end = settings.BAOMI_OFFICE_HOURS
    return local.isoweekday() not in settings.BAOMI_OFFICE_DAYS or not start <= local.hour < end


def _hour_events(actor_id: int, start: datetime, actions: Iterable[str]) -> list[Row]:
    fields = [f for f in Row.__dataclass_fields__]
    rows = AuditEvent.objects.filter(
        actor_id=actor_id,
        action__in=list(actions),
        occurred_at__gte=start,
        occurred_at__lt=start + timedelta(hours=1),
    ).values_list(*fields)
    return [Row(*values) for values in rows]


def _by_person_hour(rows: Iterable[Row], keep: Callable[[Row], bool]) -> set[tuple[int, datetime]]:
    return {(row.actor_id, _hour(row.occurred_at)) for row in rows if row.actor_id and keep(row)}


def _hit(rule: str, actor_id: int, events: list[Row], start: datetime, summary: str) -> Hit:
    """``events`` are ``actor_id``'s (read by ``_hour_events``)."""
    return Hit(
        rule=rule,
        actor_id=actor_id,
        actor_name=events[0].actor_name,
        window_start=start,
        count=len(events),
        first_event_id=min(e.id for e in events),
        last_event_id=max(e.id for e in events),
        summary=summary,
    )


def usual_reveals(actor_id: int, before: datetime) -> float:
    """How many values this person reveals in an hour in which they reveal any, over the last
    ``reveals_history_days`` days before ``before``: their own normal, not everyone's."""
    days = _thresholds()["reveals_history_days"]
    found = (
        AuditEvent.objects.filter(
            actor_id=actor_id,
            action="record.reveal",
            occurred_at__gte=before - timedelta(days=days),
            occurred_at__lt=before,
        )
        .annotate(hour=TruncHour("occurred_at"))
        .aggregate(events=Count("id"), hours=Count("hour", distinct=True))
    )
    return found["events"] / found["hours"] if found["hours"] else 0.0


def reveal_limit(actor_id: int, before: datetime) -> int:
    """The most reveals in one hour that stay quiet for this person: ``reveals_factor`` times
    their usual hourly volume, never below ``reveals_floor`` (a newcomer, or someone who rarely
    reveals, is held to the floor)."""
    limits = _thresholds()
    usual = usual_reveals(actor_id, before)
    return max(limits["reveals_floor"], math.ceil(limits["reveals_factor"] * usual))


def many_reveals(new: list[Row]) -> list[Hit]:
    hits = []
    for actor_id, start in _by_person_hour(new, lambda r: r.action == "record.reveal"):
        events = _hour_events(actor_id, start, ["record.reveal"])
        limit = reveal_limit(actor_id, start)
        if len(events) > limit:
            hits.append(
                _hit(
                    "many_reveals",
                    actor_id,
                    events,
                    start,
                    f"{len(events)} sensitive values revealed within one hour "
                    f"(this person's limit {limit}, from their usual volume)",
                )
            )
    return hits


def outside_office_hours(new: list[Row]) -> list[Hit]:
    hits = []
    keep = lambda r: r.action in CONTENT_ACTIONS and _outside_office_hours(r.occurred_at)  # noqa: E731
    for actor_id, start in _by_person_hour(new, keep):
        events = [e for e in _hour_events(actor_id, start, CONTENT_ACTIONS) if keep(e)]
        hits.append(
            _hit(
                "outside_office_hours",
                actor_id,
                events,
                start,
                f"{len(events)} client-file accesses outside office hours",
            )
        )
    return hits


def _other_department(row: Row) -> bool:
    theirs = (row.details or {}).get("record_department") or ""
    return bool(theirs and row.actor_department and theirs != row.actor_department)


def other_department(new: list[Row]) -> list[Hit]:
    hits = []
    keep = lambda r: r.action in CONTENT_ACTIONS and _other_department(r)  # noqa: E731
    for actor_id, start in _by_person_hour(new, keep):
        events = [e for e in _hour_events(actor_id, start, CONTENT_ACTIONS) if keep(e)]
        departments = sorted({e.details.get("record_department", "") for e in events})
        hits.append(
            _hit(
                "other_department",
                actor_id,
                events,
                start,
                f"{len(events)} accesses to files of another department ({', '.join(departments)})",
            )
        )
    return hits


def bulk_exports(new: list[Row]) -> list[Hit]:
    per_hour, max_rows = _thresholds()["exports_per_hour"], _thresholds()["export_rows"]
    hits = []
    for actor_id, start in _by_person_hour(new, lambda r: r.action == "record.export"):
        events = _hour_events(actor_id, start, ["record.export"])
        rows = sum(int((e.details or {}).get("rows", 0) or 0) for e in events)
        if len(events) > per_hour or rows > max_rows:
            hits.append(
                _hit(
                    "bulk_exports",
                    actor_id,
                    events,
                    start,
                    f"{len(events)} exports with {rows} files within one hour "
                    f"(limits {per_hour} exports, {max_rows} files)",
                )
            )
    return hits


RULES: dict[str, Callable[[list[Row]], list[Hit]]] = {
    "many_reveals": many_reveals,
    "outside_office_hours": outside_office_hours,
    "other_department": other_department,
    "bulk_exports": bulk_exports,
}


def _store(hit: Hit) -> tuple[Alert, bool]:
    alert, created = Alert.objects.get_or_create(
        rule=hit.rule,
        actor_id=hit.actor_id,
        window_start=hit.window_start,
        defaults={
            "actor_name": hit.actor_name,
            "window_end": hit.window_start + timedelta(hours=1),
            "count": hit.count,
            "first_event_id": hit.first_event_id,
            "last_event_id": hit.last_event_id,
            "summary": hit.summary[:300],
        },
    )
    if not created and hit.count > alert.count:
        alert.count, alert.last_event_id, alert.summary = (
            hit.count,
            hit.last_event_id,
            hit.summary[:300],
        )
        alert.save(update_fields=["count", "last_event_id", "summary"])
    return alert, created


def scan() -> list[Alert]:
    """Run every rule over the events sealed since the last scan. Returns the new alerts.

    The cursor follows seal blocks, not ids: an event that committed late is sealed in a later
    block and so is still scanned.
    """
    seal_pending()
    raised: list[Alert] = []
    fields = list(Row.__dataclass_fields__)
    while True:
        with transaction.atomic():
            cursor, _ = ScanCursor.objects.select_for_update().get_or_create(name=CURSOR_NAME)
            blocks = list(
                SealBlock.objects.filter(number__gt=cursor.position)
                .order_by("number")
                .values_list("number", "event_ids")[:SCAN_BLOCKS]
            )
            if not blocks:
                break
            ids = [event_id for _number, blob in blocks for event_id in unpack_ids(blob)]
            relevant = [
                Row(*values)
                for values in AuditEvent.objects.filter(id__in=ids, action__in=CONTENT_ACTIONS)
                .order_by("id")
                .values_list(*fields)
            ]
            new_alerts = []
            for rule in RULES.values():
                for hit in rule(relevant):
                    alert, created = _store(hit)
                    if created:
                        new_alerts.append(alert)
            cursor.position = blocks[-1][0]
            cursor.save(update_fields=["position", "updated_at"])
            for alert in new_alerts:
                record(
                    None,
                    "audit.alert_raised",
                    target=alert,
                    rule=alert.rule,
                    events=alert.count,
                    person=alert.actor_name,
                )
                # In the transaction: the mail (a sealed outbox row) commits with the alert, or
                # neither does; nothing is lost between the commit and a hook after it.
                alert_raised.send(sender=Alert, alert=alert)
        raised.extend(new_alerts)
    return raised


def raise_at_once(actor: Any, event: AuditEvent, count: int, rule: str, summary: str) -> Alert:
    """An alert that cannot wait for the next scan (a person's repeated emergency access): one
    per rule, person and hour like the scanned ones, grown when it fires again in the hour. Runs
    in the caller's transaction, its mail too (the sealed outbox): both commit, or neither."""
    hit = Hit(
        rule=rule,
        actor_id=actor.pk,
        actor_name=actor.get_full_name(),
        window_start=_hour(event.occurred_at),
        count=count,
        first_event_id=event.pk,
        last_event_id=event.pk,
        summary=summary,
    )
    alert, created = _store(hit)
    if created:
        record(
            None,
            "audit.alert_raised",
            target=alert,
            rule=rule,
            events=count,
            person=alert.actor_name,
        )
        alert_raised.send(sender=Alert, alert=alert)  # its mail commits with the caller's work
    return alert


def counts_by_rule(alerts: Iterable[Alert]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for alert in alerts:
        counts[alert.rule] += 1
    return dict(counts)


def open_alerts() -> QuerySet[Alert]:
    return Alert.objects.filter(status=Alert.Status.OPEN)


def close(user: Any, alert: Alert, note: str) -> Alert:
    """The security officer closes an alert with a note (what was checked, what was found)."""
    if not user.has_perm("audit.triage_incidents"):
        raise PermissionDenied
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status == Alert.Status.CLOSED:
            return alert
        alert.status = Alert.Status.CLOSED
        alert.closed_at = timezone.now()
        alert.closed_by = user
        alert.closing_note = note
        alert.save()
        record(user, "audit.alert_closed", target=alert, rule=alert.rule)
    return alert
