"""The hash chain: sealing appended events (verifying it: audit/verification.py; anchoring its
head: audit/anchors.py).

Design (issue 3 §3; docs/AUDIT.md explains the choice and the measurements behind it):

* Writers only INSERT an event row: no lock, no shared row, and the row is never touched again,
  so appending costs what a plain insert costs however many web and Celery processes write.
* One *sealer* at a time (a PostgreSQL advisory lock; SQLite has one writer anyway) reads the
  events not yet chained, in id order, gives each the next sequence number and its hash, and
  writes ONE ``SealBlock`` row per pass with the ordered ids and the 32-byte hashes. Only the
  sealer assigns sequence numbers, so the chain is one line with no gaps and no forks.
* On PostgreSQL an id is handed out before its transaction commits, so an event with a smaller
  id can become visible after larger ones. The sealer simply seals it in a later pass (its
  sequence number is then higher than its id suggests). To find such late events without
  scanning the whole table it keeps a *floor*: the id below which everything is sealed. The
  floor only moves up to a point every transaction that could still hold a smaller id has
  finished (snapshot xmin has passed the recorded xmax) plus a grace period.

Sealing runs on commit in the embedded mode and every few seconds from Celery beat.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.canonical import COLUMNS, GENESIS, chain_digest
from audit.models import AuditEvent, ChainState, SealBlock

log = logging.getLogger("baomi.audit")

SEAL_BATCH = 5000
VERIFY_BLOCKS = 5
_SEAL_LOCK_KEY = 0x6A0D17  # arbitrary constant shared by every sealer
GENESIS_DIGEST = bytes(32)


def pack_ids(ids: list[int]) -> bytes:
    return struct.pack(f">{len(ids)}q", *ids)


def unpack_ids(blob: bytes | memoryview) -> list[int]:
    blob = bytes(blob)
    return list(struct.unpack(f">{len(blob) // 8}q", blob))


def unpack_hashes(blob: bytes | memoryview) -> list[bytes]:
    blob = bytes(blob)
    return [blob[i : i + 32] for i in range(0, len(blob), 32)]


# --- Reading events for hashing ------------------------------------------------------------------

# PostgreSQL computes the time as integer microseconds itself: parsing a timestamp in Python
# costs more than everything else verification does per event.
# (Exact: extract() returns numeric since PostgreSQL 14, the oldest Django 5.2 supports.)
_PG_MICROS = "(extract(epoch FROM occurred_at) * 1000000)::bigint"
_PG_EXPRESSIONS = {"occurred_at": _PG_MICROS}
_SELECT = "SELECT {} FROM {}".format(  # noqa: S608 - constant column and table names
    ", ".join(_PG_EXPRESSIONS.get(column, column) for column in COLUMNS),
    AuditEvent._meta.db_table,
)


def event_rows(*, ids: list[int] | None = None, after: int | None = None, limit: int = 0) -> list:
    """Event rows in ``COLUMNS`` order, as the hash needs them, by ids or after an id.

    By ids, rows come from the id range the ids span (one range scan instead of a lookup per
    id; a block's ids are nearly contiguous) and the caller picks the ones it wants.

    On PostgreSQL a plain cursor (no ORM conversions: psycopg already returns aware datetimes,
    and canonical_bytes reads jsonb text); on SQLite the ORM, which parses the stored text.
    """
    if connection.vendor == "postgresql":
        params: list[int | list[int] | None]
        if ids is None:
            query, params = f"{_SELECT} WHERE id > %s ORDER BY id LIMIT %s", [after, limit]
        elif max(ids) - min(ids) < 2 * len(ids):
            query, params = f"{_SELECT} WHERE id BETWEEN %s AND %s", [min(ids), max(ids)]
        else:  # a block holding late commits far apart: look them up one by one
            query, params = f"{_SELECT} WHERE id = ANY(%s)", [ids]
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()
    events = AuditEvent.objects.order_by("id")
    if ids is not None:
        return list(events.filter(id__range=(min(ids), max(ids))).values_list(*COLUMNS))
    return list(events.filter(id__gt=after).values_list(*COLUMNS)[:limit])


# --- Sealing ------------------------------------------------------------------------------------


def _take_seal_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite runs one write transaction at a time (IMMEDIATE mode)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def last_block() -> SealBlock | None:
    return SealBlock.objects.order_by("-number").first()


def chain_head() -> tuple[int, str]:
    """(seq, hash) of the last sealed event, or (0, GENESIS) for an empty chain."""
    block = SealBlock.objects.order_by("-number").values("first_seq", "count", "head_hash").first()
    if block is None:
        return 0, GENESIS
    return block["first_seq"] + block["count"] - 1, block["head_hash"]


def _horizon() -> tuple[int, int, int]:
    """(snapshot xmin, snapshot xmax, highest id handed out) right now (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint "
            "FROM pg_current_snapshot() AS s"
        )
        xmin, xmax = cursor.fetchone()
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [AuditEvent._meta.db_table])
        sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - from the catalogue
        last_value, is_called = cursor.fetchone()
    return xmin, xmax, last_value if is_called else last_value - 1


