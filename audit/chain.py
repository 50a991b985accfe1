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
        if ids is None:
            query, params = f"{_SELECT} WHERE id > %s ORDER BY id LIMIT %s", [after, limit]
        elif max(ids) - min(ids) < 2 * len(ids):
            query, params = f"{_SELECT} WHERE id BETWEEN %s AND %s", [min(ids), max(ids)]
        else:  # a block holding late commits far apart: look them up one by one
            query, params = f"{_SELECT} WHERE id = ANY(%s)", [ids]
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()
    query = AuditEvent.objects.order_by("id")
    if ids is not None:
        return list(query.filter(id__range=(min(ids), max(ids))).values_list(*COLUMNS))
    return list(query.filter(id__gt=after).values_list(*COLUMNS)[:limit])


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

    Waiting events with a last seal long ago mean the sealer is not running. Both figures cost
    two cheap queries whatever the size of the log.
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
    # After a restore: anchors written after the backup was taken (their events were lost).
    anchors_after_backup: list[Anchor] = field(default_factory=list)
    unsealed: int = 0
    seconds_since_last_seal: float | None = None
    problem: Problem | None = None
    seconds: float = 0.0
    anchors: list[Anchor] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


_LINK_FIELDS = ("number", "first_seq", "count", "prev_hash", "head_hash")


