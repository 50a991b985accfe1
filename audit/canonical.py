"""Canonical form and hash of an audit event.

``hash(event) = SHA-256(hash of the previous event || canonical JSON of the event)``, the first
event chaining to 64 zeros. The canonical JSON has sorted keys, no whitespace, UTF-8 (not
ASCII-escaped), and the time as integer microseconds since the Unix epoch (UTC), never a locale-
or timezone-dependent string. It includes the event's sequence number, so moving an event to
another place in the chain changes its hash. It is always computed from the values as stored
in the database, by this one function, for sealing and for verification alike.

The bytes are ``core.canonical.canonical_json`` of the document below.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import orjson

from core.canonical import canonical_json

GENESIS = "0" * 64

# Column order of the event rows the sealer and the verifier read (see audit/chain.py).
COLUMNS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_name",
    "actor_number",
    "actor_department",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "ip_address",
    "user_agent",
    "request_id",
    "details",
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def canonical_bytes(row: tuple, seq: int) -> bytes:
    """The canonical JSON of one event row (a tuple in ``COLUMNS`` order) at position ``seq``.

    ``occurred_at`` may already be integer epoch microseconds (as PostgreSQL computes it).
    """
    (
        event_id,
        occurred_at,
        actor_id,
        actor_name,
        actor_number,
        actor_department,
        action,
        target_type,
        target_id,
        target_label,
        ip_address,
        user_agent,
        request_id,
        details,
    ) = row
    if isinstance(details, str):  # PostgreSQL hands jsonb back as text
        details = orjson.loads(details)
    document = {
        "action": action,
        "actor": actor_id,
        "actor_department": actor_department,
        "actor_name": actor_name,
        "actor_number": actor_number,
        "at": occurred_at if isinstance(occurred_at, int) else epoch_micros(occurred_at),
        "details": details,
        "id": event_id,
        "ip": None if ip_address is None else str(ip_address),
        "request": request_id,
        "seq": seq,
        "target": [target_type, target_id, target_label],
        "ua": user_agent,
    }
    return canonical_json(document)


def chain_digest(prev: bytes, row: tuple, seq: int) -> bytes:
    """The 32-byte hash of an event, given the 32-byte hash of the event before it."""
    return hashlib.sha256(prev + canonical_bytes(row, seq)).digest()


def first_broken(
    prev: bytes, rows: list[tuple], first_seq: int, hashes: list[bytes], marks: frozenset[int]
) -> tuple[int | None, bytes, dict[int, bytes]]:
    """Recompute a run of events' hashes from ``prev`` and compare each with ``hashes``: the
    offset of the first that differs (None if none), the hash of the last that matched, and
    the hashes at the sequence numbers in ``marks`` (anchors).

    The verifier's inner loop, kept tight (names bound locally, one call per event): at a
    million events every call and attribute lookup per event is a second of CPU.
    """
    sha256, canonical = hashlib.sha256, canonical_bytes
    seen: dict[int, bytes] = {}
    seq = first_seq
    for offset, row in enumerate(rows):
        digest = sha256(prev + canonical(row, seq)).digest()
        if digest != hashes[offset]:
            return offset, prev, seen
        if seq in marks:
            seen[seq] = digest
        prev = digest
        seq += 1
    return None, prev, seen
