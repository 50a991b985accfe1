"""Pages for transfers (R51) and hand-overs (R62). Thin: records/circulation/custody.py and the
policy decide; these parse forms and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from access import policy
from access.http import AuthenticatedHttpRequest
from access.models import ExitPledge, Handover, Transfer
from access.policy import Capability, RecordAction
from core.forms import add_errors
from core.refusals import Refused
from records.circulation import custody
from records.circulation.forms import DeclineForm, HandoverForm
from records.circulation.views.pledges import HANDOVER_FIELDS, ScanForm
from records.forms import TransferForm
from records.models import CustomerRecord


@require_POST
def offer_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    record = get_object_or_404(CustomerRecord.objects.select_related("department"), pk=pk)
    policy.require(request.user, RecordAction.TRANSFER, record)
    form = TransferForm(request.POST, receivers=policy.receivers(record))
    if form.is_valid():
        try:
            custody.offer(
                request.user,
                record,
                form.cleaned_data["receiver"],
                form.cleaned_data["reason"],
            )
        except Refused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Handed over; the file is yours until they confirm."))
    else:
        messages.error(request, _("Choose a colleague and give a reason."))
    return redirect("records:detail", pk=record.pk)


@never_cache
def incoming_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "records/circulation/incoming.html",
        {"transfers": custody.incoming(request.user), "decline_form": DeclineForm()},
    )


def _transfer(request: AuthenticatedHttpRequest, transfer_id: int) -> Transfer:
    # Only the receiver may answer: the transfer workflow refuses anyone else (403, recorded).
    return get_object_or_404(Transfer.objects.select_related("record"), pk=transfer_id)


@require_POST
def accept_view(request: AuthenticatedHttpRequest, transfer_id: int) -> HttpResponse:
    transfer = _transfer(request, transfer_id)
    try:
        custody.accept(request.user, transfer)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Receipt confirmed: the file is now yours."))
    return redirect("requests:incoming")


@require_POST
def decline_view(request: AuthenticatedHttpRequest, transfer_id: int) -> HttpResponse:
    transfer = _transfer(request, transfer_id)
    form = DeclineForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        custody.decline(request.user, transfer, note)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Declined; the file stays with the sender."))
    return redirect("requests:incoming")


@never_cache
@require_http_methods(["GET", "POST"])
def handover_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: choose the person and see what the hand-over will do. POST with confirm: do it."""
    user = request.user
    policy.require_can(user, Capability.OFFBOARDING)
    people = policy.offboarding_candidates(user).order_by("employee_number", "username")
    form = HandoverForm(request.POST or request.GET or None, people=people)
    seen = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        seen = custody.preview(user, data["person"], reason=data["reason"])
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            try:
                handover = custody.hand_over(
                    user, data["person"], data["receiver"], data["reason"], data["note"],
                )  # fmt: skip
            except Refused as refused:
                add_errors(form, refused)
            else:
                messages.success(request, _("The hand-over is complete."))
                return redirect("requests:handover_detail", handover_id=handover.pk)
    carry = [
        (name, request.POST.get(name) or request.GET.get(name, "")) for name in HANDOVER_FIELDS
    ]
    return render(
        request,
        "records/circulation/handover.html",
        {"form": form, "preview": seen, "carry": carry, "scan_form": ScanForm()},
    )


def _handover(request: AuthenticatedHttpRequest, handover_id: int) -> Handover:
    handover = get_object_or_404(
        Handover.objects.select_related("person", "receiver", "started_by"), pk=handover_id
    )
    decision = policy.decide_offboarding(request.user, handover.person)
    if not decision.allowed and request.user.pk != handover.receiver_id:
        raise policy.Denied(decision)
    return handover


@never_cache
def handover_detail_view(request: AuthenticatedHttpRequest, handover_id: int) -> HttpResponse:
    handover = _handover(request, handover_id)
    files = CustomerRecord.objects.filter(pk__in=handover.record_ids).order_by("archive_number")
    pledge = ExitPledge.objects.filter(handover=handover).first()
    if pledge and not policy.decide_pledge(request.user, "read", pledge).allowed:
        pledge = None  # the receiver sees the hand-over, not the leaver's pledge
    return render(
        request,
        "records/circulation/handover_detail.html",
        {"handover": handover, "files": files, "pledge": pledge},
    )


@never_cache
def handover_sheet_view(request: AuthenticatedHttpRequest, handover_id: int) -> HttpResponse:
    handover = _handover(request, handover_id)
    response = HttpResponse(
        custody.handover_sheet(request.user, handover), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="handover-{handover.pk}.pdf"'
    return response
