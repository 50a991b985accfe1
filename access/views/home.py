"""The role-aware home page: what this person can do here, and nothing else."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from access import agreements, enrolment, shell
from access.http import AuthenticatedHttpRequest


@require_http_methods(["GET"])
def home_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    agreement = agreements.current_agreement()
    signature = agreements.signature_of(request.user, agreement) if agreement else None
    panels = shell.home_panels(request.user)
    context = {
        "signature": signature,
        "panels": panels,
        "to_do": shell.to_do(request.user, panels),
        "today": timezone.localdate(),
        # The person is told their sign-in was reset, by whom and why (issue 17 §4).
        "recent_reset": enrolment.recent_reset(request.user),
    }
    return render(request, "home.html", context)
