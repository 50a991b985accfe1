"""Re-wrap every record's data key under the newest key-encryption key (R30).

Work goes in chunks (records/ops/rotation.py), so stopping and starting again continues where it
stopped. Then every value sealed outside the files (records/crypto/sealed.py) is re-wrapped too.
Afterwards the old KEK can be removed from BAOMI_RECORD_KEKS once nothing uses it (the command
says which versions are still in use).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from records import crypto
from records.ops import rotation


class Command(BaseCommand):
    help = "Re-wrap all record data keys under the newest key-encryption key, in chunks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk", type=int, default=1000, help="records per transaction")

    def handle(self, *args: Any, chunk: int, **options: Any) -> None:
        total = rotation.pending().count()
        self.stdout.write(
            f"{total} data keys to re-wrap under key version {crypto.current_kek_version()}"
        )
        done, started = 0, time.monotonic()
        while count := rotation.rewrap_chunk(chunk):
            done += count
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"  {done}/{total} ({100 * done // max(total, 1)}%), {rate:.0f}/s")
        self.stdout.write("Re-wrapping sealed values (secrets, scans, mail, imports)...")
        sealed = rotation.rewrap_sealed()
        self.stdout.write(f"  {sealed.rewrapped} re-wrapped")
        if sealed.failed:
            self.stdout.write(
                self.style.WARNING(
                    f"  {sealed.failed} did not open and keep their key version: keep it"
                )
            )
        if sealed.missing:
            self.stdout.write(self.style.WARNING(f"  {sealed.missing} stored files not found"))
        versions = rotation.finished(done, sealed)
        self.stdout.write(
            self.style.SUCCESS(f"Done: {done} re-wrapped. Key versions in use: {versions or '-'}")
        )
