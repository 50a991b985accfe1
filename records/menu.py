"""Menu entries and home-page panels of the file core: files, review queue, archive catalogue."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from access.models import User
from access.policy import Capability
from access.shell import NavItem, register_nav


def awaiting_review(user: User) -> int:
    from access import policy
    from records.models import CustomerRecord

    return policy.review_queue(user, CustomerRecord.objects.all()).count()


def returned_to_me(user: User) -> int:
    from records import review
    from records.imports.approval import awaiting_consent

    return review.returned_to(user).count() + awaiting_consent(user)


def inventory_to_do(user: User) -> int:
    """Rounds in progress, and the yearly round when none was held in the last year (R85)."""
    from records.inventory.rounds import to_do

    return to_do()


def register() -> None:
    for item in (
        NavItem(
            key="records",
            group="files",
            order=100,
            label=_("Client files"),
            url_name="records:list",
            capability=Capability.RECORD_INTAKE,
            description=_("Register customers, your files, exact search."),
            count=returned_to_me,
            todo=_(
                "Files returned to you for correction, and imported files waiting for consent "
                "evidence: complete them and submit them."
            ),
        ),
        NavItem(
            key="review",
            group="work",
            order=110,
            label=_("New files to check"),
            url_name="records:review_queue",
            capability=Capability.RECORD_REVIEW,
            description=_("Client files your staff submitted: approve or return."),
            count=awaiting_review,
        ),
        NavItem(
            key="archive",
            group="files",
            order=120,
            label=_("Archive catalogue"),
            url_name="records:catalogue",
            capability=Capability.PAPER_ARCHIVE,
            description=_("Approved files, where their folders are, cover sheets, inventory."),
        ),
        NavItem(
            key="inventory",
            group="files",
            order=122,
            label=_("Inventory rounds"),
            url_name="records:inventory",
            capability=Capability.PAPER_ARCHIVE,
            description=_("Check every folder of a room or cabinet; the yearly inventory."),
            count=inventory_to_do,
            todo=_("Inventory rounds to work through, or this year's round to plan."),
        ),
        NavItem(
            key="management_report",
            group="audit",
            order=35,
            label=_("Management report"),
            url_name="records:reports",
            capability=Capability.MANAGEMENT_REPORT,
            description=_(
                "Files, consent, loans, retention, inventory and incidents in figures, with "
                "charts, Excel and PDF."
            ),
        ),
        NavItem(
            key="imports",
            group="files",
            order=125,
            label=_("Import a register"),
            url_name="records:imports",
            capability=Capability.RECORD_IMPORT,
            description=_("Bring in the client files kept before Baomi, from Excel or CSV."),
        ),
    ):
        register_nav(item)
