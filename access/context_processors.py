"""Template context for the page shell: menu, roles, watermark identity."""

from __future__ import annotations

from django.http import HttpRequest

from access import gate, policy
from access.shell import menu_for, navigation_for


def shell(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or gate.stage_of(request) < gate.Stage.AGREED:
        return {"nav_items": [], "menu": [], "shell_roles": []}
    return {
        "nav_items": navigation_for(user),
        "menu": menu_for(user, request.path),
        "shell_roles": [str(role.label) for role in sorted(policy.roles_of(user))],
    }
