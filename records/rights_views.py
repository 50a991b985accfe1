"""Customer rights pages (PIPL Art. 44-47, issue 9): find a file by its archive number, and the
access report for the customer (page and PDF). Rules are in access/policy.py; the report is
built by records/access_report.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from access import policy
from access.policy import Capability
from config.forms import BaomiForm
from records import access_report
from records.models import CustomerRecord


class FindFileForm(BaomiForm):
    archive_number = forms.CharField(label=gettext_lazy("Archive number"), max_length=20)


@never_cache
@require_http_methods(["GET", "POST"])
def rights_view(request: HttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.CUSTOMER_RIGHTS)
    form = FindFileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["archive_number"].strip().upper()
        record = CustomerRecord.objects.filter(archive_number=number).first()
        if record is not None:
            return redirect("records:access_report", pk=record.pk)
        form.add_error("archive_number", _("No client file has this archive number."))
    status = 400 if form.is_bound else 200
    return render(request, "records/rights.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET"])
def access_report_view(request: HttpRequest, pk: Any) -> HttpResponse:
    record = get_object_or_404(CustomerRecord, pk=pk)
    report = access_report.build(request.user, record, request)
    return render(request, "records/access_report.html", {"report": report, "record": record})


@never_cache
@require_http_methods(["GET"])
def access_report_pdf_view(request: HttpRequest, pk: Any) -> HttpResponse:
    record = get_object_or_404(CustomerRecord, pk=pk)
    report = access_report.build(request.user, record, request)
    response = HttpResponse(access_report.render_pdf(report), content_type="application/pdf")
    name = f"{record.archive_number or 'draft'}-access-report.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
