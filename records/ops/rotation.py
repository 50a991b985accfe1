"""Key rotation (R30): re-wrap data keys under the newest key-encryption key, chunk by chunk.

Only the wrapped keys change, never content. Each chunk is its own transaction and picks rows
still under an older version, so an interrupted rotation continues where it stopped.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

import audit
from records import crypto
from records.models import CustomerRecord


def pending() -> QuerySet[CustomerRecord]:
    """Files whose data key is wrapped under an older version (shredded keys are skipped)."""
    newest = crypto.current_kek_version()
    return CustomerRecord.objects.exclude(key_version=newest).exclude(wrapped_key=b"")


def rewrap_chunk(size: int) -> int:
    """Re-wrap up to ``size`` pending data keys; returns how many (0 when done)."""
    with transaction.atomic():
        rows = list(
            pending()
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .only("id", "key_version", "wrapped_key")[:size]
        )
        for record in rows:
            wrapped = crypto.rewrap(record.id, record.key_version, record.wrapped_key)
            record.key_version, record.wrapped_key = wrapped.version, wrapped.blob
        CustomerRecord.objects.bulk_update(rows, ["key_version", "wrapped_key"])
    return len(rows)


def finished(rewrapped: int) -> list[int]:
    """Record the rotation in the audit log; the key versions still in use (old KEKs can go)."""
    audit.record(
        None, "record.keys_rotated", key_version=crypto.current_kek_version(), rewrapped=rewrapped
    )
    used = CustomerRecord.objects.exclude(wrapped_key=b"").values_list("key_version", flat=True)
    return sorted(set(used))
