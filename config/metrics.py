"""Prometheus metrics, off unless ``BAOMI_METRICS_TOKEN`` is set (issue 18 §10).

Two kinds of figures share ``/metrics``:

* **requests**, counted by django-prometheus' two middlewares: per view name, method and status,
  with latency histograms. Labels are view names, never paths, so no file number, token or
  search term becomes a label. Under gunicorn's several workers each worker writes its figures
  to ``PROMETHEUS_MULTIPROC_DIR`` (config/gunicorn_conf.py empties it at start) and a scrape
  adds them up, whichever worker answers;
* **the background machinery**, read from the database at each scrape: the worker's heartbeat
  age, the last good backup and restore drill, the audit chain's sealing lag, the queue's
  length, mail waiting in the outbox, open operations alerts, and each periodic job's last
  duration and outcome (its ``JobRun`` row, which the job itself writes in the worker).

The answer comes from the first middleware (config/probes.py), like the health probes: the
scraper asks ``web:8000`` inside the compose network, a host Django would refuse and a scheme it
would redirect. It needs ``Authorization: Bearer <token>``; without a configured token the path
does not exist (404). Nothing in it names a person or a customer.
"""

from __future__ import annotations

import hmac
import logging
import math
import os
from collections.abc import Iterator
from typing import Any

import environ
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger("baomi.metrics")

BEFORE = "django_prometheus.middleware.PrometheusBeforeMiddleware"
AFTER = "config.metrics_middleware.AfterMiddleware"
AXES = "axes.middleware.AxesMiddleware"  # stays last: it turns a flagged lockout into the answer


def metrics_settings(env: environ.Env, apps: list[str], middleware: list[str]) -> dict[str, Any]:
    """The token, and django-prometheus' app and middlewares only when metrics are on: the
    middlewares cost every request a little, which nobody should pay for figures nobody reads.
    ``PrometheusBeforeMiddleware`` goes right after the health probes (a probe is not a request
    worth counting); the after-middleware last but for django-axes, which must stay last. A
    production start refuses a token under 32 characters (config/keychecks.py)."""
    token = env.str("BAOMI_METRICS_TOKEN", default="").strip()
    found: dict[str, Any] = {"BAOMI_METRICS_TOKEN": token}
    if not token:
        return found
    found["INSTALLED_APPS"] = [*apps, "django_prometheus"]
    inner = [name for name in middleware[1:] if name != AXES]
    last = [AXES] if AXES in middleware else []
    found["MIDDLEWARE"] = [middleware[0], BEFORE, *inner, AFTER, *last]
    return found


