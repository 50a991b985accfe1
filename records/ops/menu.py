"""Menu entry of the operations wing: the group chats that hear the alerts."""

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
