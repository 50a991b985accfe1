"""Key rotation (R30): re-wrap data keys under the newest key-encryption key, chunk by chunk.

Only the wrapped keys change, never content. Each chunk is its own transaction and picks rows
still under an older version, so an interrupted rotation continues where it stopped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Substr

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
    """What re-wrapping the sealed values did: how many, how many did not open (they keep
    their KEK needed, and ``finished`` says so), and stored files that were not there."""

    rewrapped: int = 0
    failed: int = 0
    missing: int = 0


def rewrap_sealed() -> SealedPass:
    """Re-wrap every value sealed outside the files (records/crypto/sealed.py) under the newest
    KEK, a few rows per transaction (scans and uploads one at a time). Each row is read again
    under its lock, so a value changed meanwhile (mail sent, a secret replaced, a second
    rotation) is taken as it now is; only the wrapped data key changes, never the body."""
    done = SealedPass()
    newest = crypto.current_kek_version()
    for column in sealed.COLUMNS:
        keys = list(
            column.model.objects.exclude(_empty(column.field))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(keys), column.chunk):
            with transaction.atomic():
                rows = column.model.objects.select_for_update().filter(
                    pk__in=keys[start : start + column.chunk]
                )
                changed = []
                for row in rows.only("pk", column.field, *column.reads):
                    value = getattr(row, column.field)
                    if not value or _version(value) == newest:
                        continue
                    try:
                        setattr(row, column.field, crypto.rewrap_blob(column.context(row), value))
                    except crypto.DecryptionFailed:
                        done.failed += 1
                        continue
                    changed.append(row)
                column.model.objects.bulk_update(changed, [column.field])
                done.rewrapped += len(changed)
    for stored in sealed.FILES:
        sealed_rows = stored.model.objects.filter(**{stored.flag: True}).exclude(
            **{stored.field: ""}
        )
        for pk in list(sealed_rows.values_list("pk", flat=True)):
            _rewrap_file(stored, pk, newest, done)
    return done


def _empty(field_name: str) -> Q:
    return Q(**{f"{field_name}__isnull": True}) | Q(**{field_name: b""})


def _version(value: bytes | memoryview) -> int | None:
    try:
        return crypto.blob_version(value)
    except crypto.DecryptionFailed:  # too short to be sealed
        return None


def _rewrap_file(stored: sealed.SealedFile, pk: Any, newest: int, done: SealedPass) -> None:
    """A sealed file is written again under a new random name (stored files are never changed
    in place), with the row locked: an upload or an edit of the row waits, and then sees the
    new name. The old file goes after the commit; the new one at once if anything fails."""
    store = storages["default"]
    new_name = ""
    try:
        with transaction.atomic():
            row = stored.model.objects.select_for_update().filter(pk=pk, **{stored.flag: True})
            found = row.first()
            old_name = str(getattr(found, stored.field).name) if found is not None else ""
            if not old_name:
                return
            try:
                with store.open(old_name, "rb") as handle:
                    value = handle.read()
            except FileNotFoundError:
                done.missing += 1
                return
            if _version(value) == newest:
                return
            try:
                again = crypto.rewrap_blob(stored.context(found), value)
            except crypto.DecryptionFailed:
                done.failed += 1
                return
            folder = old_name.rsplit("/", 1)[0] if "/" in old_name else ""
            new_name = store.save(
                f"{folder}/{uuid.uuid4().hex}.bin".lstrip("/"), ContentFile(again)
            )
            row.update(**{stored.field: new_name})
            transaction.on_commit(lambda: store.delete(old_name))
    except BaseException:
        if new_name:
            store.delete(new_name)  # no sealed copy left behind that nothing names
        raise
    done.rewrapped += 1


def sealed_versions() -> set[int]:
    """The key versions sealed values use now, read from their first bytes (the column's
    start only, never whole scans): what ``finished`` reports as still in use."""
    found: set[int] = set()
    for column in sealed.COLUMNS:
        heads = (
            column.model.objects.exclude(_empty(column.field))
            .annotate(head=Substr(column.field, 1, 4))
            .values_list("head", flat=True)
        )
        found |= {v for v in (_version(bytes(h)) for h in heads.iterator()) if v is not None}
    store = storages["default"]
    for stored in sealed.FILES:
        names = stored.model.objects.filter(**{stored.flag: True}).exclude(**{stored.field: ""})
        for name in names.values_list(stored.field, flat=True):
            try:
                with store.open(str(name), "rb") as handle:
                    version = _version(handle.read(4))
            except FileNotFoundError:
                continue
            if version is not None:
                found.add(version)
    return found


def finished(rewrapped: int, sealed_pass: SealedPass | None = None) -> list[int]:
    """Record the rotation in the audit log; the key versions still in use, read afresh from
    the files' data keys and every sealed value (an old KEK can go only when it is not listed;
    a value sealed since the pass by a process still on the old keys shows up here)."""
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
    return sorted(set(used) | sealed_versions())
