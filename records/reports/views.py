"""The management report's pages (issue 19 §3): the report on screen, its xlsx and its PDF."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access import policy
from access.http import AuthenticatedHttpRequest
from access.models import Department
from access.policy import Capability
from core.forms import BaomiForm, field_of
from records.reports import charts, service

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ScopeForm(BaomiForm):
    id_prefix = "report"
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All"),
    )

    def __init__(self, *args: object, departments: list[Department], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "department", forms.ModelChoiceField).queryset = Department.objects.filter(
            pk__in=[d.pk for d in departments]
        ).order_by("name")


def _scope(request: AuthenticatedHttpRequest) -> tuple[ScopeForm, Department | None]:
    """The department asked for, when it is one the reader may see; otherwise the whole scope
    (and the form says why)."""
    policy.require_can(request.user, Capability.MANAGEMENT_REPORT)
    form = ScopeForm(request.GET or None, departments=service.departments_for(request.user))
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["department"]
    return form, None


@never_cache
@require_GET
def report_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, department = _scope(request)
    report = service.build(request.user, department)
    service.viewed(request.user, department)
    sections = [
        {"table": table, "charts": [(chart.title, charts.draw(chart)) for chart in table.charts]}
        for table in report.tables
    ]
    return render(
        request,
        "records/reports/report.html",
        {
            "form": form,
            "report": report,
            "sections": sections,
            "department": department,
            "query": f"?department={department.pk}" if department else "",
        },
        status=400 if form.errors else 200,
    )


@never_cache
@require_GET
def export_view(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    _form, department = _scope(request)
    suffix = f"-{department.code}" if department else ""
    if file_format == "pdf":
        response = HttpResponse(
            service.pdf(request.user, department), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="management-report{suffix}.pdf"'
        return response
    report = service.build(request.user, department)
    only = request.GET.get("table", "")[:20]
    data = service.workbook(request.user, report, department, only)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="management-report{suffix}.xlsx"'
    return response
