"""manage.py restore (ARCHIVE | --stored NAME | --stored latest) --to DATABASE_URL --files FOLDER:
restore a backup into an empty database (destructions made after the backup are applied again,
then the audit chain is verified). ``--list`` shows what the backups storage holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.refusals import Refused
from records.ops import backups
from records.ops.restore import restore


class Command(BaseCommand):
    help = "Restore an encrypted backup into an empty database and a files folder (R31)."

    def add_arguments(self, parser: Any) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("archive", type=Path, nargs="?", help="a local archive file")
        source.add_argument(
            "--stored",
            metavar="NAME",
            help="an archive in the configured backups storage (folder or bucket), or 'latest'",
        )
        source.add_argument(
            "--list", action="store_true", help="list the archives in the backups storage"
        )
        parser.add_argument("--to", help="database URL of an empty database")
        parser.add_argument("--files", type=Path, help="folder for stored files")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for name in backups.stored_archives():
                self.stdout.write(name)
            return
        if not options["to"] or not options["files"]:
            raise CommandError("Say where to restore: --to DATABASE_URL --files FOLDER.")
        try:
            if options["archive"]:
                done = self._restore(options["archive"], options)
            else:
                stored = backups.stored_archives()
                name = stored[-1] if options["stored"] == "latest" and stored else options["stored"]
                if name not in stored:
                    raise CommandError(
                        f"No archive {options['stored']!r} in the backups storage "
                        f"({len(stored)} there; --list shows them)."
                    )
                self.stdout.write(f"Fetching {name} from the backups storage…")
                with backups.local_copy(name) as archive:
                    done = self._restore(archive, options)
        except Refused as refused:
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

    def _restore(self, archive: Path, options: dict[str, Any]) -> dict[str, Any]:
        self.stdout.write("Checking the archive (decrypting it in full)…")
        return restore(archive, options["to"], options["files"])
