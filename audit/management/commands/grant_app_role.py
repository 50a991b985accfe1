"""Give the application's database role its rights after a migrate (issue 18 §2).

Runs scripts/pg_app_role.sql as the connecting role (the owner, in compose's ``grants`` job):
normal rights on the business tables, only SELECT and INSERT on the audit log. The role is
``--role`` or ``BAOMI_DB_APP`` (``baomi_app`` by default), as deploy/postgres/10-baomi-roles.sh
created it. On SQLite there are no roles: it says so and does nothing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "pg_app_role.sql"
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def grant(role: str) -> None:
    """The script's statements for ``role``, in one transaction."""
    if not ROLE_NAME.fullmatch(role):
        raise CommandError(f"not a plain role name: {role!r} (lower-case letters, digits, _)")
    sql = re.sub(r"\bbaomi_app\b", role, SCRIPT.read_text(encoding="utf-8"))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


class Command(BaseCommand):
    help = "Grant the application role its rights (PostgreSQL; run after every migrate)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", default=os.environ.get("BAOMI_DB_APP", "baomi_app"))

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("SQLite has no database roles: nothing to grant.")
            return
        grant(options["role"])
        self.stdout.write(f"granted the application rights to {options['role']}")
