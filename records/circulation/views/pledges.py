"""Exit pledge pages (R81): the head prepares it from the hand-over page, prints it or keeps the
signed scan; the person leaving confirms it on their own page."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from access import policy
from access.http import AuthenticatedHttpRequest
from access.models import ExitPledge, User
from access.policy import Capability
from core.forms import BaomiForm, posted
from core.refusals import Refused
from records.circulation import pledges

# The hand-over page's own fields, carried through a pledge action and back to its preview.
HANDOVER_FIELDS = ("person", "receiver", "reason", "note")


class ScanForm(BaomiForm):
    id_prefix = "pledge"
    scan = forms.FileField(
        label=gettext_lazy("Signed pledge (PDF or photo)"),
        help_text=gettext_lazy("The pledge printed from here, signed by the person leaving."),
    )


class ConfirmForm(BaomiForm):
    id_prefix = "pledge"
    confirm = forms.BooleanField(
        label=gettext_lazy("I have read this pledge and undertake to keep it."),
        error_messages={"required": gettext_lazy("Tick the box to sign the pledge.")},
    )


def _back(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = urlencode({k: request.POST.get(k, "") for k in HANDOVER_FIELDS})
    return redirect(f"{reverse('requests:handover')}?{query}")


@require_POST
def prepare_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """From the hand-over page of someone leaving (the pledge is for leavers only)."""
    policy.require_can(request.user, Capability.OFFBOARDING)
    chosen = request.POST.get("person", "")
    person = get_object_or_404(
        policy.offboarding_candidates(request.user),
        pk=int(chosen) if chosen.isascii() and chosen.isdigit() else 0,
    )
    try:
        pledges.prepare(request.user, person, request.POST.get("reason", ""))
    except Refused as refused:
        for problem in refused.errors.get("__all__", []):
            messages.error(request, problem)
        return _back(request)
    messages.success(
        request,
        _(
            "The exit pledge is ready. The person confirms it on their own page in Baomi, or "
            "signs the printed pledge and you upload the scan here."
        ),
    )
    return _back(request)


def _pledge(pledge_id: int) -> ExitPledge:
    return get_object_or_404(ExitPledge.objects.select_related("person"), pk=pledge_id)


@never_cache
@require_http_methods(["GET", "POST"])
def scan_view(request: AuthenticatedHttpRequest, pledge_id: int) -> HttpResponse:
    pledge = _pledge(pledge_id)
    if request.method == "POST":
        pledges.require(request.user, "scan", pledge)  # a stranger learns nothing from the form
        form = ScanForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                pledges.record_scan(request.user, pledge, form.cleaned_data["scan"])
            except ValidationError as refused:
                for problem in refused.messages:
                    messages.error(request, problem)
            else:
                messages.success(request, _("The signed pledge is kept."))
        else:
            messages.error(request, _("Choose the scan of the signed pledge."))
        return _back(request)
    scan = pledges.open_scan(request.user, pledge)
    if scan is None:
        raise Http404
    response = HttpResponse(scan.data, content_type=scan.content_type)
    response["Content-Disposition"] = f'attachment; filename="pledge-{pledge.pk}"'
    return response


@never_cache
def pdf_view(request: AuthenticatedHttpRequest, pledge_id: int) -> HttpResponse:
    pledge = _pledge(pledge_id)
    response = HttpResponse(pledges.pdf(request.user, pledge), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="exit-pledge-{pledge.pk}.pdf"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def mine_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person leaving reads their pledge and confirms it."""
    user: User = request.user
    policy.require_can(user, Capability.SIGN_EXIT_PLEDGE)
    pledge = ExitPledge.objects.filter(person=user, signed_at__isnull=True).first()
    if pledge is None:
        raise Http404
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        pledges.sign(user, pledge)
        messages.success(request, _("Your exit pledge is signed. Thank you."))
        return redirect("home")
    return render(
        request,
        "records/circulation/pledge.html",
        {"pledge": pledge, "paragraphs": pledge.text.split("\n"), "form": form},
        status=400 if form.errors else 200,
    )
