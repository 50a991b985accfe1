"""Menu entries of the operations wing: the group chats that hear the alerts, and the systems
that may use the integration API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from access.policy import Capability
from access.shell import NavItem, register_nav


def register() -> None:
    register_nav(
        NavItem(
            key="robots",
            group="admin",
            order=47,
            label=_("Alerts in group chats"),
            url_name="records:robots",
            capability=Capability.ALERT_CHANNELS,
            description=_("Which WeCom and DingTalk groups hear security and system alerts."),
        )
    )
    register_nav(
        NavItem(
            key="api_clients",
            group="admin",
            order=49,
            label=_("Integration API"),
            url_name="records:api_clients",
            capability=Capability.INTEGRATION_CLIENTS,
            description=_("Which systems (CRM, ERP) may hand files over and read their status."),
        )
    )
