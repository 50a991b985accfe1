"""The hash chain: sealing appended events, verifying the chain, anchoring its head.

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

import json
import logging
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
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
    if (
        state.mark_last_id is not None
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


def _seal_batch() -> int | None:
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
        floor = state.floor_id
        sealed = _sealed_above(floor)
        ids = [
            event_id
            for event_id in AuditEvent.objects.filter(id__gt=floor)
            .order_by("id")
            .values_list("id", flat=True)[: SEAL_BATCH + len(sealed)]
            if event_id not in sealed
        ][:SEAL_BATCH]
        if ids:
            _write_block(ids)
        finished = len(ids) < SEAL_BATCH  # everything visible is sealed now
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
        return len(ids)


def _write_block(ids: list[int]) -> SealBlock:
    rows = {row[0]: row for row in AuditEvent.objects.filter(id__in=ids).values_list(*COLUMNS)}
    previous = last_block()
    if previous is None:
        number, seq, prev = 1, 1, GENESIS_DIGEST
    else:
        number = previous.number + 1
        seq = previous.first_seq + previous.count
        prev = bytes.fromhex(previous.head_hash)
    first_seq, prev_hex = seq, prev.hex()
    digests = []
    for event_id in ids:
        prev = chain_digest(prev, rows[event_id], seq)
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
    while max_batches is None or batches < max_batches:
        sealed = _seal_batch()
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
    """How many events wait for sealing, and the age in seconds of the oldest one."""
    total = AuditEvent.objects.count()
    waiting = max(total - sealed_count(), 0)
    if not waiting:
        return 0, None
    floor = ChainState.objects.filter(pk=1).values_list("floor_id", flat=True).first() or 0
    sealed = _sealed_above(floor)
    oldest = None
    for event_id, moment in (
        AuditEvent.objects.filter(id__gt=floor).order_by("id").values_list("id", "occurred_at")
    ):
        if event_id not in sealed:
            oldest = moment
            break
    age = (timezone.now() - oldest).total_seconds() if oldest else None
    return waiting, age


def seq_of(event_ids: list[int]) -> dict[int, int]:
    """Sequence numbers of the given events (those sealed), for display."""
    if not event_ids:
        return {}
    wanted = set(event_ids)
    found: dict[int, int] = {}
    blocks = SealBlock.objects.filter(
        max_event_id__gte=min(wanted), min_event_id__lte=max(wanted)
    ).values_list("first_seq", "event_ids")
    for first_seq, blob in blocks:
        for offset, event_id in enumerate(unpack_ids(blob)):
            if event_id in wanted:
                found[event_id] = first_seq + offset
    return found


# --- Verification --------------------------------------------------------------------------------


@dataclass
class Problem:
    kind: str  # changed | missing | reordered | truncated | anchor_mismatch | block
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


def _blocks(chunk: int) -> Iterator[tuple]:
    """Seal blocks in order, a few at a time, so memory stays flat at any size."""
    after = 0
    while True:
        page = list(
            SealBlock.objects.filter(number__gt=after)
            .order_by("number")
            .values_list(
                "number", "first_seq", "count", "event_ids", "hashes", "prev_hash", "head_hash"
            )[:chunk]
        )
        if not page:
            return
        yield from page
        after = page[-1][0]


def _misplaced(row: tuple, hashes: list[bytes], block_prev: bytes, first_seq: int) -> int | None:
    """If ``row`` hashes correctly at another position of its block, that position's seq."""
    for offset, stored in enumerate(hashes):
        prev = hashes[offset - 1] if offset else block_prev
        if chain_digest(prev, row, first_seq + offset) == stored:
            return first_seq + offset
    return None


def verify_chain(
    chunk: int = VERIFY_BLOCKS, progress: Callable[[int], None] | None = None
) -> Report:
    """Recompute the whole chain and check it against the anchors kept outside the database.

    Stops at the first broken event and says why: a sequence number missing (an event was
    deleted), an event at the wrong place (events re-ordered), or content that no longer matches
    its hash (an event was changed). Anchors catch a truncated tail or a re-hashed log.
    """
    started = time.monotonic()
    report = Report()
    anchors = read_anchors()
    report.anchors = anchors
    wanted = {anchor.seq for anchor in anchors}
    seen_at_anchor: dict[int, str] = {}
    expected_number, expected_seq, prev = 1, 1, GENESIS_DIGEST
    for number, first_seq, count, id_blob, hash_blob, prev_hex, head_hex in _blocks(chunk):
        problem = None
        if number != expected_number or first_seq != expected_seq:
            problem = Problem(
                "missing",
                f"sequence {expected_seq} is missing: the chain jumps to {first_seq} "
                f"(seal block {expected_number} was removed)",
                seq=expected_seq,
            )
        elif prev_hex != prev.hex():
            problem = Problem(
                "block",
                f"seal block {number} does not follow block {number - 1}: the seal record was "
                "replaced",
                seq=first_seq,
            )
        if problem:
            report.problem = problem
            break
        ids, hashes = unpack_ids(id_blob), unpack_hashes(hash_blob)
        rows = {row[0]: row for row in AuditEvent.objects.filter(id__in=ids).values_list(*COLUMNS)}
        block_prev = prev
        for offset, event_id in enumerate(ids):
            seq = first_seq + offset
            row = rows.get(event_id)
            if row is None:
                report.problem = Problem(
                    "missing",
                    f"sequence {seq} is missing: event #{event_id} was deleted",
                    seq=seq,
                    event_id=event_id,
                )
                break
            digest = chain_digest(prev, row, seq)
            if digest != hashes[offset]:
                belongs = _misplaced(row, hashes, block_prev, first_seq)
                if belongs is not None:
                    report.problem = Problem(
                        "reordered",
                        f"event #{event_id} is at sequence {seq} but belongs at sequence "
                        f"{belongs}: events were re-ordered",
                        seq=seq,
                        event_id=event_id,
                    )
                else:
                    report.problem = Problem(
                        "changed",
                        f"event #{event_id} at sequence {seq} was changed after it was written: "
                        "its content no longer matches its hash",
                        seq=seq,
                        event_id=event_id,
                    )
                break
            prev = digest
            if seq in wanted:
                seen_at_anchor[seq] = digest.hex()
            report.checked += 1
        if report.problem:
            break
        if prev.hex() != head_hex:
            report.problem = Problem(
                "block", f"seal block {number} records a different head hash", seq=first_seq
            )
            break
        report.head_seq, report.head_hash = first_seq + count - 1, head_hex
        expected_number, expected_seq = number + 1, first_seq + count
        if progress is not None:
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
    saved = _anchor_storage().save(name, ContentFile(payload.encode("ascii")))
    anchor.name = saved.rsplit("/", 1)[-1]
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
