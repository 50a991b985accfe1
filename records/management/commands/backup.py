"""manage.py backup: make an encrypted backup now (the nightly beat job does the same)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from records.ops import backups


class Command(BaseCommand):
    help = "Make an encrypted, verified backup of the database and stored files (R31)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--prune", action="store_true", help="then delete old generations")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Backing up database and files…")
        made = backups.create()
        self.stdout.write(
            f"{made.name}: {made.size:,} bytes, SHA-256 {made.sha256}, "
            f"{len(made.manifest['members'])} members, verified"
        )
        if options["prune"]:
            self.stdout.write(f"pruned {backups.prune()} old archive(s)")
