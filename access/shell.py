"""The page shell: menu entries and home-page panels, each shown only when the policy allows.

Apps add their entries from ``AppConfig.ready()`` with ``register_nav``; access/ never imports
the apps above it. A menu entry names the capability it needs, so the menu never shows a link
its reader may not follow (no dead links).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from access import policy
from access.models import User
from access.policy import Capability


@dataclass(frozen=True)
class NavItem:
    key: str
    # Place in the menu, across apps (apps register in their load order, which is not the order
    # people look for things in).
    order: int
    label: str | Promise
    url_name: str
    capability: Capability
    description: str | Promise = ""
    # Home-page panels show a count ("3 awaiting my review"), asked of the app that owns it.
    count: Callable[[User], int] | None = None


_NAV: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    if any(existing.key == item.key for existing in _NAV):
        return
    _NAV.append(item)
    _NAV.sort(key=lambda entry: entry.order)


def navigation_for(user: User) -> list[NavItem]:
    return [item for item in _NAV if policy.can(user, item.capability)]


def home_panels(user: User) -> list[tuple[NavItem, int | None]]:
    """Menu entries with their counts, for the home page only (counts cost a query each)."""
    return [(item, item.count(user) if item.count else None) for item in navigation_for(user)]
