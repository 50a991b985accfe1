"""Run periodic jobs once, now, in this process: the demo's first backup and restore drill, or
every job on an install without a worker."""

from __future__ import annotations

from typing import Any

from celery import current_app as app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the Celery beat jobs once, in this process (embedded mode has no beat)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", help="beat entries to run (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        app.loader.import_default_modules()
        schedule = settings.CELERY_BEAT_SCHEDULE
        for name in options["names"] or list(schedule):
            entry = schedule[name]
            result = app.tasks[entry["task"]].apply(
                args=entry.get("args", ()), kwargs=entry.get("kwargs", {})
            )
            result.get(propagate=True)
            self.stdout.write(f"{name}: {result.result}")
