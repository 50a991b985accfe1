"""Prometheus metrics (issue 18 §10): off without a token, refused without the right one,
answered before the host check for the scraper inside the compose network, request figures by
view name (never a path) and the background machinery's figures from the database."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from config.metrics import metrics_settings
from core.models import JobRun
from tests.factories import approved, build_world
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db

TOKEN = "scrape-me-7f3a-0123456789abcdefghijklmnop"


def _metrics_on(settings) -> None:
    found = metrics_settings(_Env(TOKEN), list(settings.INSTALLED_APPS), list(settings.MIDDLEWARE))
    settings.BAOMI_METRICS_TOKEN = found["BAOMI_METRICS_TOKEN"]
    settings.MIDDLEWARE = found["MIDDLEWARE"]


class _Env:
    def __init__(self, token: str) -> None:
        self.token = token

    def str(self, name: str, default: str = "") -> str:
        return self.token if name == "BAOMI_METRICS_TOKEN" else default


def _value(body: str, name: str, **labels: str) -> float:
    for line in body.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        if head.split("{")[0] != name:
            continue
        if all(f'{key}="{wanted}"' in head for key, wanted in labels.items()):
            return float(value)
    raise AssertionError(f"{name} {labels} not in the metrics")


def test_i18_10_without_a_token_there_is_no_metrics_page(client):
    assert client.get("/metrics").status_code == 404


def test_i18_10_metrics_off_add_no_middleware(settings):
    found = metrics_settings(_Env(""), ["a"], ["probe", "rest"])
    assert found == {"BAOMI_METRICS_TOKEN": ""}
    on = metrics_settings(_Env(TOKEN), ["a"], list(settings.MIDDLEWARE))
    assert on["MIDDLEWARE"][0] == settings.MIDDLEWARE[0]  # the health probes stay first
    assert on["MIDDLEWARE"][1].endswith("PrometheusBeforeMiddleware")
    assert on["MIDDLEWARE"][-2] == "config.metrics_middleware.AfterMiddleware"
    assert on["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"  # still last, as it must be
    assert on["INSTALLED_APPS"] == ["a", "django_prometheus"]


def test_i18_10_a_short_token_is_named_among_the_production_key_problems():
    from config.keychecks import key_problems

    assert any("BAOMI_METRICS_TOKEN" in p for p in key_problems({"BAOMI_METRICS_TOKEN": "short"}))
    assert not any("BAOMI_METRICS_TOKEN" in p for p in key_problems({"BAOMI_METRICS_TOKEN": ""}))
    assert not any("BAOMI_METRICS_TOKEN" in p for p in key_problems({"BAOMI_METRICS_TOKEN": TOKEN}))


def test_i18_10_a_scrape_without_the_right_token_is_refused(client, settings):
    _metrics_on(settings)
    missing = client.get("/metrics")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    assert b"django_http" not in wrong.content
    # gunicorn passes header bytes as latin-1: a refusal, not a server error.
    odd = client.get("/metrics", headers={"Authorization": "Bearer caf\u00e9\u00ff"})
    assert odd.status_code == 401


def test_i18_10_the_scraper_reads_requests_by_view_and_the_background_figures(client, settings):
    _metrics_on(settings)
    now = timezone.now()
    JobRun.objects.create(
        name="audit.verify", started_at=now - timedelta(seconds=95),
        finished_at=now - timedelta(seconds=5), ok=True,
    )  # fmt: skip
    for _ in range(3):
        assert client.get("/accounts/login/").status_code == 200
    world = build_world()
    record = approved(world.sales, world.head)
    seller = client_verified(world.sales)
    assert seller.get(f"/records/{record.pk}/").status_code == 200
    # A made-up method from the Internet is counted, but never becomes a label of its own.
    for made_up in ("FOOBARBAZ", "QWERTYUIOPASDFGHJKLZ"):
        assert client.generic(made_up, "/accounts/login/").status_code == 405

    # As Prometheus asks inside the compose network: by service name, plain HTTP.
    answer = client.get(
        "/metrics", HTTP_HOST="web:8000", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain")
    body = answer.content.decode()

    counted = _value(
        body, "django_http_requests_total_by_view_transport_method_total", view="access:login"
    )
    assert counted >= 3
    viewed = {"view": "records:detail", "method": "GET"}
    assert _value(body, "django_http_requests_latency_seconds_by_view_method_count", **viewed) == 1
    assert str(record.pk) not in body  # labelled by the view's name, never its address
    assert "FOOBARBAZ" not in body
    assert "QWERTYUIOP" not in body
    assert _value(
        body, "django_http_responses_total_by_status_view_method_total",
        method="<invalid method>", status="405",
    ) == 2  # fmt: skip
    assert _value(body, "baomi_database_up") == 1
    assert _value(body, "baomi_worker_heartbeat_age_seconds") == float("inf")  # never beat
    assert _value(body, "baomi_job_last_duration_seconds", job="audit.verify") == pytest.approx(
        90, abs=1
    )
    assert _value(body, "baomi_job_last_run_ok", job="audit.verify") == 1
    assert _value(body, "baomi_outbox_waiting") == 0
    assert _value(body, "baomi_audit_unsealed_events") >= 0
    assert re.search(r"^baomi_operations_alerts_open 0\.0$", body, re.M)
