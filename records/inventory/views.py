"""Inventory-round pages (issue 19 §2): plan, work through on a phone, close, report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from access import policy
from access.http import AuthenticatedHttpRequest
from access.policy import Capability
from core.forms import add_errors
from core.refusals import Refused
from records.inventory import report, rounds
from records.inventory.forms import PlanForm, RecordForm
from records.inventory.models import InventoryRound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@never_cache
@require_http_methods(["GET", "POST"])
def rounds_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.PAPER_ARCHIVE)
    form = PlanForm(request.POST or None, rooms=rounds.rooms())
    if request.method == "POST" and form.is_valid():
        try:
            planned = rounds.plan(
                request.user,
                name=form.cleaned_data["name"],
                rooms=form.cleaned_data["rooms"],
                cabinets=form.cabinet_list(),
                due_on=form.cleaned_data["due_on"],
            )
        except Refused as refused:
            add_errors(form, refused)
        else:
            messages.success(request, _("The round is planned: work through its due list."))
            return redirect("records:inventory_round", round_id=planned.pk)
    return render(
        request,
        "records/inventory/rounds.html",
        {
            "form": form,
            "rounds": InventoryRound.objects.select_related("planned_by")[:50],
            "yearly_due": rounds.yearly_round_due(),
        },
        status=400 if form.errors else 200,
    )


def _round(request: AuthenticatedHttpRequest, round_id: Any) -> InventoryRound:
    policy.require_can(request.user, Capability.PAPER_ARCHIVE)
    return get_object_or_404(InventoryRound.objects.select_related("planned_by"), pk=round_id)


@never_cache
@require_http_methods(["GET", "POST"])
def round_view(request: AuthenticatedHttpRequest, round_id: Any) -> HttpResponse:
    found = _round(request, round_id)
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = rounds.record(request.user, found, data["number"], data["result"], data["note"])
        except Refused as refused:
            add_errors(form, refused)
        else:
            number = item.paper_file.record.archive_number
            if item.settled_by is not None and not item.settled_by.reported:
                messages.success(request, _("%(number)s: found intact.") % {"number": number})
            else:
                messages.warning(
                    request,
                    _("%(number)s: recorded and reported to the security officer.")
                    % {"number": number},
                )
            return redirect("records:inventory_round", round_id=found.pk)
    return render(
        request,
        "records/inventory/round.html",
        {"round": found, "form": form, "progress": rounds.progress(found)},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def close_view(request: AuthenticatedHttpRequest, round_id: Any) -> HttpResponse:
    """What closing will record, and the confirmation: it cannot be undone."""
    found = _round(request, round_id)
    if request.method == "POST":
        try:
            missing = rounds.close(request.user, found)
        except Refused as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                ngettext(
                    "The round is closed. %(n)s folder not found was recorded as missing.",
                    "The round is closed. %(n)s folders not found were recorded as missing.",
                    missing,
                )
                % {"n": missing},
            )
        return redirect("records:inventory_round", round_id=found.pk)
    left = rounds.unchecked(found).select_related("paper_file__record")
    return render(
        request,
        "records/inventory/close.html",
        {"round": found, "left": list(left.order_by("paper_file__room", "paper_file__cabinet"))},
    )


@never_cache
@require_http_methods(["GET"])
def worksheet_view(request: AuthenticatedHttpRequest, round_id: Any) -> HttpResponse:
    found = _round(request, round_id)
    response = HttpResponse(report.worksheet(request.user, found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="inventory-{found.pk}-worksheet.pdf"'
    return response


@never_cache
@require_http_methods(["GET"])
def report_view(request: AuthenticatedHttpRequest, round_id: Any, file_format: str) -> HttpResponse:
    found = _round(request, round_id)
    if file_format == "xlsx":
        response = HttpResponse(report.workbook(request.user, found), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="inventory-{found.pk}.xlsx"'
        return response
    response = HttpResponse(report.pdf(request.user, found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="inventory-{found.pk}.pdf"'
    return response
