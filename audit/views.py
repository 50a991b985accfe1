"""The auditor console, KPI dashboard and incident pages (R70, R71, R73).

Who may use which page is decided by access/policy/, asked through ``user.has_perm``; these
views never look at roles. Events hold no customer content, so nothing here can show any.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from audit import (
    actions,
    anchors,
    anomalies,
    chain,
    chain_export,
    console,
    incidents,
    kpis,
    signing,
    wording,
)
from audit.api import record, record_denied
from audit.forms import AlertCloseForm, EventFilterForm, IncidentReportForm, IncidentTriageForm
from audit.models import Alert, AuditEvent, Incident, VerificationRun
from audit.tasks import start_verification
from core import health
from core.csvsafe import row as csv_row
from core.jobs import latest_runs

EXPORT_MAX_ROWS = 100_000
EXPORT_COLUMNS = [
    gettext_lazy("No."),
    gettext_lazy("Chain seq."),
    gettext_lazy("Time"),
    gettext_lazy("Person"),
    gettext_lazy("Employee number"),
    gettext_lazy("Department"),
    gettext_lazy("Action"),
    gettext_lazy("Object type"),
    gettext_lazy("Object"),
    gettext_lazy("IP address"),
    gettext_lazy("Request number"),
    gettext_lazy("Details"),
]


def require_perm(perm: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return checked

    return decorator


def _filters(request: HttpRequest, **fixed: object) -> tuple[EventFilterForm, console.Filters]:
    form = EventFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    values: dict[str, Any] = {
        key: data.get(key) or ("" if key not in ("date_from", "date_to") else None)
        for key in (
            "actor",
            "department",
            "action",
            "target_type",
            "target_id",
            "date_from",
            "date_to",
        )
    }
    values.update(fixed)
    return form, console.Filters(**values)


def _prepare_rows(rows: list[AuditEvent]) -> None:
    """Everything a row shows, computed once here: the table is the heaviest part of the page."""
    person = reverse("audit:person", args=[0]).removesuffix("0/")
    target = reverse("audit:target", args=["t", "0"]).removesuffix("t/0/")
    for event in rows:
        event.action_label = actions.label(event.action)
        event.when = timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S")
        event.person_url = f"{person}{event.actor_id}/" if event.actor_id else ""
        event.target_url = (
            f"{target}{quote(event.target_type)}/{quote(event.target_id)}/"
            if event.target_type
            else ""
        )
        event.target_type_label = wording.object_type(event.target_type)
        event.target_label = wording.target_label(event.target_label)
        event.detail_pairs = wording.details(event.details, event.action)


def _query_without_cursor(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("after", None)
    return query.urlencode()


def _event_list(request: HttpRequest, template: str, heading: str, **fixed: object) -> dict:
    form, filters = _filters(request, **fixed)
    rows: list[AuditEvent]
    if form.is_bound and not form.is_valid():
        rows, next_cursor = [], ""  # say what is wrong rather than show unfiltered events
    else:
        rows, next_cursor = console.page(filters, request.GET.get("after"))
    _prepare_rows(rows)
    record(
        request.user,
        "audit.console_view",
        page=template.rsplit("/", 1)[-1].removesuffix(".html"),
        **{f"filter_{k}": v for k, v in filters.as_details().items()},
    )
    context = {
        "form": form,
        "events": rows,
        "next_cursor": next_cursor,
        "query": _query_without_cursor(request),
        "heading": heading,
        "can_export": request.user.has_perm("audit.export_events"),
        "action_groups": wording.grouped_actions(),
        # Filters fixed by the page itself (the person, the target) are not offered again.
        "hidden_filters": [name for name in fixed if name != "actor_id"]
        + (["actor"] if "actor_id" in fixed else []),
    }
    return context


@require_http_methods(["GET"])
@require_perm("audit.view_console")
def events_view(request: HttpRequest) -> HttpResponse:
    context = _event_list(request, "audit/events.html", _("Audit log"))
    return render(request, "audit/events.html", context)


@require_http_methods(["GET"])
@require_perm("audit.view_console")
def person_view(request: HttpRequest, user_id: int) -> HttpResponse:
    from django.contrib.auth import get_user_model

    person = get_object_or_404(get_user_model(), pk=user_id)
    context = _event_list(
        request,
        "audit/person.html",
        _("Activity of %(name)s") % {"name": person},
        actor_id=person.pk,
    )
    since = timezone.now() - timedelta(days=30)
    context["person"] = person
    context["summary"] = [
        {"label": actions.label(row["action"]), "n": row["n"]}
        for row in AuditEvent.objects.filter(actor_id=person.pk, occurred_at__gte=since)
        .values("action")
        .annotate(n=Count("id"))
        .order_by("-n")
    ]
    return render(request, "audit/person.html", context)


@require_http_methods(["GET"])
@require_perm("audit.view_console")
def target_view(request: HttpRequest, target_type: str, target_id: str) -> HttpResponse:
    label = (
        AuditEvent.objects.filter(target_type=target_type, target_id=target_id)
        .exclude(target_label="")
        .values_list("target_label", flat=True)
        .first()
    )
    named = wording.target_label(label) if label else wording.object_type(target_type)
    heading = _("Who touched %(target)s") % {"target": named}
    context = _event_list(
        request, "audit/target.html", heading, target_type=target_type, target_id=target_id
    )
    context.update({"target_type": target_type, "target_id": target_id})
    return render(request, "audit/target.html", context)


def _export_line(writer: Any, event: AuditEvent) -> str:
    return writer.writerow(
        csv_row(
            [
                event.pk,
                event.seq or "",
                timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
                event.actor_name,
                event.actor_number,
                event.actor_department,
                actions.label(event.action),
                wording.object_type(event.target_type) if event.target_type else "",
                wording.target_label(event.target_label) or event.target_id,
                event.ip_address or "",
                event.request_id,
                wording.details_text(event.details, event.action),
            ]
        )
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_http_methods(["GET"])
@require_perm("audit.export_events")
def export_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form, filters = _filters(request)
    if form.is_bound and not form.is_valid():
        # The console says what is wrong with the filters; a download cannot.
        return redirect(f"{reverse('audit:events')}?{request.GET.urlencode()}")
    now = timezone.localtime()
    record(
        request.user,
        "audit.export",
        limit=EXPORT_MAX_ROWS,
        **{f"filter_{k}": v for k, v in filters.as_details().items()},
    )
    writer = csv.writer(_Echo())

    language = translation.get_language()

    def lines() -> Iterator[str]:
        # Excel and WPS read UTF-8 (Chinese) correctly only with a BOM; the header comes first
        # so that the file opens as a table. Who exported what, when, is in the audit trail.
        # The rows are written after the view returned, outside the request's language.
        yield "\ufeff"
        with translation.override(language):
            header = writer.writerow([str(title) for title in EXPORT_COLUMNS])
        yield header
        for event in console.stream(filters, EXPORT_MAX_ROWS):
            with translation.override(language):
                line = _export_line(writer, event)
            yield line

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="baomi-audit-{now:%Y%m%d-%H%M%S}.csv"'
    return response


@require_http_methods(["GET", "POST"])
@require_perm("audit.view_console")
def chain_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        run = start_verification(request.user)
        if run.outcome != VerificationRun.Outcome.FAILED:
            messages.info(request, _("Verification started. This page shows its progress."))
        else:
            messages.error(
                request,
                _(
                    "The background worker cannot be reached at the moment (its message broker "
                    "is down), so the verification was not started. Try again in a few minutes; "
                    "the nightly verification runs by itself once the broker is back."
                ),
            )
        return redirect("audit:chain")
    runs = list(VerificationRun.objects.all()[:10])
    backlog, since_seal = chain.unsealed_backlog()
    context = {
        "runs": runs,
        "running": any(r.outcome == VerificationRun.Outcome.RUNNING for r in runs),
        "anchors": list(reversed(anchors.read_anchors()))[:20],
        "head": chain.chain_head(),
        "public_key": signing.public_key_text(),
        "may_export": request.user.has_perm("audit.export_events"),
        "backlog": backlog,
        "since_seal": since_seal,
        "seal_lagging": since_seal is not None
        and since_seal > settings.BAOMI_AUDIT_SEAL_LAG_WARNING,
    }
    return render(request, "audit/chain.html", context)


@require_http_methods(["GET"])
@require_perm("audit.export_events")
def chain_export_view(request: HttpRequest) -> FileResponse:
    """Everything an outside auditor needs to verify the log without Baomi (issue 17 §9): the
    events as hashed, the seal blocks, the signed anchors and the public key, in one zip."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    counts = chain_export.write_export(spool)
    spool.seek(0)
    record(request.user, "audit.chain_exported", **counts)
    name = f"baomi-audit-{timezone.localtime():%Y%m%d-%H%M}.zip"
    return FileResponse(spool, as_attachment=True, filename=name, content_type="application/zip")


