"""Exit 0 when the worker's heartbeat is fresh, 1 otherwise: the beat container's healthcheck.

Beat sends the heartbeat task every minute and a worker runs it, so a fresh heartbeat says that
beat schedules and a worker works; a stale one says one of them stopped (the worker's own
healthcheck, ``celery inspect ping``, tells which). Issue 18 §12."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.health import WORKER, worker_silent_after
from core.models import Heartbeat


class Command(BaseCommand):
    help = "Exit 1 unless the worker's heartbeat (sent by beat) is recent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--max-age",
            type=int,
            default=int(worker_silent_after().total_seconds()),
            help="seconds (default: when the KPI page turns it red)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        beat = Heartbeat.objects.filter(name=WORKER).first()
        if beat is None:
            raise CommandError("no heartbeat yet: is beat sending it and a worker running it?")
        age = timezone.now() - beat.last_seen
        if age > timedelta(seconds=options["max_age"]):
            raise CommandError(
                f"last heartbeat {int(age.total_seconds())} s ago (limit {options['max_age']} s)"
            )
        self.stdout.write(f"heartbeat {int(age.total_seconds())} s ago")
