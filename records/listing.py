"""Lists and exact search of client files (R15): only what the policy makes visible.

Lists page by keyset (``updated_at``, ``id``) so the thousandth page costs what the first does,
and never count the whole table. Search by phone, ID number / credit code or full name goes
through the blind indexes; every hit is decrypted and compared again, so a truncated-HMAC
collision can never show a user a file they did not ask for. Search values travel in POST
bodies only: never in a URL, a log line or an audit event.
"""

from __future__ import annotations

import heapq
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan
from django.utils.functional import Promise

import audit
from access import policy
from access.models import User
from records import content as record_content
from records import crypto, masking
from records.models import CustomerRecord
from records.validators import (
    normalise_mobile,
    normalise_name,
    normalise_resident_id,
    validate_mobile,
    validate_resident_id,
    validate_uscc,
)

ARCHIVE_NUMBER = re.compile(r"^KH-[0-9]{4}-[0-9]{6}$", re.I)
SEARCH_LIMIT = 100


@dataclass
class Filters:
    scope: str = "mine"  # mine | department
    tier: int | None = None
    status: str = ""
    handler_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class Row:
    record: CustomerRecord
    name: str


@dataclass
class Page:
    rows: list[Row]
    next_cursor: str


def _narrowed(records: QuerySet[CustomerRecord], filters: Filters) -> QuerySet[CustomerRecord]:
    if filters.tier:
        records = records.filter(tier=filters.tier)
    if filters.status:
        records = records.filter(status=filters.status)
    if filters.handler_id:
        records = records.filter(handler_id=filters.handler_id)
    if filters.date_from:
        records = records.filter(acquired_at__gte=filters.date_from)
    if filters.date_to:
        records = records.filter(acquired_at__lte=filters.date_to)
    return records


def scoped_querysets(user: User, filters: Filters) -> list[QuerySet[CustomerRecord]]:
    """One query per index the list reads: the person's own files, or one per department they
    head (a head of two departments gets two, merged by ``page``), each with the scope's one
    filter (access.policy.lists) so PostgreSQL walks one partial index in page order."""
    files = CustomerRecord.objects.all()
    if filters.scope == "mine":
        return [_narrowed(policy.own_files(user, files), filters)]
    return [
        _narrowed(policy.department_files(user, files, department), filters)
        for department in sorted(policy.headed_department_ids(user))
    ]


def base_queryset(user: User, filters: Filters) -> QuerySet[CustomerRecord]:
    """Every file of the list as one query (for counting and tests, not for paging)."""
    parts = scoped_querysets(user, filters)
    found = CustomerRecord.objects.none()
    for part in parts:
        found = found | part
    return found


def _rows(user: User, records: list[CustomerRecord]) -> list[Row]:
    rows = []
    for record in records:
        try:
            name = masking.display_name(
                record_content.read_identity(record), clear=policy.clear_fields(user, record)
            )
        except crypto.DecryptionFailed:
            name = "—"
        rows.append(Row(record, name))
    return rows


@dataclass
class ReviewRow:
    """A file waiting for its head: enough to tell two apart and to see what is asked."""

    record: CustomerRecord
    name: str
    level_reasons: list[str | Promise]
    attachments: int
    returned_before: int


def review_rows(user: User) -> list[ReviewRow]:
    """The head's queue (issue 16 §3), oldest first: masked customer name, level and why,
    attachments, and how often the file was returned before."""
    from audit.models import AuditEvent
    from records.disclosure import level_reasons

    # A finished import's files are approved together (records/imports): listed as the import.
    queue = policy.review_queue(user, CustomerRecord.objects.all()).exclude(
        import_batch__status="imported"
    )
    records = list(
        queue.select_related("handler", "department")
        .prefetch_related("attachments")
        .order_by("submitted_at")[:200]
    )
    returns = dict(
        AuditEvent.objects.filter(
            action="record.return",
            target_type="records.customerrecord",
            target_id__in=[str(r.pk) for r in records],
        )
        .values("target_id")
        .annotate(n=Count("id"))
        .values_list("target_id", "n")
    )
    rows = []
    for row in _rows(user, records):
        try:
            reasons = level_reasons(row.record, record_content.read(row.record))
        except crypto.DecryptionFailed:
            reasons = []
        rows.append(
            ReviewRow(
                row.record,
                row.name,
                reasons,
                len(row.record.attachments.all()),
                returns.get(str(row.record.pk), 0),
            )
        )
    return rows


