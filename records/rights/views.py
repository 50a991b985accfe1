"""Customer rights pages (PIPL Art. 44-47, issue 9): find a file by its archive number, and the
access report for the customer (page and PDF). Rules are in access/policy/; the report is
built by records/rights/access_report.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from access import policy, workflow
from access.http import AuthenticatedHttpRequest
from access.policy import Capability
from audit import incidents
from audit.models import Incident
from core.forms import add_errors, posted
from core.refusals import Refused
from records.models import CustomerRecord
from records.rights import access_report, breach, subject_requests
from records.rights.forms import AnswerForm, BreachForm, FindFileForm, RegisterForm
from records.rights.models import SubjectRequest


@never_cache
@require_http_methods(["GET", "POST"])
def rights_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The customer-rights desk: open requests with their deadlines, registering a new one, and
    the access report of a file."""
    policy.require_can(request.user, Capability.CUSTOMER_RIGHTS)
    # Registering is the page's main form: any POST that is not a search binds it, so what was
    # typed comes back with the reason even when the form marker is missing.
    finding = request.POST.get("form") == "find"
    find = FindFileForm(request.POST if finding else None)
    new = RegisterForm(
        None if finding else posted(request), initial={"received_on": timezone.localdate()}
    )
    if finding and find.is_valid():
        return redirect("records:access_report", pk=find.cleaned_data["archive_number"].pk)
    if new.is_bound and new.is_valid():
        data = new.cleaned_data
        try:
            made = subject_requests.register(
                request.user,
                subject_requests.Intake(
                    kind=data["kind"], channel=data["channel"], received_on=data["received_on"],
                    identity_check=data["identity_check"], record=data["archive_number"],
                ),
            )  # fmt: skip
        except Refused as problem:
            new.add_error(None, str(problem))
        else:
            messages.success(
                request,
                _("Registered as %(number)s; answer due by %(due)s.")
                % {"number": made.number, "due": made.due_on.isoformat()},
            )
            return redirect("records:subject_request", request_id=made.pk)
    open_incidents = incidents.open_incidents().order_by("-reported_at")
    rows = []
    for made in SubjectRequest.objects.select_related("record")[:200]:
        left = subject_requests.working_days_left(made.due_on)
        rows.append((made, left, abs(left), workflow.is_open(made)))
    context = {"find": find, "new": new, "requests": rows, "incidents": open_incidents[:20]}
    status = 400 if request.method == "POST" else 200
    return render(request, "records/rights/rights.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def subject_request_view(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    policy.require_can(request.user, Capability.CUSTOMER_RIGHTS)
    made = get_object_or_404(SubjectRequest.objects.select_related("record"), pk=request_id)
    form = AnswerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            subject_requests.answer(request.user, made, form.cleaned_data["note"])
        except Refused as problem:
            made.refresh_from_db()
            if workflow.is_open(made):
                add_errors(form, problem)
            else:  # answered meanwhile (another tab): the page shows that answer, and why
                messages.error(request, str(problem))
                return redirect("records:subject_request", request_id=made.pk)
        else:
            messages.success(request, _("Answered. Print the letter for the customer."))
            return redirect("records:subject_request", request_id=made.pk)
    context = {
        "made": made,
        "open": workflow.is_open(made),
        "can": workflow.available_actions(request.user, made),
        "form": form,
        "days_left": subject_requests.working_days_left(made.due_on),
    }
    status = 400 if form.is_bound else 200
    return render(request, "records/rights/subject_request.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def subject_letter_view(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    policy.require_can(request.user, Capability.CUSTOMER_RIGHTS)
    made = get_object_or_404(SubjectRequest, pk=request_id)
    try:
        data = subject_requests.letter_pdf(request.user, made)
    except Refused as problem:
        messages.error(request, str(problem))
        return redirect("records:subject_request", request_id=made.pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{made.number}.pdf"'
    return response


@never_cache
@require_http_methods(["GET"])
def access_report_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    record = get_object_or_404(CustomerRecord, pk=pk)
    report = access_report.build(request.user, record)
    return render(
        request, "records/rights/access_report.html", {"report": report, "record": record}
    )


@never_cache
@require_http_methods(["GET"])
def access_report_pdf_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    record = get_object_or_404(CustomerRecord, pk=pk)
    report = access_report.build_for_customer(request.user, record)
    response = HttpResponse(access_report.render_pdf(report), content_type="application/pdf")
    name = f"{record.archive_number or 'draft'}-access-report.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def breach_view(request: AuthenticatedHttpRequest, incident_id: int) -> HttpResponse:
    """The breach kit for one incident (PIPL Art. 57)."""
    policy.require_can(request.user, Capability.BREACH_RESPONSE)
    incident = get_object_or_404(Incident, pk=incident_id)
    now = timezone.localtime().replace(second=0, microsecond=0)
    start = timezone.localtime(incident.occurred_at or incident.reported_at) - timedelta(days=7)
    minute = "%Y-%m-%dT%H:%M"
    form = BreachForm(
        posted(request),
        initial={"since": start.strftime(minute), "until": now.strftime(minute)},
    )
    kit = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kit = breach.compute(
            request.user, incident, list(data["actors"]), data["since"], data["until"],
            scope=set(data["scope"]),
        )  # fmt: skip
    context = {
        "incident": incident,
        "form": form,
        "kit": kit,
        "authority": kit.authority_notice(request.user) if kit else "",
        "individual": kit.individual_notice() if kit else "",
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "records/rights/breach.html", context, status=status)
