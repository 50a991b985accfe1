"""The hash chain: sealing appended events, verifying the chain, anchoring its head.

Design (issue 3 §3, docs/AUDIT.md): writers only INSERT, with no lock and no shared row, so
appending costs what a plain insert costs however many web and Celery processes write at once.
One *sealer* at a time (a PostgreSQL advisory lock; SQLite serialises writers anyway) then reads
the unsealed events in id order and gives each the next ``seq`` and its ``prev_hash``/``hash``.
Because only the sealer assigns ``seq``, the chain is one line with no gaps and no forks, even
when transactions commit out of id order: a late commit is simply sealed in the next pass.
The sealer runs on commit in the embedded mode and every few seconds from Celery beat.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone

from audit.canonical import COLUMNS, GENESIS, chain_hash
from audit.models import AuditEvent

log = logging.getLogger("baomi.audit")

SEAL_BATCH = 2000
VERIFY_CHUNK = 20000
_SEAL_LOCK_KEY = 0x6A0D17  # arbitrary constant shared by every sealer
_TABLE = AuditEvent._meta.db_table


# --- Sealing ------------------------------------------------------------------------------------


def _take_seal_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite runs one write transaction at a time (IMMEDIATE mode)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def chain_head() -> tuple[int, str]:
    """(seq, hash) of the last sealed event, or (0, GENESIS) for an empty chain."""
    head = AuditEvent.objects.sealed().order_by("-seq").values_list("seq", "hash").first()
    return head if head is not None else (0, GENESIS)


def _seal_batch() -> int | None:
    """Seal up to SEAL_BATCH events in one transaction. None: another sealer holds the lock."""
    with transaction.atomic():
        if not _take_seal_lock():
            return None
        rows = list(AuditEvent.objects.unsealed().order_by("id").values_list(*COLUMNS)[:SEAL_BATCH])
        if not rows:
            return 0
        seq, prev = chain_head()
        updates = []
        for row in rows:
            seq += 1
            sealed_row = (row[0], seq, *row[2:])
            digest = chain_hash(prev, sealed_row)
            updates.append((seq, prev, digest, row[0]))
            prev = digest
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {_TABLE} SET seq = %s, prev_hash = %s, hash = %s "  # noqa: S608 - constant table name
                "WHERE id = %s AND seq IS NULL",
                updates,
            )
        return len(rows)


def seal_pending(max_batches: int | None = None) -> int:
    """Chain every event not yet chained; returns how many were sealed by this call."""
    total = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        sealed = _seal_batch()
        if not sealed:
            break
        total += sealed
        batches += 1
    return total


def unsealed_backlog() -> tuple[int, float | None]:
    """How many events wait for sealing, and the age in seconds of the oldest one."""
    pending = AuditEvent.objects.unsealed()
    oldest = pending.order_by("id").values_list("occurred_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else None
    return pending.count(), age


# --- Verification --------------------------------------------------------------------------------


@dataclass
class Problem:
    kind: str  # changed | missing | reordered | truncated | anchor_mismatch
    message: str
    seq: int | None = None
    event_id: int | None = None


@dataclass
class Anchor:
    seq: int
    hash: str
    at: int  # epoch microseconds
    name: str = ""


@dataclass
class Report:
    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    anchors_checked: int = 0
    unsealed: int = 0
    oldest_unsealed_seconds: float | None = None
    problem: Problem | None = None
    seconds: float = 0.0
    anchors: list[Anchor] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


def _stream_sealed(chunk: int) -> Iterator[tuple]:
    """Sealed rows in seq order, fetched in keyset pages so memory stays flat at any size."""
    after = 0
    columns = (*COLUMNS, "prev_hash", "hash")
    while True:
        page = list(
            AuditEvent.objects.filter(seq__gt=after).order_by("seq").values_list(*columns)[:chunk]
        )
        if not page:
            return
        yield from page
        after = page[-1][1]


def verify_chain(
    chunk: int = VERIFY_CHUNK, progress: Callable[[int], None] | None = None
) -> Report:
    """Recompute the whole chain and check it against the anchors kept outside the database.

    Stops at the first broken event and says why: a sequence number missing (an event was
    deleted), a link that does not follow (events re-ordered or replaced), or content that no
    longer matches its hash (an event was changed). Anchors catch a truncated tail.
    """
    started = time.monotonic()
    report = Report()
    anchors = read_anchors()
    report.anchors = anchors
    wanted = {anchor.seq: anchor for anchor in anchors}
    seen_at_anchor: dict[int, str] = {}
    expected = 1
    prev = GENESIS
    for row in _stream_sealed(chunk):
        event_id, seq = row[0], row[1]
        stored_prev, stored_hash = row[-2], row[-1]
        if seq != expected:
            report.problem = Problem(
                "missing",
                f"sequence {expected} is missing: the chain jumps from {expected - 1} to {seq} "
                f"(an event was deleted)",
                seq=expected,
                event_id=event_id,
            )
            break
        if stored_prev != prev:
            report.problem = Problem(
                "reordered",
                f"event #{event_id} at sequence {seq} does not follow sequence {seq - 1}: "
                "events were re-ordered or replaced",
                seq=seq,
                event_id=event_id,
            )
            break
        if chain_hash(stored_prev, row[:-2]) != stored_hash:
            report.problem = Problem(
                "changed",
                f"event #{event_id} at sequence {seq} was changed after it was written: "
                "its content no longer matches its hash",
                seq=seq,
                event_id=event_id,
            )
            break
        if seq in wanted:
            seen_at_anchor[seq] = stored_hash
        prev = stored_hash
        report.checked += 1
        report.head_seq, report.head_hash = seq, stored_hash
        expected += 1
        if progress is not None and report.checked % chunk == 0:
            progress(report.checked)
    if report.problem is None:
        report.problem = _check_anchors(anchors, seen_at_anchor, report.head_seq)
        report.anchors_checked = len(anchors)
    report.unsealed, report.oldest_unsealed_seconds = unsealed_backlog()
    report.seconds = time.monotonic() - started
    return report


def _check_anchors(anchors: list[Anchor], seen: dict[int, str], head_seq: int) -> Problem | None:
    for anchor in anchors:
        if anchor.seq > head_seq:
            return Problem(
                "truncated",
                f"anchor {anchor.name or anchor.seq} records sequence {anchor.seq}, but the chain "
                f"ends at {head_seq}: events at the end of the log were removed",
                seq=head_seq + 1,
            )
        if seen.get(anchor.seq) != anchor.hash:
            return Problem(
                "anchor_mismatch",
                f"the event at sequence {anchor.seq} no longer has the hash anchor "
                f"{anchor.name or anchor.seq} recorded: the log was rewritten",
                seq=anchor.seq,
            )
    return None


# --- Anchors -----------------------------------------------------------------------------------

ANCHOR_DIR = "audit-anchors"


def _anchor_storage():
    return storages["anchors"]


def write_anchor() -> Anchor | None:
    """Copy the chain head (seq, hash, time) outside the database: storage and the log."""
    seal_pending()
    seq, digest = chain_head()
    if seq == 0:
        return None
    latest = read_anchors()[-1:]
    if latest and (latest[0].seq, latest[0].hash) == (seq, digest):
        return latest[0]  # nothing new since the last anchor
    now = datetime.now(tz=UTC)
    anchor = Anchor(seq=seq, hash=digest, at=int(now.timestamp() * 1_000_000))
    name = f"{ANCHOR_DIR}/{now:%Y%m%dT%H%M%S%f}-{seq}.json"
    payload = json.dumps({"seq": seq, "hash": digest, "at": anchor.at}, sort_keys=True)
    anchor.name = _anchor_storage().save(name, ContentFile(payload.encode("ascii")))
    log.warning("AUDIT ANCHOR seq=%s hash=%s at=%s", seq, digest, now.isoformat())
    return anchor


def read_anchors() -> list[Anchor]:
    storage = _anchor_storage()
    try:
        _dirs, files = storage.listdir(ANCHOR_DIR)
    except FileNotFoundError:
        return []
    anchors = []
    for filename in sorted(files):
        if not filename.endswith(".json"):
            continue
        with storage.open(f"{ANCHOR_DIR}/{filename}") as handle:
            data = json.loads(handle.read().decode("ascii"))
        anchors.append(
            Anchor(seq=int(data["seq"]), hash=data["hash"], at=int(data["at"]), name=filename)
        )
    return sorted(anchors, key=lambda a: a.seq)
