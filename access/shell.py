"""The page shell: menu entries and home-page panels, each shown only when the policy allows.

Apps add their entries from ``AppConfig.ready()`` with ``register_nav``; access/ never imports
the apps above it. A menu entry names the capability it needs, so the menu never shows a link
its reader may not follow (no dead links).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from access import policy
from access.models import User
from access.policy import Capability

# The menu's groups (issue 16 §5): a dozen entries in one row wrapped to two; five groups fit
# a phone. "account" is the person's own corner (next to their name), not a group of the bar.
GROUPS: dict[str, Promise] = {
    "work": _("My work"),
    "files": _("Files"),
    "circulation": _("Circulation"),
    "audit": _("Audit"),
    "admin": _("Administration"),
    "account": _("My account"),
}


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
    group: str = "files"
    # The earliest deadline among the things counted (the home page's to-do list), if any.
    due: Callable[[User], date | None] | None = None
    # What the count means on the to-do list, when the description says something else.
    todo: str | Promise = ""


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: str
    items: list[tuple[NavItem, bool]]  # (entry, is the current page)
    current: bool


@dataclass(frozen=True)
class ToDo:
    item: NavItem
    count: int
    due: date | None


_NAV: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    if any(existing.key == item.key for existing in _NAV):
        return
    _NAV.append(item)
    _NAV.sort(key=lambda entry: entry.order)


def navigation_for(user: User) -> list[NavItem]:
    """The entries this person may follow, each page once (two entries may lead to one page,
    for two capabilities: the first one the person has is kept)."""
    seen: set[str] = set()
    entries = []
    for item in _NAV:
        if item.url_name in seen or not policy.can(user, item.capability):
            continue
        seen.add(item.url_name)
        entries.append(item)
    return entries


def menu_for(user: User, path: str) -> list[MenuGroup]:
    """The menu by group, the entry of the current page marked (the longest address that
    starts ``path``: /records/review/ is "review", not "records")."""
    entries = navigation_for(user)
    addresses = {item.key: reverse(item.url_name) for item in entries}
    matching = [key for key, address in addresses.items() if path.startswith(address)]
    current = max(matching, key=lambda key: len(addresses[key]), default=None)
    groups = []
    for key, label in GROUPS.items():
        items = [(item, item.key == current) for item in entries if item.group == key]
        if items:
            groups.append(
                MenuGroup(
                    key, str(label), items, current=any(is_current for _i, is_current in items)
                )
            )
    return groups


def to_do(user: User, panels: list[tuple[NavItem, int | None]] | None = None) -> list[ToDo]:
    """Everything waiting for this person, with how many and the earliest deadline: the home
    page's list, soonest first (issue 16 §5). ``panels`` are ``home_panels``' counts, when the
    page has them already (each count is a query)."""
    waiting = []
    for item, count in panels if panels is not None else home_panels(user):
        if count:
            waiting.append(ToDo(item, count, item.due(user) if item.due else None))
    return sorted(waiting, key=lambda entry: (entry.due is None, entry.due or date.max))


def home_panels(user: User) -> list[tuple[NavItem, int | None]]:
    """Menu entries with their counts, for the home page only (counts cost a query each)."""
    return [(item, item.count(user) if item.count else None) for item in navigation_for(user)]
