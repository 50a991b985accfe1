"""Write the audit chain head (sequence, hash, time) to the anchor storage and the log."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from audit.tasks import anchor


class Command(BaseCommand):
    help = "Anchor the audit chain head outside the database (normally a daily beat task)."

    def handle(self, *args: object, **options: object) -> None:
        seq = anchor()
        self.stdout.write(f"anchored at sequence {seq}" if seq else "nothing to anchor yet")
