"""Menu entry of the customer-rights desk."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from access.models import User
from access.policy import Capability
from access.shell import NavItem, register_nav


def open_requests(user: User) -> int:
    """Customers' requests not answered yet (the desk's staff all see all of them)."""
    from records.rights import subject_requests

    return subject_requests.waiting().count()


def earliest_answer(user: User) -> date | None:
    from records.rights import subject_requests

    return subject_requests.waiting().values_list("due_on", flat=True).first()


def register() -> None:
    for item in (
        NavItem(
            key="rights",
            group="files",
            order=220,
            label=_("Customer rights"),
            url_name="records:rights",
            capability=Capability.CUSTOMER_RIGHTS,
            description=_("A customer asks who saw their file: the access report (PIPL 45)."),
            count=open_requests,
            due=earliest_answer,
        ),
    ):
        register_nav(item)
