"""Verifying the hash chain: recompute every event's hash, follow the seal blocks, and compare the
head with the anchors kept outside the database (docs/AUDIT.md)."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from audit.anchor_series import series_problem
from audit.anchors import Anchor, read_anchors
from audit.canonical import GENESIS, chain_digest, first_broken
from audit.chain import (
    GENESIS_DIGEST,
    VERIFY_BLOCKS,
    event_rows,
    unpack_hashes,
    unpack_ids,
    unsealed_backlog,
)
from audit.models import SealBlock

log = logging.getLogger("baomi.audit")


@dataclass
class Problem:
    kind: str  # changed | missing | reordered | truncated | anchor_mismatch | block
    message: str
    seq: int | None = None
    event_id: int | None = None


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
    block_prev = bytes.fromhex(prev_hex)
    # The block's events in chain order, up to the first one that is gone.
    present: list[tuple] = []
    for event_id in ids:
        row = rows.get(event_id)
        if row is None:
            break
        present.append(row)
    broken, prev, seen = first_broken(block_prev, present, first_seq, hashes, anchor_seqs)
    at_anchor = {seq: digest.hex() for seq, digest in seen.items()}
    if broken is not None:
        seq, row = first_seq + broken, present[broken]
        event_id = row[0]
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
        return BlockResult(number, broken, problem, at_anchor)
    if len(present) < len(ids):
        seq, event_id = first_seq + len(present), ids[len(present)]
        return BlockResult(
            number,
            len(present),
            Problem(
                "missing",
                f"sequence {seq} is missing: event #{event_id} was deleted",
                seq=seq,
                event_id=event_id,
            ),
            at_anchor,
        )
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

    # A private attribute of ConnectionHandler, absent from django-stubs.
    connections._connections = Local(connections.thread_critical)  # type: ignore[attr-defined]
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


def _in_order(pool: Any, jobs: list[tuple], window: int) -> Iterator[Any]:
    """The workers' results in job order, with at most ``window`` jobs handed out ahead of the
    one being read: when a problem stops the loop, little work is left in flight."""
    pending: deque[Any] = deque()
    queued = iter(jobs)
    for job in queued:
        pending.append(pool.apply_async(_verify_block_in_worker, (job,)))
        if len(pending) >= window:
            break
    while pending:
        result = pending.popleft().get()
        following = next(queued, None)
        if following is not None:
            pending.append(pool.apply_async(_verify_block_in_worker, (following,)))
        yield result


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
            _in_order(pool, jobs, window=workers * 4)
            if pool
            else map(_verify_block_in_worker, jobs)
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
            # close + join, never terminate: terminate can kill a worker that holds the task
            # queue's lock and then wait for it forever. Only the few jobs in flight finish.
            pool.close()
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
        report.problem = _series(report.anchors)
    if report.problem is None:
        report.problem = _check_anchors(anchors, seen_at_anchor, report.head_seq)
        report.anchors_checked = len(anchors)
    report.unsealed, report.seconds_since_last_seal = unsealed_backlog()
    report.seconds = time.monotonic() - started
    return report


def _series(anchors: list[Anchor]) -> Problem | None:
    """The anchors as a series: signed, numbered, linked, none lost (audit/anchor_series.py)."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from audit.models import ChainState

    state = ChainState.objects.filter(pk=1).values_list("anchor_number", flat=True).first()
    first = SealBlock.objects.order_by("number").values_list("sealed_at", flat=True).first()
    found = series_problem(
        anchors,
        recorded_number=state,
        first_sealed_at=first,
        now=timezone.now(),
        interval=timedelta(minutes=settings.BAOMI_ANCHOR_MINUTES),
    )
    return Problem(*found) if found else None


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
