"""Menu entries of disposal: batches to sign and execute, legal holds, the record of processing,
retention policies."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from access.models import User
from access.policy import Capability
from access.shell import NavItem, register_nav


def to_sign(user: User) -> int:
    from disposal import batches

    return len(batches.awaiting_signature(user))


def register() -> None:
    for item in (
        NavItem(
            key="disposal",
            group="admin",
            order=300,
            label=_("Disposal"),
            url_name="disposal:batches",
            capability=Capability.DISPOSAL_DESK,
            description=_("Batches of files due for destruction: sign, destroy, certificates."),
            count=to_sign,
        ),
        NavItem(
            key="holds",
            group="admin",
            order=310,
            label=_("Legal holds"),
            url_name="disposal:holds",
            capability=Capability.LEGAL_HOLDS,
            description=_("Keep files from destruction for a case; release when it ends."),
        ),
        NavItem(
            key="processing",
            group="admin",
            order=320,
            label=_("Record of processing"),
            url_name="disposal:processing",
            capability=Capability.PROCESSING_RECORD,
            description=_("What data is processed, why, for whom, how long (PIPL 54-56)."),
        ),
        NavItem(
            key="retention",
            group="admin",
            order=330,
            label=_("Retention policies"),
            url_name="disposal:policies",
            capability=Capability.RETENTION_POLICIES,
            description=_("How long files are kept, by outcome; versioned."),
        ),
    ):
        register_nav(item)