def _floor_candidate(state: ChainState) -> tuple[int | None, tuple[int, int]]:
    """The floor this pass may move to once it has sealed everything visible, and a new mark.

    A mark (highest id handed out, snapshot xmax, time) becomes usable when every transaction
    that existed at that moment has finished (current snapshot xmin >= the mark's xmax) and a
    grace period has passed: then no event with an id up to the mark can still appear.
    SQLite commits writers one at a time in id order, so it needs none of this.
    """
    xmin, xmax, handed_out = _horizon()
    grace = timedelta(seconds=settings.BAOMI_AUDIT_SEAL_GRACE_SECONDS)
    candidate = None
    if state.mark_last_id is not None and (state.mark_xmax is None or state.mark_at is None):
        # _seal_batch writes the three together: a mark missing a part was tampered with. It is
        # dropped (this pass writes a new one); the floor waits, sealing only scans more.
        state.mark_last_id = None
    if (
        state.mark_last_id is not None
        and state.mark_xmax is not None
        and state.mark_at is not None
        and state.mark_xmax <= xmin
        and state.mark_at <= timezone.now() - grace
    ):
        candidate = state.mark_last_id
    return candidate, (handed_out, xmax)


def _sealed_above(floor: int) -> set[int]:
    sealed: set[int] = set()
    for blob in SealBlock.objects.filter(max_event_id__gt=floor).values_list(
        "event_ids", flat=True
    ):
        sealed.update(unpack_ids(blob))
    return sealed


@dataclass
class _Pass:
    """Where one ``seal_pending`` call is: ids up to ``position`` are examined and sealed."""

    position: int | None = None
    sealed_above_floor: set[int] = field(default_factory=set)


def _seal_batch(scan: _Pass) -> int | None:
    """Seal up to SEAL_BATCH events in one transaction. None: another sealer holds the lock."""
    with transaction.atomic():
        if not _take_seal_lock():
            return None
        state, _ = ChainState.objects.select_for_update().get_or_create(pk=1)
        postgres = connection.vendor == "postgresql"
        if postgres:
            candidate, (handed_out, xmax) = _floor_candidate(state)
        else:
            block = last_block()
            state.floor_id = max(state.floor_id, block.max_event_id if block else 0)
        if scan.position is None:
            # First batch of this call: what is already sealed above the floor (late commits
            # sealed earlier). Later batches only move forward from their own position.
            scan.position = state.floor_id
            scan.sealed_above_floor = _sealed_above(state.floor_id)
        fetched = event_rows(after=scan.position, limit=SEAL_BATCH + len(scan.sealed_above_floor))
        rows = [row for row in fetched if row[0] not in scan.sealed_above_floor][:SEAL_BATCH]
        if rows:
            _write_block(rows)
            scan.position = rows[-1][0]
        elif fetched:
            scan.position = fetched[-1][0]
        finished = len(rows) < SEAL_BATCH  # everything visible is sealed now
        if postgres and finished:
            if candidate is not None:
                state.floor_id = max(state.floor_id, candidate)
            if candidate is not None or state.mark_last_id is None:
                state.mark_last_id, state.mark_xmax, state.mark_at = (
                    handed_out,
                    xmax,
                    timezone.now(),
                )
        state.save()
        return len(rows)


