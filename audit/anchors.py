"""Anchors: the chain head copied outside the database (file or object storage, and the log), so
that a truncated or re-hashed log no longer matches what was written down earlier."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from audit.chain import chain_head, seal_pending

log = logging.getLogger("baomi.audit")


@dataclass
class Anchor:
    seq: int
    hash: str
    at: int  # epoch microseconds
    name: str = ""


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