def metrics_view(request: HttpRequest) -> HttpResponse:
    token = getattr(settings, "BAOMI_METRICS_TOKEN", "")
    if not token:
        return HttpResponse("Not Found\n", status=404, content_type="text/plain")
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    # Compared as bytes: a header in latin-1 (gunicorn passes any byte) is a wrong token, not
    # a TypeError from compare_digest.
    offered = value.strip().encode("utf-8", "surrogateescape")
    if scheme.lower() != "bearer" or not hmac.compare_digest(offered, token.encode()):
        log.warning("metrics scrape refused: %s", "wrong token" if given else "no token")
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="baomi-metrics"'
        return response
    if request.method not in ("GET", "HEAD"):
        return HttpResponse("Method Not Allowed\n", status=405, content_type="text/plain")
    body = generate_latest(_request_registry()) + generate_latest(_BAOMI)
    response = HttpResponse(body, content_type="text/plain; version=0.0.4; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _request_registry() -> CollectorRegistry:
    """Every gunicorn worker's request figures (multi-process mode), or this process's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    from prometheus_client import REGISTRY

    return REGISTRY


class BackgroundCollector(Collector):
    """Figures read from the database at scrape time: the same ones /readyz and the KPI page
    show, as numbers a dashboard can plot and alert on. A database that cannot be reached
    gives ``baomi_database_up 0`` and nothing else, never an error page."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from config.views import _check_broker, _check_database

        database = _check_database() == "ok"
        yield _gauge("baomi_database_up", "1 when the database answers.", float(database))
        broker = _check_broker()
        if broker != "eager":
            yield _gauge("baomi_broker_up", "1 when the Celery broker answers.", broker == "ok")
        if not database:
            return
        try:
            yield from self._from_database(broker_up=broker == "ok")
        except Exception:  # a scrape never fails on one figure; the log says which
            log.exception("metrics: reading the background figures failed")

    def _from_database(self, broker_up: bool) -> Iterator[GaugeMetricFamily]:
        from audit import chain
        from core import health
        from core.models import JobRun, OpsAlert
        from records.ops.models import OutboxMessage

        now = timezone.now()
        names = {
            "worker": ("baomi_worker_heartbeat_age_seconds", "Seconds since the worker beat."),
            "backup": ("baomi_backup_age_seconds", "Seconds since the last good backup."),
            "drill": ("baomi_restore_drill_age_seconds", "Seconds since the last good drill."),
        }
        for row in health.status():
            name, text = names[row.label]
            at = row.at
            age = (now - at).total_seconds() if at is not None else math.inf  # type: ignore[operator]
            yield _gauge(name, text + " +Inf when there never was one.", age)
        backlog, since_seal = chain.unsealed_backlog()
        yield _gauge("baomi_audit_unsealed_events", "Audit events not yet sealed.", backlog)
        yield _gauge(
            "baomi_audit_seal_lag_seconds",
            "Seconds since the sealer last sealed, while events wait; 0 when none wait.",
            since_seal or 0.0,
        )
        queue = _queue_length() if broker_up else None
        if queue is not None:
            family = GaugeMetricFamily(
                "baomi_queue_length", "Tasks waiting in the broker.", labels=["queue"]
            )
            family.add_metric([_queue_name()], queue)
            yield family
        waiting = OutboxMessage.objects.filter(sent_at=None, gave_up_at=None).count()
        yield _gauge("baomi_outbox_waiting", "Messages the outbox has not delivered yet.", waiting)
        alerts = OpsAlert.objects.filter(closed_at__isnull=True).count()
        yield _gauge("baomi_operations_alerts_open", "Operations problems open now.", alerts)
        duration = GaugeMetricFamily(
            "baomi_job_last_duration_seconds",
            "How long each periodic job's last recorded run took.",
            labels=["job"],
        )
        outcome = GaugeMetricFamily(
            "baomi_job_last_run_ok", "1 when the job's last recorded run succeeded.", labels=["job"]
        )
        age = GaugeMetricFamily(
            "baomi_job_last_run_age_seconds", "Seconds since the job last ran.", labels=["job"]
        )
        for job in _job_names():
            last = JobRun.objects.filter(name=job).order_by("-started_at").first()
            if last is None:
                continue
            ended = last.finished_at or now
            duration.add_metric([job], (ended - last.started_at).total_seconds())
            outcome.add_metric([job], float(last.ok))
            age.add_metric([job], (now - last.started_at).total_seconds())
        yield from (duration, outcome, age)


def _job_names() -> list[str]:
    """The jobs beat schedules (by task name), plus the backup and drill: a bounded label set,
    looked up one indexed row each, never a scan of the job table."""
    tasks = {str(entry["task"]) for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    return sorted(tasks | {"records.backup", "records.restore_drill"})


def _queue_length() -> int | None:
    """Asked only when the broker check said "ok" (so never in the embedded, eager mode)."""
    from celery import current_app

    try:
        # A broker that answered the check a moment ago; one short try, never kombu's retries.
        with current_app.connection_for_read(connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            # A virtual transport's channel (Redis): declaring the queue the worker already
            # declared answers its length. Passive would fail on an empty queue, which Redis
            # keeps as no key at all.
            channel: Any = conn.default_channel
            declared = channel.queue_declare(queue=_queue_name())
            return int(declared.message_count)
    except Exception:  # the broker is down: baomi_broker_up says so
        return None


def _queue_name() -> str:
    return str(getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery"))


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=float(value))


_BAOMI = CollectorRegistry(auto_describe=False)
_BAOMI.register(BackgroundCollector())
