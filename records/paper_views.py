"""Archive pages (R15, R22, R33): the catalogue, a folder's location and checks, its cover sheet.

Archivists see metadata only (archive number, tier, department, handler): never content.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from access import policy
from access.http import AuthenticatedHttpRequest
from access.models import Department
from access.policy import Capability, RecordAction
from records import catalogue, paper
from records.catalogue_forms import CatalogueForm
from records.forms import InventoryForm, PaperLocationForm
from records.models import CustomerRecord, PaperFile


@never_cache
@require_http_methods(["GET"])
def catalogue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search and page the catalogue (issue 19 §2): the criteria live in the address, so the
    next page, a bookmark and the back button keep them."""
    policy.require_can(request.user, Capability.PAPER_ARCHIVE)
    form = CatalogueForm(request.GET or None, departments=Department.objects.order_by("name"))
    criteria = form.criteria() if form.is_bound else catalogue.Criteria()
    page = catalogue.search(
        request.user,
        criteria,
        after=catalogue.cursor(request.GET.get("after", "")),
        before=catalogue.cursor(request.GET.get("before", "")),
    )
    kept = request.GET.copy()
    for cursor in ("after", "before"):
        kept.pop(cursor, None)
    return render(
        request,
        "records/catalogue.html",
        {"form": form, "page": page, "query": kept.urlencode()},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def paper_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    record = get_object_or_404(CustomerRecord.objects.select_related("department"), pk=pk)
    policy.require(request.user, RecordAction.MANAGE_PAPER, record)
    folder = PaperFile.objects.filter(record=record).select_related("custodian").first()
    declared = None if folder else paper.declared_location(record)
    place = folder or declared
    initial: dict[str, Any] = {"custodian": folder.custodian_id if folder else request.user.pk}
    if place:
        initial.update(room=place.room, cabinet=place.cabinet, shelf=place.shelf)
    which = request.POST.get("form") if request.method == "POST" else None
    location = PaperLocationForm(
        request.POST if which == "location" else None,
        initial=initial,
        custodians=policy.custodians().order_by("employee_number"),
    )
    inventory = InventoryForm(request.POST if which == "inventory" else None)
    if which == "location" and location.is_valid():
        paper.register_location(request.user, record, **location.cleaned_data)
        messages.success(request, _("Location saved."))
        return redirect("records:paper", pk=record.pk)
    if which == "inventory" and folder and inventory.is_valid():
        row = paper.check(request.user, folder, **inventory.cleaned_data)
        if not row.reported:
            messages.success(request, _("Inventory check recorded."))
        else:
            messages.warning(
                request, _("Inventory check recorded and reported to the security officer.")
            )
        return redirect("records:paper", pk=record.pk)
    status = 400 if which else 200
    return render(
        request,
        "records/paper.html",
        {
            "record": record,
            "folder": folder,
            "checks": list(folder.checks.select_related("checked_by")[:50]) if folder else [],
            "location_form": location,
            "declared": declared,
            "inventory_form": inventory,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET"])
def cover_sheet_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    record = get_object_or_404(
        CustomerRecord.objects.select_related("department", "handler"), pk=pk
    )
    pdf = paper.cover_sheet(request.user, record)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{record.archive_number}-cover.pdf"'
    return response
