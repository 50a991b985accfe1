"""The password backend: Django's, except that only people at work may sign in.

An account "on leave" keeps its password, roles and grants, but cannot authenticate and any
session it still had stops working at its next request (Django asks the backend again for the
session's user). ``is_active`` stays what it means in Django: the account exists and is not
closed for good.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError


def at_work(user: Any) -> bool:
    """Whether the person is at work: not on leave, not gone."""
    from access.models import User

    return getattr(user, "employment_status", None) == User.EmploymentStatus.ACTIVE


class AtWorkModelBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and at_work(user)

    def get_user(self, user_id: Any) -> Any:
        """The session's person, with their roles, pledge and agreement state in the same query
        (access/snapshot.py): one round trip instead of five on every request."""
        from access import snapshot
        from access.models import User

        try:
            user = snapshot.load(User._meta.pk.to_python(user_id))
        except (ValueError, TypeError, ValidationError):
            return None
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