@require_http_methods(["GET"])
@require_perm("audit.view_kpis")
def kpis_view(request: HttpRequest) -> HttpResponse:
    context = {
        "weeks": kpis.weekly(12),
        "open_alerts": anomalies.open_alerts()[:50],
        "can_close_alerts": request.user.has_perm("audit.triage_incidents"),
        "close_form": AlertCloseForm(),
        "jobs": latest_runs(15) if request.user.has_perm("audit.view_console") else [],
        "system": health.status() if request.user.has_perm("audit.view_console") else [],
        "problems": health.open_problems(),
        "open_incidents": incidents.open_incidents().count(),
    }
    return render(request, "audit/kpis.html", context)


@require_POST
@require_perm("audit.triage_incidents")
def alert_close_view(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=alert_id)
    form = AlertCloseForm(request.POST)
    if form.is_valid():
        anomalies.close(request.user, alert, form.cleaned_data["closing_note"])
        messages.success(request, _("Alert closed."))
    else:
        messages.error(request, _("Write why the alert is closed."))
    return redirect("audit:kpis")


@require_http_methods(["GET"])
@require_perm("audit.report_incidents")
def incidents_view(request: HttpRequest) -> HttpResponse:
    listed = incidents.visible_incidents(request.user).select_related("reporter")[:200]
    can_triage = request.user.has_perm("audit.triage_incidents")
    overdue = set(incidents.overdue().values_list("pk", flat=True)) if can_triage else set()
    open_ids = set(incidents.open_incidents().values_list("pk", flat=True)) if can_triage else set()
    context = {
        "incidents": listed,
        "can_triage": can_triage,
        "overdue": overdue,
        "open_ids": open_ids,
    }
    return render(request, "audit/incidents.html", context)


