"""Key rotation (R30): re-wrap data keys under the newest key-encryption key, chunk by chunk.

Only the wrapped keys change, never content. Each chunk is its own transaction and picks rows
still under an older version, so an interrupted rotation continues where it stopped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q, QuerySet

import audit
from records import crypto
from records.crypto import sealed
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


@dataclass
class SealedPass:
    """What re-wrapping the sealed values did: how many, and the key versions they now use
    (an older one where a value did not open: it keeps that KEK needed, and says so)."""

    rewrapped: int = 0
    failed: int = 0
    versions: set[int] = field(default_factory=set)


def rewrap_sealed(chunk: int = 200) -> SealedPass:
    """Re-wrap every value sealed outside the files (records/crypto/sealed.py) under the newest
    KEK, ``chunk`` rows per transaction. Each row is read again under its lock, so a value that
    changed meanwhile (mail sent, a secret replaced) is re-wrapped as it now is."""
    done = SealedPass()
    newest = crypto.current_kek_version()
    for column in sealed.COLUMNS:
        empty = Q(**{f"{column.field}__isnull": True}) | Q(**{column.field: b""})
        keys = list(column.model.objects.exclude(empty).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(keys), chunk):
            with transaction.atomic():
                rows = column.model.objects.select_for_update().filter(
                    pk__in=keys[start : start + chunk]
                )
                changed = []
                for row in rows.only("pk", column.field, *column.reads):
                    value = getattr(row, column.field)
                    if not value:
                        continue
                    if crypto.blob_version(value) != newest:
                        try:
                            again = crypto.rewrap_blob(column.context(row), value)
                        except crypto.DecryptionFailed:
                            done.failed += 1
                            done.versions.add(crypto.blob_version(value))
                            continue
                        setattr(row, column.field, again)
                        changed.append(row)
                    done.versions.add(newest)
                column.model.objects.bulk_update(changed, [column.field])
                done.rewrapped += len(changed)
    for stored in sealed.FILES:
        for row in stored.model.objects.filter(**{stored.flag: True}).exclude(**{stored.field: ""}):
            _rewrap_file(stored, row, newest, done)
    return done


def _rewrap_file(stored: sealed.SealedFile, row: Any, newest: int, done: SealedPass) -> None:
    """A sealed file is written again under a new random name (stored files are never changed
    in place); the old one is deleted once the row names the new one."""
    store = storages["default"]
    old_name = str(getattr(row, stored.field).name)
    with store.open(old_name, "rb") as handle:
        value = handle.read()
    if crypto.blob_version(value) == newest:
        done.versions.add(newest)
        return
    try:
        again = crypto.rewrap_blob(stored.context(row), value)
    except crypto.DecryptionFailed:
        done.failed += 1
        done.versions.add(crypto.blob_version(value))
        return
    done.versions.add(newest)
    folder = old_name.rsplit("/", 1)[0] if "/" in old_name else ""
    new_name = store.save(f"{folder}/{uuid.uuid4().hex}.bin".lstrip("/"), ContentFile(again))
    with transaction.atomic():
        stored.model.objects.filter(pk=row.pk).update(**{stored.field: new_name})
        transaction.on_commit(lambda: store.delete(old_name))
    done.rewrapped += 1


def finished(rewrapped: int, sealed_pass: SealedPass | None = None) -> list[int]:
    """Record the rotation in the audit log; the key versions still in use (old KEKs can go):
    the files' data keys and every sealed value that could not be re-wrapped."""
    extra = sealed_pass or SealedPass()
    audit.record(
        None,
        "record.keys_rotated",
        key_version=crypto.current_kek_version(),
        rewrapped=rewrapped,
        sealed_rewrapped=extra.rewrapped,
        sealed_failed=extra.failed,
    )
    used = CustomerRecord.objects.exclude(wrapped_key=b"").values_list("key_version", flat=True)
    return sorted(set(used) | extra.versions)
