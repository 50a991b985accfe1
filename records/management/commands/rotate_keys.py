"""Re-wrap every record's data key under the newest key-encryption key (R30).

Content is not re-encrypted: only the small wrapped keys change. Work goes in chunks, each its
own transaction, selecting rows still under an older version, so an interrupted run simply
continues where it stopped when started again. Afterwards the old KEK can be removed from
BAOMI_RECORD_KEKS once no record uses it (the command says when).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

import audit
from records import crypto
from records.models import CustomerRecord


class Command(BaseCommand):
    help = "Re-wrap all record data keys under the newest key-encryption key, in chunks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk", type=int, default=1000, help="records per transaction")

    def handle(self, *args: Any, chunk: int, **options: Any) -> None:
        newest = crypto.current_kek_version()
        pending = CustomerRecord.objects.exclude(key_version=newest).exclude(wrapped_key=b"")
        total = pending.count()
        self.stdout.write(f"{total} data keys to re-wrap under key version {newest}")
        done, started = 0, time.monotonic()
        while True:
            with transaction.atomic():
                rows = list(
                    pending.select_for_update(skip_locked=True)
                    .order_by("pk")
                    .only("id", "key_version", "wrapped_key")[:chunk]
                )
                if not rows:
                    break
                for record in rows:
                    wrapped = crypto.rewrap(record.id, record.key_version, record.wrapped_key)
                    record.key_version, record.wrapped_key = wrapped.version, wrapped.blob
                CustomerRecord.objects.bulk_update(rows, ["key_version", "wrapped_key"])
            done += len(rows)
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"  {done}/{total} ({100 * done // max(total, 1)}%), {rate:.0f}/s")
        audit.record(None, "record.keys_rotated", key_version=newest, rewrapped=done)
        versions = sorted(
            set(
                CustomerRecord.objects.exclude(wrapped_key=b"").values_list(
                    "key_version", flat=True
                )
            )
        )
        self.stdout.write(
            self.style.SUCCESS(f"Done: {done} re-wrapped. Key versions in use: {versions or '-'}")
        )
