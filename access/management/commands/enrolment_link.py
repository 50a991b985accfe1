"""manage.py enrolment_link USERNAME --reason "...": a one-time enrolment link, printed.

For whoever runs the server (shell access is above every role): the first administrator after
``createsuperuser``, or anyone when no administrator can sign in. Everyone else is reset from
the admin, where the link goes to the person's mailbox (issue 17 §4, §20). The event names no
actor (the operator), with the reason and ``via=command``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from access import enrolment
from access.models import User


class Command(BaseCommand):
    help = "Print a one-time link with which USERNAME sets their password and authenticator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reason", required=True)
        parser.add_argument(
            "--site", default="http://127.0.0.1:8000", help="The address people open Baomi at."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        person = User.objects.filter(username=options["username"], is_active=True).first()
        if person is None:
            raise CommandError(f"No active account {options['username']!r}.")
        url = enrolment.issue_by_operator(person, options["reason"], options["site"])
        hours = enrolment.lifetime_hours()
        self.stdout.write(f"Open within {hours} hours, once: {url}")
