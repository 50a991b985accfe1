"""The role-aware home page: what this person can do here, and nothing else."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from access import enrolment, gate, shell
from access.http import AuthenticatedHttpRequest


@require_http_methods(["GET"])
def home_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    panels = shell.home_panels(request.user)
    context = {
        "agreement": gate.signed_agreement(request),
        "panels": panels,
        "to_do": shell.to_do(request.user, panels),
        "today": timezone.localdate(),
        # The person is told their sign-in was reset, by whom and why (issue 17 §4).
        "recent_reset": enrolment.recent_reset(request.user),
    }
    return render(request, "home.html", context)
