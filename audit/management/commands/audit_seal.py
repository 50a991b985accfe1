"""Chain every audit event not yet chained (normally a beat task every few seconds)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from audit.chain import seal_pending


class Command(BaseCommand):
    help = "Seal pending audit events into the hash chain."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"sealed {seal_pending()} events")
