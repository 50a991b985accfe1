"""Emergency access pages: open one file, and the review queue. Thin:
records/circulation/break_glass.py and the policy decide."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from access import policy, workflow
from access.http import AuthenticatedHttpRequest
from access.models import BreakGlass
from access.policy import Capability
from core.forms import add_errors, posted
from core.refusals import Refused
from records.circulation import break_glass
from records.circulation.forms import BreakGlassForm, BreakGlassReviewForm


@never_cache
@require_http_methods(["GET", "POST"])
def open_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.BREAK_GLASS)
    form = BreakGlassForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opened = break_glass.open_file(
                request.user,
                data["archive_number"],
                data["reason_code"],
                data["reason_text"],
            )
        except Refused as refused:
            add_errors(form, refused)
        else:
            messages.warning(
                request,
                _("Emergency access for 30 minutes. Security officers and auditors were told."),
            )
            return redirect("records:detail", pk=opened.grant.record_id)
    return render(request, "records/circulation/break_glass.html", {"form": form})


@never_cache
def reviews_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.BREAK_GLASS_REVIEW)
    return render(
        request,
        "records/circulation/break_glass_reviews.html",
        {
            "rows": [
                (opened, workflow.available_actions(request.user, opened))
                for opened in break_glass.open_reviews()
            ],
            "form": BreakGlassReviewForm(),
        },
    )


@require_POST
def close_view(request: AuthenticatedHttpRequest, break_glass_id: int) -> HttpResponse:
    policy.require_can(request.user, Capability.BREAK_GLASS_REVIEW)
    opened = get_object_or_404(BreakGlass.objects.select_related("grant"), pk=break_glass_id)
    form = BreakGlassReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome and write what the review found."))
        return redirect("requests:break_glass_reviews")
    try:
        break_glass.close_review(
            request.user,
            opened,
            form.cleaned_data["outcome"],
            form.cleaned_data["review_note"],
        )
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Review closed."))
    return redirect("requests:break_glass_reviews")
