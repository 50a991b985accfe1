"""Import pages (issue 19 §1): upload and check, the check's result and progress, approval."""

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
from access.models import Department
from access.policy import Capability
from core.forms import add_errors
from core.refusals import Refused
from records.imports import approval, service, sorting, workbook
from records.imports.forms import ImportForm
from records.imports.models import ImportBatch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _departments(request: AuthenticatedHttpRequest) -> Any:
    return policy.import_departments(request.user, Department.objects.order_by("name"))


@never_cache
@require_http_methods(["GET", "POST"])
def imports_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.RECORD_IMPORT)
    departments = _departments(request)
    form = ImportForm(request.POST or None, request.FILES or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = service.receive(request.user, form.cleaned_data["department"], upload.read())
        except Refused as refused:
            add_errors(form, refused)
        else:
            return redirect("records:import", import_id=batch.pk)
    batches = ImportBatch.objects.filter(department__in=departments).select_related(
        "department", "started_by"
    )[:50]
    return render(
        request,
        "records/imports/list.html",
        {"form": form, "batches": batches, "limit": f"{workbook.MAX_ROWS:,}"},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET"])
def template_view(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    policy.require_can(request.user, Capability.RECORD_IMPORT)
    if file_format == "csv":
        response = HttpResponse(workbook.csv_template(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(workbook.template(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="register-template.{file_format}"'
    return response


def _batch(request: AuthenticatedHttpRequest, import_id: Any) -> ImportBatch:
    batch = get_object_or_404(
        ImportBatch.objects.select_related("department", "started_by"), pk=import_id
    )
    service.require(request.user, batch)
    return batch


@never_cache
@require_http_methods(["GET"])
def batch_view(request: AuthenticatedHttpRequest, import_id: Any) -> HttpResponse:
    batch = _batch(request, import_id)
    return render(
        request,
        "records/imports/batch.html",
        {
            "batch": batch,
            "stage": approval.stage(request.user, batch),
            "problems": sorting.shown_problems(batch),
            "tiers": sorted(batch.preview.get("by_tier", {}).items()),
        },
    )


@require_POST
def batch_action_view(request: AuthenticatedHttpRequest, import_id: Any) -> HttpResponse:
    batch = _batch(request, import_id)
    action = request.POST.get("action")
    try:
        if action == "start":
            service.start(request.user, batch)
            messages.success(request, _("The import has started."))
        elif action == "cancel":
            service.cancel(request.user, batch)
            messages.success(request, _("The import is cancelled and the uploaded file destroyed."))
    except Refused as refused:
        for message in refused.messages:
            messages.error(request, message)
    return redirect("records:import", import_id=batch.pk)


@never_cache
@require_http_methods(["GET"])
def rejects_view(request: AuthenticatedHttpRequest, import_id: Any) -> HttpResponse:
    batch = _batch(request, import_id)
    try:
        data = service.rejected_rows(request.user, batch)
    except Refused as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect("records:import", import_id=batch.pk)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rejected-rows.csv"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def approve_view(request: AuthenticatedHttpRequest, import_id: Any) -> HttpResponse:
    """The head looks through the import's files and approves them all at once."""
    batch = get_object_or_404(ImportBatch.objects.select_related("department"), pk=import_id)
    approval.require_approver(request.user, batch)
    if request.method == "POST":
        try:
            approval.start_approval(request.user, batch)
        except Refused as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The approval has started; this page follows it."))
            return redirect("records:import", import_id=batch.pk)
    return render(
        request,
        "records/imports/approve.html",
        {"batch": batch, "records": approval.to_approve(request.user, batch)},
    )