@require_http_methods(["GET", "POST"])
@require_perm("audit.report_incidents")
def incident_new_view(request: HttpRequest) -> HttpResponse:
    form = IncidentReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        incident = incidents.report(
            request.user,
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            occurred_at=form.cleaned_data["occurred_at"],
            archive_numbers=form.cleaned_data["archive_numbers"],
        )
        messages.success(
            request,
            _("Thank you. Incident %(ref)s was reported to the information-security officer.")
            % {"ref": incident.reference},
        )
        return redirect("audit:incident", incident_id=incident.pk)
    return render(request, "audit/incident_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_perm("audit.report_incidents")
def incident_view(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_object_or_404(Incident, pk=incident_id)
    if not incidents.visible_incidents(request.user).filter(pk=incident.pk).exists():
        # Someone else's report: answered as if it did not exist, and recorded (DESIGN.md).
        record_denied(request, "not_visible")
        raise Http404
    form = None
    if incidents.may_triage(request.user, incident):
        initial = {
            "severity": incident.severity,
            "status": incident.status,
            "actions_taken": incident.actions_taken,
            "closing_summary": incident.closing_summary,
        }
        form = IncidentTriageForm(
            request.POST if request.method == "POST" else None, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            incidents.triage(request.user, incident, **form.cleaned_data)
            messages.success(request, _("Incident %(ref)s updated.") % {"ref": incident.reference})
            return redirect("audit:incident", incident_id=incident.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "audit/incident.html", {"incident": incident, "form": form})
