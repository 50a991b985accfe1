"""Queries behind the auditor console: filters and keyset pagination that stay fast at millions.

Pages are ordered by (time, id), newest first, and continue from a cursor ``<epoch µs>.<id>``
instead of an OFFSET, so page 10,000 costs what page 1 costs. Every filter has a composite index
ending in (occurred_at, id) (see AuditEvent.Meta.indexes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.canonical import epoch_micros
from audit.chain import seq_of
from audit.models import AuditEvent

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    actor: str = ""  # username, employee number or full name
    department: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    actor_id: int | None = None

    def as_details(self) -> dict[str, str]:
        """The filter for the audit trail of the console itself (strings only, no blanks)."""
        values = {
            "actor": self.actor,
            "department": self.department,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "actor_id": str(self.actor_id or ""),
        }
        return {key: value for key, value in values.items() if value}


def _actor_ids(text: str) -> list[int]:
    people = get_user_model().objects.filter(
        Q(username=text) | Q(employee_number=text) | Q(full_name=text)
    )
    return list(people.values_list("id", flat=True)[:50])


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def filtered(filters: Filters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if filters.actor_id:
        events = events.filter(actor_id=filters.actor_id)
    if filters.actor:
        events = events.filter(actor_id__in=_actor_ids(filters.actor.strip()))
    if filters.department:
        events = events.filter(actor_department=filters.department.strip())
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.target_type:
        events = events.filter(target_type=filters.target_type.strip())
    if filters.target_id:
        events = events.filter(target_id=filters.target_id.strip())
    if filters.date_from:
        events = events.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    return events


def encode_cursor(event: AuditEvent) -> str:
    return f"{epoch_micros(event.occurred_at)}.{event.pk}"


def decode_cursor(text: str | None) -> tuple[datetime, int] | None:
    if not text:
        return None
    """The position a cursor names, or None (first page) for anything this module did not write:
    a cursor is typed into the address bar as easily as a filter."""
    try:
        micros, event_id = (int(part) for part in text.split(".", 1))
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)
    except (ValueError, OverflowError):
        return None
    if not 0 < event_id < 2**63:  # a 64-bit key, as both databases store it
        return None
    return moment, event_id


def page(
    filters: Filters, cursor: str | None = None, size: int = PAGE_SIZE
) -> tuple[list[AuditEvent], str]:
    """One page of events newest first, and the cursor of the next page ("" at the end)."""
    events = filtered(filters).order_by("-occurred_at", "-id")
    position = decode_cursor(cursor)
    if position is not None:
        # A row comparison, which both databases answer with one index range scan (an OR of
        # two conditions would not use the index on PostgreSQL).
        moment, event_id = position
        adapted = connection.ops.adapt_datetimefield_value(moment)  # SQLite compares text
        events = events.extra(where=["(occurred_at, id) < (%s, %s)"], params=[adapted, event_id])
    rows = list(events[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    sequence = seq_of([row.pk for row in rows])
    for row in rows:
        row.seq = sequence.get(row.pk)  # None: not yet sealed into the chain
    return rows, encode_cursor(rows[-1]) if more and rows else ""


def stream(filters: Filters, limit: int, chunk: int = 2000):
    """Events for an export, newest first, fetched page by page (flat memory)."""
    cursor: str | None = None
    sent = 0
    while sent < limit:
        rows, cursor = page(filters, cursor, size=min(chunk, limit - sent))
        yield from rows
        sent += len(rows)
        if not cursor:
            return
