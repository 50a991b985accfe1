"""manage.py genkeys: fresh values for every key variable, to paste into the environment (or
the secret files) of a new installation. Runs in production without the keys it makes."""

from __future__ import annotations

import base64
import os
import secrets
from typing import Any

from django.core.management.base import BaseCommand


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


class Command(BaseCommand):
    help = "Print new values for DJANGO_SECRET_KEY and every Baomi key variable."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}")
        self.stdout.write(f"BAOMI_RECORD_KEKS=1:{_key()}")
        self.stdout.write(f"BAOMI_INDEX_KEY={_key()}")
        self.stdout.write(f"BAOMI_BACKUP_KEY={_key()}")
        self.stdout.write(f"BAOMI_ANCHOR_SIGNING_KEY={secrets.token_urlsafe(48)}")
        self.stdout.write("# Optional: the token of a Prometheus scraper (/metrics).")
        self.stdout.write(f"# BAOMI_METRICS_TOKEN={secrets.token_urlsafe(32)}")
        self.stdout.write(
            "# Keep BAOMI_BACKUP_KEY and BAOMI_ANCHOR_SIGNING_KEY off the database host, and a "
            "copy of every key off-site: without them nothing can be read back."
        )
