"""The single authority on what a person may do (DESIGN.md "access/policy.py").

Views, templates, menus, admin and services ask this module; nothing else looks at roles.
This first slice decides *capabilities* (may this person use a part of the system at all);
the records capability adds ``decide(user, action, record)`` and ``visible_records(user)``.
Superusers get nothing by role here: ``is_superuser`` appears in no rule.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from access.roles import Role

_ROLE_CACHE_ATTR = "_baomi_roles"


class Capability(StrEnum):
    """Parts of the system a person may use. Each has exactly one rule below."""

    ACCOUNT_SECURITY = "account_security"
    ADMIN_SITE = "admin_site"


def roles_of(user: object) -> frozenset[Role]:
    """The person's roles, read once per request object and cached on it."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return frozenset()
    cached = getattr(user, _ROLE_CACHE_ATTR, None)
    if cached is None:
        known = set(Role.values)
        names = user.groups.values_list("name", flat=True)  # type: ignore[attr-defined]
        cached = frozenset(Role(name) for name in names if name in known)
        setattr(user, _ROLE_CACHE_ATTR, cached)
    return cached


def has_role(user: object, role: Role) -> bool:
    return role in roles_of(user)


_RULES: dict[Capability, Callable[[object, frozenset[Role]], bool]] = {
    Capability.ACCOUNT_SECURITY: lambda user, roles: True,
    # Staff maintain accounts, departments, roles and the agreement text. Staff status opens no
    # customer content: no record model is administered through the admin site.
    Capability.ADMIN_SITE: lambda user, roles: bool(getattr(user, "is_staff", False)),
}


def can(user: object, capability: Capability) -> bool:
    """Whether ``user`` may use ``capability``. Inactive and anonymous users may use nothing."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return _RULES[capability](user, roles_of(user))