def _write_block(rows: list[tuple]) -> SealBlock:
    ids = [row[0] for row in rows]
    previous = last_block()
    if previous is None:
        number, seq, prev = 1, 1, GENESIS_DIGEST
    else:
        number = previous.number + 1
        seq = previous.first_seq + previous.count
        prev = bytes.fromhex(previous.head_hash)
    first_seq, prev_hex = seq, prev.hex()
    digests = []
    for row in rows:
        prev = chain_digest(prev, row, seq)
        digests.append(prev)
        seq += 1
    return SealBlock.objects.create(
        number=number,
        first_seq=first_seq,
        count=len(ids),
        event_ids=pack_ids(ids),
        hashes=b"".join(digests),
        prev_hash=prev_hex,
        head_hash=prev.hex(),
        min_event_id=min(ids),
        max_event_id=max(ids),
    )


def seal_pending(max_batches: int | None = None) -> int:
    """Chain every visible event not yet chained; returns how many this call sealed."""
    total = 0
    batches = 0
    scan = _Pass()
    while max_batches is None or batches < max_batches:
        sealed = _seal_batch(scan)
        if not sealed:
            break
        total += sealed
        batches += 1
        if sealed < SEAL_BATCH:
            break
    return total


def sealed_count() -> int:
    head_seq, _ = chain_head()
    return head_seq


def unsealed_backlog() -> tuple[int, float | None]:
    """How many events wait for sealing, and how long ago the sealer last sealed anything.

    Waiting events with a last seal long ago mean the sealer is not running. It costs a count
    of the whole audit table (an index scan that grows with the log: about a second at tens of
    millions of events) and one indexed read; /readyz, the KPI page and /metrics ask it.
    """
    waiting = max(AuditEvent.objects.count() - sealed_count(), 0)
    if not waiting:
        return 0, None
    last = SealBlock.objects.order_by("-number").values_list("sealed_at", flat=True).first()
    if last is None:
        first = AuditEvent.objects.order_by("id").values_list("occurred_at", flat=True).first()
        last = first or timezone.now()
    return waiting, (timezone.now() - last).total_seconds()


def seq_of(event_ids: list[int]) -> dict[int, int]:
    """Sequence numbers of the given events (those sealed), for display.

    Each id is looked up in the few blocks whose id range covers it, so a page of events
    spread over years costs a handful of small block reads, not the whole chain.
    """
    if not event_ids:
        return {}
    wanted = set(event_ids)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT b.number FROM unnest(%s::bigint[]) AS v(id) "  # noqa: S608
                f"CROSS JOIN LATERAL (SELECT number FROM {SealBlock._meta.db_table} "
                "WHERE max_event_id >= v.id AND min_event_id <= v.id "
                "ORDER BY max_event_id LIMIT 8) AS b",
                [sorted(wanted)],
            )
            numbers = [number for (number,) in cursor.fetchall()]
        blocks = list(
            SealBlock.objects.filter(number__in=numbers).values_list("first_seq", "event_ids")
        )
    else:
        blocks = list(
            SealBlock.objects.filter(
                max_event_id__gte=min(wanted), min_event_id__lte=max(wanted)
            ).values_list("first_seq", "event_ids")
        )
    found: dict[int, int] = {}
    for first_seq, blob in blocks:
        for offset, event_id in enumerate(unpack_ids(blob)):
            if event_id in wanted:
                found[event_id] = first_seq + offset
    return found
