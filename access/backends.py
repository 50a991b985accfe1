"""The password backend: Django's, except that only people at work may sign in.

An account "on leave" keeps its password, roles and grants, but cannot authenticate and any
session it still had stops working at its next request (Django asks the backend again for the
session's user). ``is_active`` stays what it means in Django: the account exists and is not
closed for good.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


def at_work(user: Any) -> bool:
    """Whether the person is at work: not on leave, not gone."""
    from access.models import User

    return getattr(user, "employment_status", None) == User.EmploymentStatus.ACTIVE


class AtWorkModelBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and at_work(user)
