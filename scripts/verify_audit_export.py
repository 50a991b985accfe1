#!/usr/bin/env python3
"""Verify a Baomi audit export offline, without Baomi (issue 17 §9).

    python3 verify_audit_export.py EXPORT.zip [--public-key BASE64]

Needs Python 3.9+ and the ``cryptography`` package, nothing else. Checks that:
- every event line hashes, in sequence order with no gap, into the chain the seal blocks record;
- every signed anchor carries a valid Ed25519 signature (pass the public key you were given with
  --public-key; without it the key inside the export is used, and this is said);
- the anchors are numbered without a gap and each links to the one before;
- each anchor's hash is the chain's hash at its sequence, and no anchor lies beyond the end of
  the chain (a cut tail).
Exit code 0: intact. 1: a problem, named on the last line. 2: the file cannot be read.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import zipfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

GENESIS = bytes(32)


class Broken(Exception):
    """The export does not verify; the message says where and how."""


def canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_of(lines, wanted: set[int]) -> tuple[int, dict[int, bytes]]:
    """Hash the event lines in order; keep only the hashes at the sequences in ``wanted``
    (block ends and starts, anchored sequences), so memory stays flat at any size. Returns the
    last sequence and the kept hashes (sequence 0 is the genesis value)."""
    kept = {0: GENESIS}
    digest, number = GENESIS, 0
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip(b"\n")
        try:
            seq = json.loads(line)["seq"]
        except (ValueError, KeyError, TypeError):
            raise Broken(
                f"event line {number} is not an event (damaged or edited by hand)"
            ) from None
        if seq != number:
            raise Broken(
                f"sequence {number} is missing: the next event line carries {seq} (deleted or "
                "re-ordered events)"
            )
        digest = hashlib.sha256(digest + line).digest()
        if number in wanted:
            kept[number] = digest
    kept[number] = digest
    return number, kept


def read_blocks(blocks: bytes) -> list[dict]:
    return [json.loads(line) for line in blocks.splitlines() if line.strip()]


def read_anchors(archive: zipfile.ZipFile) -> list[tuple[str, dict]]:
    names = sorted(
        n for n in archive.namelist() if n.startswith("anchors/") and n.endswith(".json")
    )
    return [(name, json.loads(archive.read(name))) for name in names]


def check_blocks(blocks: list[dict], head: int, hashes: dict[int, bytes]) -> None:
    expected_number, expected_seq = 1, 1
    for block in blocks:
        if block["number"] != expected_number or block["first_seq"] != expected_seq:
            raise Broken(f"seal block {expected_number} is missing or out of order")
        last = block["first_seq"] + block["count"] - 1
        if last > head:
            raise Broken(
                f"seal block {block['number']} ends at sequence {last}, but the events end at "
                f"{head}: events were removed"
            )
        if hashes[block["first_seq"] - 1].hex() != block["prev_hash"]:
            raise Broken(f"seal block {block['number']} does not start where the chain is")
        if hashes[last].hex() != block["head_hash"]:
            raise Broken(
                f"the events of seal block {block['number']} (sequences {block['first_seq']}-"
                f"{last}) do not hash to its head: an event was changed"
            )
        expected_number, expected_seq = expected_number + 1, last + 1
    if expected_seq != head + 1:
        raise Broken(f"events after sequence {expected_seq - 1} belong to no seal block")


def check_anchors(
    anchors: list[tuple[str, dict]], head: int, hashes: dict[int, bytes], key: Ed25519PublicKey
) -> None:
    for name, anchor in anchors:
        check_hash(name, anchor, head, hashes)
    signed = sorted(
        ((name, a) for name, a in anchors if a.get("format") == 2), key=lambda i: i[1]["number"]
    )
    prev = "0" * 64
    for expected, (name, anchor) in enumerate(signed, start=1):
        part = {k: anchor[k] for k in ("format", "number", "seq", "hash", "at", "prev", "key")}
        message = canonical(part)
        try:
            key.verify(base64.b64decode(anchor["signature"]), message)
        except (InvalidSignature, ValueError):
            raise Broken(f"anchor {name} is not signed by the anchor key") from None
        if anchor["number"] != expected:
            raise Broken(f"anchor number {expected} is missing (found {anchor['number']} next)")
        if anchor["prev"] != prev:
            raise Broken(f"anchor {name} does not follow the anchor before it")
        prev = hashlib.sha256(message).hexdigest()


def check_hash(name: str, anchor: dict, head: int, hashes: dict[int, bytes]) -> None:
    seq = anchor["seq"]
    if seq > head:
        raise Broken(
            f"anchor {name} records sequence {seq}, but the chain ends at {head}: "
            "events at the end of the log were removed"
        )
    if hashes[seq].hex() != anchor["hash"]:
        raise Broken(f"the chain's hash at sequence {seq} is not the one anchor {name} recorded")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("export")
    parser.add_argument("--public-key", help="base64 of the raw Ed25519 public key you were given")
    args = parser.parse_args(argv)
    try:
        archive = zipfile.ZipFile(args.export)
        blocks = read_blocks(archive.read("blocks.jsonl"))
        anchors = read_anchors(archive)
        shipped = archive.read("public_key.txt").decode().strip()
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        print(f"cannot read the export: {error}")
        return 2
    if args.public_key is None:
        print("note: using the public key inside the export; pin the one you were given")
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(args.public_key or shipped))
    wanted = {a["seq"] for _name, a in anchors}
    for block in blocks:
        wanted |= {block["first_seq"] - 1, block["first_seq"] + block["count"] - 1}
    try:
        with archive.open("events.jsonl") as lines:
            head, hashes = chain_of(lines, wanted)
        check_blocks(blocks, head, hashes)
        check_anchors(anchors, head, hashes, key)
    except Broken as problem:
        print(f"BROKEN: {problem}")
        return 1
    print(f"intact: {head} events, chain head {hashes[head].hex()}, {len(anchors)} anchors checked")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
