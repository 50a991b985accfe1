"""Who a person is, as the rules need it: signed in and active, their roles, the departments
they head. Read once per request object and cached on it."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, TypeGuard

from django.contrib.auth.models import AnonymousUser

from access.backends import at_work
from access.roles import Role

if TYPE_CHECKING:
    from access.models import User

# Whoever asks: a person signed in, or the anonymous visitor (who may do nothing).
Person: TypeAlias = "User | AnonymousUser"


_ROLE_CACHE_ATTR = "_baomi_roles"
_HEADED_CACHE_ATTR = "_baomi_headed"


def signed_in(user: Person) -> TypeGuard[User]:
    """Signed in with an active account of a person at work: nobody else may do anything (the
    anonymous visitor is never signed in, so a person who is is a ``User``). A person on leave
    keeps roles and grants, but none of them works until they are back (issue 17 §16)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and at_work(user)
    )


def roles_of(user: Person) -> frozenset[Role]:
    """The person's roles, read once per request object and cached on it."""
    if not signed_in(user):
        return frozenset()
    cached = getattr(user, _ROLE_CACHE_ATTR, None)
    if cached is None:
        known = set(Role.values)
        names = user.groups.values_list("name", flat=True)
        cached = frozenset(Role(name) for name in names if name in known)
        setattr(user, _ROLE_CACHE_ATTR, cached)
    return cached


def has_role(user: Person, role: Role) -> bool:
    return role in roles_of(user)


def headed_department_ids(user: Person) -> frozenset[int]:
    """Departments this person heads, if they hold the head role (both are needed)."""
    if not signed_in(user) or Role.DEPT_HEAD not in roles_of(user):
        return frozenset()
    cached = getattr(user, _HEADED_CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(user.headed_departments.values_list("id", flat=True))
        setattr(user, _HEADED_CACHE_ATTR, cached)
    return cached
