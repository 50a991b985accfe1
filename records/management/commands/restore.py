"""manage.py restore ARCHIVE --to DATABASE_URL --files FOLDER: restore a backup into an empty
database (destructions made after the backup are applied again)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from records.restore import RestoreRefused, restore


class Command(BaseCommand):
    help = "Restore an encrypted backup into an empty database and a files folder (R31)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--to", required=True, help="database URL of an empty database")
        parser.add_argument("--files", required=True, type=Path, help="folder for stored files")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Checking the archive (decrypting it in full)…")
        try:
            done = restore(options["archive"], options["to"], options["files"])
        except RestoreRefused as refused:
            raise CommandError(str(refused)) from None
        counts = done["manifest"]["counts"]
        self.stdout.write(
            f"Restored {sum(counts.values()):,} rows and "
            f"{len(done['manifest']['members']) - 1} files; "
            f"{done['reapplied']} destruction(s) made after the backup applied again."
        )
        for line in done["audit"]["report"]:
            self.stdout.write(f"  audit chain: {line}")
        if not done["audit"]["ok"]:
            raise CommandError(
                "The data is restored, but its audit chain does not verify (see above). Do not "
                "put this database into service before the security officer has looked at it."
            )
        self.stdout.write(self.style.SUCCESS("Audit chain verified up to the backup."))
