"""Incident reports (R73): anyone reports a suspected leak; the security officer handles it."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone

from audit.api import record
from audit.models import Incident

ARCHIVE_NUMBER = re.compile(r"^[A-Z]{2}-\d{4}-\d{6}$")


def parse_archive_numbers(text: str) -> tuple[list[str], list[str]]:
    """Split free text into archive numbers; returns (valid, invalid) tokens."""
    tokens = [t.strip().upper() for t in re.split(r"[\s,，;；、]+", text or "") if t.strip()]
    valid = [t for t in dict.fromkeys(tokens) if ARCHIVE_NUMBER.match(t)]
    invalid = [t for t in tokens if not ARCHIVE_NUMBER.match(t)]
    return valid, invalid


# Sent after a report commits, and when an incident passes its deadline; access/ listens and
# tells the security officers (and, when overdue, management) by e-mail.
incident_reported = Signal()
incident_overdue = Signal()


def deadline(reported_at: datetime, severity: str) -> datetime:
    """By when the security officer must respond to an incident of this severity."""
    hours = settings.BAOMI_INCIDENT_RESPONSE_HOURS
    return reported_at + timedelta(hours=hours.get(severity, hours["unrated"]))


def overdue(now: datetime | None = None) -> QuerySet[Incident]:
    """Open incidents past their deadline."""
    return open_incidents().filter(due_at__lt=now or timezone.now())


def escalate_overdue(now: datetime | None = None) -> list[Incident]:
    """Tell management, once, about each open incident past its deadline (R73, R83)."""
    now = now or timezone.now()
    escalated = []
    for incident in overdue(now).filter(escalated_at__isnull=True).order_by("due_at"):
        with transaction.atomic():
            locked = Incident.objects.select_for_update().get(pk=incident.pk)
            if locked.escalated_at is not None or locked.status == Incident.Status.CLOSED:
                continue
            locked.escalated_at = now
            locked.save(update_fields=["escalated_at"])
            record(
                None,
                "incident.escalated",
                target=locked,
                severity=locked.severity,
                status=locked.status,
                hours_late=int((now - (locked.due_at or now)).total_seconds() // 3600),
            )
            # In the transaction: its mail (a sealed outbox row) commits with the escalation.
            incident_overdue.send(sender=Incident, incident=locked)
        escalated.append(locked)
    return escalated


def visible_incidents(user: Any):
    """The security officer sees every incident; anyone else sees the ones they reported."""
    if user.has_perm("audit.triage_incidents"):
        return Incident.objects.all()
    return Incident.objects.filter(reporter=user)


@transaction.atomic
def report(
    user: Any,
    *,
    kind: str,
    description: str,
    occurred_at: datetime | None = None,
    archive_numbers: list[str] | None = None,
) -> Incident:
    if not user.has_perm("audit.report_incidents"):
        raise PermissionDenied
    now = timezone.now()
    incident = Incident.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:12]}",
        kind=kind,
        description=description,
        occurred_at=occurred_at,
        archive_numbers=archive_numbers or [],
        reporter=user,
        reported_at=now,
        due_at=deadline(now, Incident.Severity.UNRATED),
    )
    incident.reference = f"INC-{timezone.localdate().year}-{incident.pk:05d}"
    incident.save(update_fields=["reference"])
    record(
        user,
        "incident.reported",
        target=incident,
        kind=kind,
        files=len(incident.archive_numbers),
    )
    incident_reported.send(sender=Incident, incident=incident)  # its mail commits with it
    return incident


def open_incidents() -> QuerySet[Incident]:
    return Incident.objects.exclude(status=Incident.Status.CLOSED)


def may_triage(user: Any, incident: Incident) -> bool:
    """The security officer works on an incident until it is closed."""
    return (
        bool(user.has_perm("audit.triage_incidents")) and incident.status != Incident.Status.CLOSED
    )


@transaction.atomic
def triage(
    officer: Any,
    incident: Incident,
    *,
    severity: str,
    status: str,
    actions_taken: str,
    closing_summary: str = "",
) -> Incident:
    if not officer.has_perm("audit.triage_incidents"):
        raise PermissionDenied
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status == Incident.Status.CLOSED:
        raise ValueError("closed incidents cannot be changed")
    if status == Incident.Status.CLOSED and not closing_summary.strip():
        raise ValueError("a closing summary is required to close an incident")
    incident.severity = severity
    incident.status = status
    incident.actions_taken = actions_taken
    incident.closing_summary = closing_summary
    incident.handler = officer
    if status == Incident.Status.CLOSED:
        incident.closed_at = timezone.now()
    else:
        incident.due_at = deadline(incident.reported_at, severity)
    incident.save()
    action = "incident.closed" if status == Incident.Status.CLOSED else "incident.triaged"
    record(officer, action, target=incident, severity=severity, status=status)
    return incident
