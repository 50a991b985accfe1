"""Health probes answered before anything else (issue 18 §1)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from config import metrics, views


class HealthProbeMiddleware:
    """Answers /healthz and /readyz first, before the host check, the HTTPS redirect, sessions
    or the sign-in gate (issue 18 §1): a container's own healthcheck asks 127.0.0.1 over plain
    HTTP, which production otherwise refuses (400) or redirects (301), so the service never
    turned healthy. The answers say nothing but status and ages. /metrics (config/metrics.py)
    is answered here for the same reason: the scraper asks the container by its service name."""

    PATHS = {"/healthz": "health_view", "/readyz": "ready_view", "/metrics": "metrics_view"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = self.PATHS.get(request.path_info)
        if name is None:
            return self.get_response(request)
        return getattr(metrics if name == "metrics_view" else views, name)(request)
