"""Create demo data for a newcomer: departments, one person per role, and what later apps add."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from access import demo


class Command(BaseCommand):
    help = "Create (or refresh) the demo data. Safe to run again. Refuses in production mode."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", default=demo.DEMO_PASSWORD, help="password of new demo accounts"
        )

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo creates accounts with known passwords; it never runs in production."
            )
        ctx = demo.DemoContext(password=str(options["password"]), out=self.stdout)
        for name, step in demo.steps():
            with transaction.atomic():
                step(ctx)
            self.stdout.write(self.style.SUCCESS(f"demo step done: {name}"))
