"""Checks on the anchors as a series (issue 17 §9): each signed by the anchor key, numbered
without a gap, each linked to the one before, none missing from the store compared with what
the database last wrote, and at least one once the chain is older than the anchoring interval.
Each check answers (kind, message) or None; audit/verification.py reports it."""

from __future__ import annotations

from datetime import datetime, timedelta

from audit import signing
from audit.anchors import FIRST_PREV, Anchor


def series_problem(
    anchors: list[Anchor],
    *,
    recorded_number: int | None,
    first_sealed_at: datetime | None,
    now: datetime,
    interval: timedelta,
    public_key: bytes | None = None,
) -> tuple[str, str] | None:
    signed = [a for a in anchors if a.number is not None]
    previous = None
    for anchor in signed:
        label = anchor.name or f"number {anchor.number}"
        if not signing.verify(anchor.signed_bytes(), anchor.signature, public_key):
            return (
                "anchor_signature",
                f"anchor {label} does not carry a valid signature of the anchor key: it was "
                "written or altered by someone without that key",
            )
        expected = (previous.number or 0) + 1 if previous else 1
        if anchor.number != expected:
            return (
                "anchor_missing",
                f"anchor number {expected} is missing from the anchor store (the next one found "
                f"is {anchor.number}): anchors were deleted",
            )
        if anchor.prev != (previous.digest() if previous else FIRST_PREV):
            return (
                "anchor_chain",
                f"anchor {label} does not follow the anchor before it: the series was rewritten",
            )
        previous = anchor
    newest = previous.number if previous else 0
    if recorded_number and (newest or 0) < recorded_number:
        return (
            "anchors_lost",
            f"the database last wrote anchor number {recorded_number}, but the anchor store "
            f"holds {newest or 'none'}: anchors were removed from the store",
        )
    if not signed and first_sealed_at is not None and first_sealed_at < now - 2 * interval:
        return (
            "no_anchors",
            "the chain is older than the anchoring interval but the anchor store holds no signed "
            "anchor: the store was emptied, or anchoring is not running",
        )
    return None
