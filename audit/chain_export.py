"""The audit log for an outside auditor (issue 17 §9): everything needed to verify it without
Baomi, in one zip, checked by ``scripts/verify_audit_export.py`` (standard library plus
``cryptography``, no Django).

- ``events.jsonl``: one sealed event per line, each line exactly the canonical JSON its hash was
  computed from (docs/AUDIT.md, "The canonical document"): the auditor hashes the line's bytes.
- ``blocks.jsonl``: the seal blocks (number, first_seq, count, prev_hash, head_hash).
- ``anchors/*.json``: every anchor in the store, signed ones with their signature.
- ``public_key.txt``: the anchor key's public half (base64, raw Ed25519). An auditor should
  compare it with the one they were given separately and pass that one to the verifier.
- ``FORMAT.txt``: the hash rule in one paragraph.
"""

from __future__ import annotations

import json
import zipfile
from typing import BinaryIO

from audit import signing
from audit.anchors import read_anchors
from audit.canonical import canonical_bytes
from audit.chain import event_rows, unpack_ids
from audit.models import SealBlock

FORMAT = """Baomi audit export, format 1.
hash(event) = SHA-256(hash of the previous event || bytes of its line in events.jsonl), the
first event chaining to 32 zero bytes; the line is the canonical JSON of the event (sorted keys,
no whitespace, UTF-8, time as integer microseconds since the Unix epoch, UTC) and names its
sequence number "seq". A seal block's head_hash is the hash of its last event. A signed anchor
is an Ed25519 signature, by the key in public_key.txt, of the canonical JSON of
{format, number, seq, hash, at, prev, key}; prev is the SHA-256 (hex) of the previous anchor's
signed bytes, 64 zeros for the first.
"""


def write_export(out: BinaryIO) -> dict[str, int]:
    """Write the zip to ``out`` (a file opened for writing); returns what it holds."""
    counts = {"events": 0, "blocks": 0, "anchors": 0}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _events(archive, counts)
        _blocks(archive, counts)
        for anchor in read_anchors():
            archive.writestr(f"anchors/{anchor.name}", anchor_json(anchor))
            counts["anchors"] += 1
        archive.writestr("public_key.txt", signing.public_key_text() + "\n")
        archive.writestr("FORMAT.txt", FORMAT)
    return counts


def anchor_json(anchor) -> bytes:
    if anchor.number is None:
        return json.dumps({"seq": anchor.seq, "hash": anchor.hash, "at": anchor.at}).encode()
    return anchor.to_json()


def _events(archive: zipfile.ZipFile, counts: dict[str, int]) -> None:
    with archive.open("events.jsonl", "w", force_zip64=True) as handle:
        for first_seq, id_blob in (
            SealBlock.objects.order_by("number").values_list("first_seq", "event_ids").iterator()
        ):
            ids = unpack_ids(id_blob)
            rows = {row[0]: row for row in event_rows(ids=ids)}
            for offset, event_id in enumerate(ids):
                row = rows.get(event_id)
                if row is None:
                    continue  # deleted: the auditor's verifier finds the gap in "seq"
                handle.write(canonical_bytes(row, first_seq + offset) + b"\n")
                counts["events"] += 1


def _blocks(archive: zipfile.ZipFile, counts: dict[str, int]) -> None:
    with archive.open("blocks.jsonl", "w") as handle:
        fields = ("number", "first_seq", "count", "prev_hash", "head_hash")
        for values in SealBlock.objects.order_by("number").values_list(*fields).iterator():
            handle.write(json.dumps(dict(zip(fields, values, strict=True))).encode() + b"\n")
            counts["blocks"] += 1
