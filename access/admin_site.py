"""The admin site: staff maintain accounts, departments, roles and agreement texts.

It has no login page of its own (that would bypass the second factor): an unauthenticated
visitor never reaches it (access/gate.py), and permission is the policy's ADMIN_SITE rule.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import TypeVar, cast

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from access import policy
from access.policy import Capability

_ViewT = TypeVar("_ViewT", bound=Callable[..., HttpResponseBase])


class BaomiAdminSite(admin.AdminSite):
    site_header = _("Baomi administration")
    site_title = _("Baomi administration")
    index_title = _("Accounts, departments, roles and agreements")

    def has_permission(self, request: HttpRequest) -> bool:
        return policy.can(request.user, Capability.ADMIN_SITE)

    def admin_view(self, view: _ViewT, cacheable: bool = False) -> _ViewT:
        """A signed-in person without the capability gets 403, not a second login page."""
        inner = super().admin_view(view, cacheable)

        def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        # The wrapper takes and returns what the view does (update_wrapper's type loses that).
        return cast(_ViewT, update_wrapper(checked, inner))

    # django-stubs types the admin's page as a TemplateResponse; this one only redirects.
    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        """The admin's own form would skip re-authentication; use the account page instead."""
        return redirect("access:password_change")

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.get_full_path(), reverse("access:login"))
