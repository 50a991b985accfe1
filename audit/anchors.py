"""Anchors: the chain head copied outside the database (file or object storage, and the log),
so that a truncated or re-hashed log no longer matches what was written down earlier.

Since issue 17 §9 every anchor is numbered, linked to the one before (``prev``: the SHA-256 of
its signed part) and signed with the Ed25519 anchor key (audit/signing.py), which the database
host does not hold. Anchors are written every few minutes (beat ``audit-anchor``), so the
unanchored tail a database owner could cut unnoticed is that short. Verification fails on a bad
signature, a gap in the numbers, a broken link, an anchor store holding fewer anchors than the
database last wrote, a chain older than the anchoring interval with no anchor at all, and a
chain head behind the newest anchor (audit/verification.py). Anchors written before signing
(format 1) are still compared by hash.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction

from audit import signing
from audit.chain import chain_head, seal_pending
from core.canonical import canonical_json

log = logging.getLogger("baomi.audit")

ANCHOR_DIR = "audit-anchors"
FIRST_PREV = "0" * 64


@dataclass
class Anchor:
    seq: int
    hash: str
    at: int  # epoch microseconds
    name: str = ""
    # Signed anchors (format 2); None for an anchor written before anchors were signed.
    number: int | None = None
    prev: str = ""
    key: str = ""
    signature: str = ""

    def signed_part(self) -> dict[str, Any]:
        return {
            "format": 2,
            "number": self.number,
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at,
            "prev": self.prev,
            "key": self.key,
        }

    def signed_bytes(self) -> bytes:
        return canonical_json(self.signed_part())

    def digest(self) -> str:
        """What the next anchor's ``prev`` must be."""
        return hashlib.sha256(self.signed_bytes()).hexdigest()

    def to_json(self) -> bytes:
        document = {**self.signed_part(), "signature": self.signature}
        return json.dumps(document, sort_keys=True).encode("ascii")


def _anchor_storage():
    return storages["anchors"]


def write_anchor() -> Anchor | None:
    """Sign the chain head (number, seq, hash, time, link to the previous anchor) and copy it
    outside the database; the database keeps only the newest number, to notice a store that
    lost anchors."""
    from audit.models import ChainState

    seal_pending()
    seq, digest = chain_head()
    if seq == 0:
        return None
    signed = [a for a in read_anchors() if a.number is not None]
    latest = signed[-1] if signed else None
    if latest and (latest.seq, latest.hash) == (seq, digest):
        return latest  # nothing new since the last anchor
    now = datetime.now(tz=UTC)
    anchor = Anchor(
        seq=seq,
        hash=digest,
        at=int(now.timestamp() * 1_000_000),
        number=(latest.number or 0) + 1 if latest else 1,
        prev=latest.digest() if latest else FIRST_PREV,
        key=signing.key_id(),
    )
    anchor.signature = signing.sign(anchor.signed_bytes())
    name = f"{ANCHOR_DIR}/{anchor.number:010d}-{seq}.json"
    saved = _anchor_storage().save(name, ContentFile(anchor.to_json()))
    anchor.name = saved.rsplit("/", 1)[-1]
    with transaction.atomic():
        state, _ = ChainState.objects.select_for_update().get_or_create(pk=1)
        if (state.anchor_number or 0) < (anchor.number or 0):
            state.anchor_number, state.anchor_seq = anchor.number, seq
            state.save(update_fields=["anchor_number", "anchor_seq"])
    log.warning(
        "AUDIT ANCHOR number=%s seq=%s hash=%s at=%s", anchor.number, seq, digest, now.isoformat()
    )
    return anchor


def parse(data: dict[str, Any], name: str = "") -> Anchor:
    if data.get("format") == 2:
        return Anchor(
            seq=int(data["seq"]),
            hash=str(data["hash"]),
            at=int(data["at"]),
            name=name,
            number=int(data["number"]),
            prev=str(data["prev"]),
            key=str(data["key"]),
            signature=str(data["signature"]),
        )
    return Anchor(seq=int(data["seq"]), hash=data["hash"], at=int(data["at"]), name=name)


def read_anchors() -> list[Anchor]:
    """Every anchor in the store: signed ones in number order after the older unsigned ones."""
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
            anchors.append(parse(json.loads(handle.read().decode("ascii")), filename))
    return sorted(anchors, key=lambda a: (a.number is not None, a.number or 0, a.seq))
