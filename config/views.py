"""Project-wide views: health check and error pages."""

from __future__ import annotations

import sys
from datetime import datetime

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

import audit
from audit.api import record_denied


@never_cache
@require_http_methods(["GET", "HEAD"])
def health_view(request: HttpRequest) -> JsonResponse:
    """Liveness (issue 18 §1): the process answers. Nothing it depends on is asked, so a load
    balancer never drops a web server that still serves because Redis is down. Answered by
    core.middleware.HealthProbeMiddleware before any host check or HTTPS redirect."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_http_methods(["GET", "HEAD"])
def ready_view(request: HttpRequest) -> JsonResponse:
    """Readiness: 503 "down" when the database cannot be reached (nothing works without it);
    otherwise 200, "ok" or "degraded" with what is behind: the broker, the worker's heartbeat,
    the last good backup and the sealer, each with its age in seconds."""
    database = _check_database()
    broker = _check_broker()
    report: dict[str, object] = {"database": database, "broker": broker}
    degraded = broker == "error"
    if database == "ok":
        from core import health

        now = timezone.now()
        for row in health.status():
            at = row.at if isinstance(row.at, datetime) else None
            report[f"{row.label}_age_seconds"] = int((now - at).total_seconds()) if at else None
            degraded = degraded or (row.label in ("worker", "backup") and not row.ok)
        from audit import chain

        backlog, since_seal = chain.unsealed_backlog()
        report["unsealed_events"] = backlog
        report["seconds_since_last_seal"] = None if since_seal is None else int(since_seal)
        lagging = since_seal is not None and since_seal > settings.BAOMI_AUDIT_SEAL_LAG_WARNING
        degraded = degraded or lagging
    if settings.CELERY_TASK_ALWAYS_EAGER:  # embedded: no worker, no beat by design
        degraded = broker == "error"
    status = "down" if database != "ok" else "degraded" if degraded else "ok"
    return JsonResponse({"status": status, **report}, status=503 if status == "down" else 200)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "not reachable" here
        return "error"
    return "ok"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # any failure means "not reachable" here
        return "error"
    return "ok"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    record_denied(request, "csrf")
    message = _(
        "This form expired or was sent from another page. Go back, reload the page and try again. "
        "What you typed is still in the form when you go back."
    )
    return render(request, "403.html", {"reason": message}, status=403)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    denied = record_denied(request, "permission")
    if getattr(exception, "expired_grant", False):
        url_name = denied.details["url_name"]
        audit.record(request.user, "grant.expired_use", url_name=url_name)
    # The policy's refusals carry a reason written for the user (access.policy.Denied).
    reason = getattr(exception, "reason", "")
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database cannot be reached (restarting, failing over): the person is
    told to wait and try again, with Retry-After. Neither page touches the database."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(
            loader.render_to_string("503.html"), status=503, content_type="text/html"
        )
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500, content_type="text/html")
