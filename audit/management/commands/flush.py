"""``flush`` that knows the audit table is append-only.

Django's test runner empties the database between transactional tests with ``flush``; the audit
triggers would refuse that. This version lifts the triggers for the duration of the flush and
puts them back, and refuses outright in production mode, where emptying the audit log is never
a legitimate operation.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from audit import dbguard


class Command(DjangoFlush):
    help = DjangoFlush.help + " Refused in production (the audit log is append-only)."

    def handle(self, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "flush would erase the append-only audit log; refused in production."
            )
        connection = connections[options["database"]]
        guarded = dbguard.is_installed(connection)
        if guarded:
            dbguard.uninstall(connection)
        try:
            super().handle(**options)
        finally:
            if guarded:
                dbguard.install(connection)