def _parse_cursor(cursor: str) -> tuple[datetime, uuid.UUID] | None:
    """The position a cursor names, or None (first page) for one this module did not write."""
    stamp, _sep, ident = cursor.partition("_")
    try:
        moment, key = datetime.fromisoformat(stamp), uuid.UUID(ident)
        if moment.tzinfo is None:
            return None
        # In UTC here, as the database compares it: an edited year 1 or 9999 with an offset
        # overflows in the conversion, and starts from the first page instead of a 500.
        return moment.astimezone(UTC), key
    except (ValueError, OverflowError):
        return None


def _position(record: CustomerRecord) -> tuple[datetime, uuid.UUID]:
    return (record.updated_at, record.id)


def page_queries(
    user: User, filters: Filters, cursor: str = "", size: int = 25
) -> list[QuerySet[CustomerRecord]]:
    """The queries one page runs, one per scope index (tests EXPLAIN each on PostgreSQL). The
    position is compared as a row value, ``(updated_at, id) < (stamp, id)``, which the list
    indexes answer as one range."""
    parsed = _parse_cursor(cursor) if cursor else None
    queries = []
    for records in scoped_querysets(user, filters):
        if parsed:
            records = records.filter(TupleLessThan(Tuple(F("updated_at"), F("id")), parsed))
        queries.append(
            records.select_related("handler", "department")
            .defer(*record_content.NOT_LISTED)
            .order_by("-updated_at", "-id")[: size + 1]
        )
    return queries


def page(user: User, filters: Filters, cursor: str = "", size: int = 25) -> Page:
    """One page, newest change first, after ``cursor``."""
    chunk: list[CustomerRecord] = []
    for query in page_queries(user, filters, cursor, size):
        chunk += query
    chunk = heapq.nlargest(size + 1, chunk, key=_position)
    more = len(chunk) > size
    chunk = chunk[:size]
    next_cursor = f"{chunk[-1].updated_at.isoformat()}_{chunk[-1].id}" if more and chunk else ""
    return Page(_rows(user, chunk), next_cursor)


def _search_key(query: str) -> tuple[str, str]:
    """(blind index kind, normalised query)."""
    for kind, validate, normalise in (
        ("mobile", validate_mobile, normalise_mobile),
        ("id", validate_resident_id, normalise_resident_id),
        ("id", validate_uscc, normalise_resident_id),
    ):
        try:
            validate(query)
        except ValidationError:
            continue
        return kind, normalise(query)
    return "name", normalise_name(query)


def search(user: User, query: str) -> list[Row]:
    """Exact search among the files this person may open."""
    query = query.strip()
    visible = (
        policy.visible_records(user, CustomerRecord.objects.all())
        .select_related("handler", "department")
        .defer(*record_content.NOT_LISTED)
    )
    if not query:
        return []
    if ARCHIVE_NUMBER.match(query):
        kind = "archive_number"
        hits = list(visible.filter(archive_number=query.upper())[:SEARCH_LIMIT])
    else:
        kind, normalised = _search_key(query)
        index = crypto.blind_index(kind, normalised)
        column = record_content.INDEX_COLUMNS[kind]
        candidates = visible.filter(**{column: index}).order_by("-updated_at")[:SEARCH_LIMIT]
        hits = [
            r
            for r in candidates
            if record_content.search_keys(record_content.read_identity(r))[kind] == normalised
        ]
    audit.record(user, "record.search", by=kind, results=len(hits))
    return _rows(user, hits)