def _block_links(chunk: int) -> Iterator[tuple]:
    """Each block's place in the chain (no ids or hashes), in order, a page at a time."""
    after = 0
    while True:
        page = list(
            SealBlock.objects.filter(number__gt=after)
            .order_by("number")
            .values_list(*_LINK_FIELDS)[: chunk * 50]
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


@dataclass
class BlockResult:
    number: int
    checked: int
    problem: Problem | None
    at_anchor: dict[int, str]


def verify_block(number: int, anchor_seqs: frozenset[int] = frozenset()) -> BlockResult:
    """Recompute one seal block's hashes from the events as stored now.

    A block records the hash its chain starts from, so blocks can be checked independently
    (and in parallel, each process reading its own blocks); their linkage is checked by the
    caller.
    """
    first_seq, count, id_blob, hash_blob, prev_hex, head_hex = SealBlock.objects.values_list(
        "first_seq", "count", "event_ids", "hashes", "prev_hash", "head_hash"
    ).get(number=number)
    ids, hashes = unpack_ids(id_blob), unpack_hashes(hash_blob)
    rows = {row[0]: row for row in event_rows(ids=ids)}
    prev = block_prev = bytes.fromhex(prev_hex)
    at_anchor: dict[int, str] = {}
    for offset, event_id in enumerate(ids):
        seq = first_seq + offset
        row = rows.get(event_id)
        if row is None:
            return BlockResult(
                number,
                offset,
                Problem(
                    "missing",
                    f"sequence {seq} is missing: event #{event_id} was deleted",
                    seq=seq,
                    event_id=event_id,
                ),
                at_anchor,
            )
        digest = chain_digest(prev, row, seq)
        if digest != hashes[offset]:
            belongs = _misplaced(row, hashes, block_prev, first_seq)
            if belongs is not None:
                problem = Problem(
                    "reordered",
                    f"event #{event_id} is at sequence {seq} but belongs at sequence {belongs}: "
                    "events were re-ordered",
                    seq=seq,
                    event_id=event_id,
                )
            else:
                problem = Problem(
                    "changed",
                    f"event #{event_id} at sequence {seq} was changed after it was written: its "
                    "content no longer matches its hash",
                    seq=seq,
                    event_id=event_id,
                )
            return BlockResult(number, offset, problem, at_anchor)
        if seq in anchor_seqs:
            at_anchor[seq] = digest.hex()
        prev = digest
    if prev.hex() != head_hex or len(ids) != count:
        return BlockResult(
            number,
            len(ids),
            Problem("block", f"seal block {number} records a different head hash", seq=first_seq),
            at_anchor,
        )
    return BlockResult(number, len(ids), None, at_anchor)


def _worker_start(settings_dict: dict) -> None:
    """In a forked verification worker: forget every inherited database connection.

    The parent's connections belong to the parent (closing or reusing their sockets here would
    break it), and Django keeps connections per thread *and* context, so closing them before
    the fork may miss some. The worker starts from an empty set, on the database the parent
    uses right now (a test database, for instance).
    """
    from asgiref.local import Local
    from django.db import DEFAULT_DB_ALIAS, connections

    connections._connections = Local(connections.thread_critical)
    connections.settings[DEFAULT_DB_ALIAS] = settings_dict


def _verify_block_in_worker(args: tuple) -> BlockResult:
    number, anchor_seqs = args
    return verify_block(number, anchor_seqs)


def _linkage_problem(block: tuple, number: int, seq: int, prev_hex: str) -> Problem | None:
    if block[0] != number or block[1] != seq:
        return Problem(
            "missing",
            f"sequence {seq} is missing: the chain jumps to {block[1]} "
            f"(seal block {number} was removed)",
            seq=seq,
        )
    if block[3] != prev_hex:
        return Problem(
            "block",
            f"seal block {block[0]} does not follow block {block[0] - 1}: the seal record was "
            "replaced",
            seq=block[1],
        )
    return None


def verify_chain(
    chunk: int = VERIFY_BLOCKS,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    restored_up_to: int | None = None,
) -> Report:
    """Recompute the whole chain and check it against the anchors kept outside the database.

    Stops at the first broken event and says why: a sequence number missing (an event was
    deleted), an event at the wrong place (events re-ordered), or content that no longer matches
    its hash (an event was changed). Anchors catch a truncated tail or a re-hashed log.
    ``workers`` > 1 checks blocks in that many processes (PostgreSQL; not inside Celery).

    ``restored_up_to``: this database was restored from a backup whose manifest recorded that
    chain head. The chain must reach it; anchors beyond the restored head are then expected (they
    were written after the backup) and are listed instead of being called a truncation.
    """
    started = time.monotonic()
    report = Report()
    anchors = read_anchors()
    report.anchors = anchors
    anchor_seqs = frozenset(anchor.seq for anchor in anchors)
    seen_at_anchor: dict[int, str] = {}

    # The chain of blocks first (a few small fields per block), then the blocks' contents.
    linked: list[tuple] = []
    linkage_problem = None
    expected_number, expected_seq, expected_prev = 1, 1, GENESIS_DIGEST.hex()
    for block in _block_links(chunk):
        linkage_problem = _linkage_problem(block, expected_number, expected_seq, expected_prev)
        if linkage_problem:
            break
        linked.append(block)
        expected_number, expected_seq, expected_prev = block[0] + 1, block[1] + block[2], block[4]

    pool = None
    # Other processes cannot see this transaction's rows (nor may its connection be closed).
    if workers > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        import multiprocessing

        from django.db import connections

        connections.close_all()  # nothing open to be copied into the children
        pool = multiprocessing.get_context("fork").Pool(
            workers, initializer=_worker_start, initargs=(dict(connection.settings_dict),)
        )
    jobs = [(block[0], anchor_seqs) for block in linked]
    try:
        results = (
            pool.imap(_verify_block_in_worker, jobs) if pool else map(_verify_block_in_worker, jobs)
        )
        for block, result in zip(linked, results, strict=False):
            report.checked += result.checked
            seen_at_anchor.update(result.at_anchor)
            if result.problem:
                report.problem = result.problem
                break
            report.head_seq, report.head_hash = block[1] + block[2] - 1, block[4]
            if progress is not None:
                progress(report.checked)
        else:
            report.problem = linkage_problem
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    if report.problem is None and restored_up_to is not None:
        if report.head_seq < restored_up_to:
            report.problem = Problem(
                "truncated",
                f"the backup recorded the chain up to sequence {restored_up_to}, but the restored "
                f"chain ends at {report.head_seq}: events were removed from the archive",
                seq=report.head_seq + 1,
            )
        report.anchors_after_backup = [a for a in anchors if a.seq > report.head_seq]
        anchors = [a for a in anchors if a.seq <= report.head_seq]
    if report.problem is None:
        report.problem = _check_anchors(anchors, seen_at_anchor, report.head_seq)
        report.anchors_checked = len(anchors)
    report.unsealed, report.seconds_since_last_seal = unsealed_backlog()
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
