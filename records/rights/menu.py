"""Menu entry of the customer-rights desk."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from access.policy import Capability
from access.shell import NavItem, register_nav


def register() -> None:
    for item in (
        NavItem(
            key="rights",
            order=220,
            label=_("Customer rights"),
            url_name="records:rights",
            capability=Capability.CUSTOMER_RIGHTS,
            description=_("A customer asks who saw their file: the access report (PIPL 45)."),
        ),
    ):
        register_nav(item)
