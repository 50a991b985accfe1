"""Access review pages (R72). Thin: access/reviews.py and the policy decide."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from access import policy, reviews
from access.forms import CampaignForm, ReviewDecisionForm
from access.http import AuthenticatedHttpRequest
from access.models import ReviewCampaign, ReviewItem, User
from access.policy import Capability
from core.forms import add_errors, posted
from core.refusals import Refused


def _may_follow(user: User) -> bool:
    return any(
        policy.can(user, c)
        for c in (
            Capability.ACCESS_REVIEW_ADMIN,
            Capability.ACCESS_REVIEW,
            Capability.AUDIT_CONSOLE,
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def reviews_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not _may_follow(user):
        policy.require_can(user, Capability.ACCESS_REVIEW)
    admin = policy.can(user, Capability.ACCESS_REVIEW_ADMIN)
    form = CampaignForm(posted(request)) if admin else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            campaign = reviews.open_campaign(
                user, form.cleaned_data["name"], form.cleaned_data["deadline"]
            )
        except Refused as refused:
            add_errors(form, refused)
        else:
            messages.success(request, _("The access review was opened."))
            return redirect("access:review_campaign", campaign_id=campaign.pk)
    return render(
        request,
        "access/reviews/reviews.html",
        {
            "form": form,
            "campaigns": ReviewCampaign.objects.all()[:20],
            "items": reviews.my_items(user),
        },
    )


def _access_words(item: ReviewItem) -> str:
    """The access an item is about, as the page names it (a role, or a grant on a file)."""
    from audit import wording

    if item.kind == ReviewItem.Kind.ROLE:
        return _("the role %(role)s") % {"role": wording.value("role", item.role)}
    record = item.grant.record if item.grant is not None else None
    return _("access to file %(file)s") % {"file": record.display_label() if record else "—"}


@never_cache
@require_http_methods(["GET", "POST"])
def decide_view(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    """Keep is one click from the list; a revocation, which cannot be undone here, is decided on
    this page, which first says what it ends (issue 16 §6)."""
    policy.require_can(request.user, Capability.ACCESS_REVIEW)
    item = get_object_or_404(
        ReviewItem.objects.select_related("person", "department", "grant__record", "campaign"),
        pk=item_id,
    )
    try:
        preview = reviews.revocation_preview(request.user, item)
    except Refused as refused:  # decided already, or its campaign closed
        messages.error(request, str(refused))
        return redirect("access:reviews")
    form = ReviewDecisionForm(posted(request), initial={"decision": "revoke"})
    if request.method == "POST" and form.is_valid():
        keep = form.cleaned_data["decision"] == "keep"
        try:
            reviews.decide(request.user, item, keep=keep, note=form.cleaned_data["note"])
        except Refused as refused:
            if keep or "note" not in refused.errors:
                messages.error(request, str(refused))
                return redirect("access:reviews")
            add_errors(form, refused)
        else:
            said = {"person": item.person, "access": _access_words(item)}
            if keep:
                messages.success(request, _("Kept: %(person)s keeps %(access)s.") % said)
            else:
                messages.success(request, _("Revoked: %(person)s no longer has %(access)s.") % said)
            return redirect("access:reviews")
    return render(
        request,
        "access/reviews/revoke.html",
        {"item": item, "preview": preview, "form": form, "access": _access_words(item)},
    )


@never_cache
def campaign_view(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    if not _may_follow(request.user):
        policy.require_can(request.user, Capability.ACCESS_REVIEW_ADMIN)
    campaign = get_object_or_404(ReviewCampaign, pk=campaign_id)
    return render(
        request,
        "access/reviews/campaign.html",
        {
            "campaign": campaign,
            "report": reviews.report(campaign),
            "can_close": policy.can(request.user, Capability.ACCESS_REVIEW_ADMIN)
            and not campaign.closed_at,
        },
    )


@require_POST
def close_view(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(ReviewCampaign, pk=campaign_id)
    policy.require_can(request.user, Capability.ACCESS_REVIEW_ADMIN)
    waiting = len(reviews.report(campaign)["pending"])
    if waiting and request.POST.get("understood") != "yes":
        messages.error(
            request,
            _(
                "%(n)s items are not reviewed yet. Tick the box to close the review anyway; it "
                "cannot be reopened."
            )
            % {"n": waiting},
        )
        return redirect("access:review_campaign", campaign_id=campaign.pk)
    try:
        reviews.close(request.user, campaign)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The review is closed; its report is final."))
    return redirect("access:review_campaign", campaign_id=campaign.pk)
