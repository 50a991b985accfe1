"""The web shell: security headers, health check, error pages, language switch (issue 2 §7)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


def test_strict_content_security_policy_on_every_page():
    response = Client().get(reverse("access:login"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "http" not in policy  # no external origin anywhere


def test_security_headers_and_no_caching_of_pages(sales_person):
    response = client_verified(sales_person).get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_session_and_csrf_cookies_are_http_only(sales_person):
    client = Client()
    client.get(reverse("access:login"))
    assert client.cookies["csrftoken"]["httponly"]


def test_health_check_is_open_and_reveals_nothing_but_status():
    response = Client().get(reverse("health"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


def test_i18_1_probes_answer_on_the_containers_own_address_without_redirect_or_host_check(
    settings,
):
    """Production settings (allowed host baomi.example.com, HTTPS redirect) and a plain request
    to 127.0.0.1: what a container's healthcheck sends."""
    settings.ALLOWED_HOSTS = ["baomi.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    for name in ("health", "ready"):
        response = Client().get(reverse(name), HTTP_HOST="127.0.0.1:8000")
        assert response.status_code == 200, name
    assert Client().get("/", HTTP_HOST="127.0.0.1:8000").status_code == 400  # others still not


def test_i18_1_readiness_reports_what_is_behind_with_ages(db):
    body = json.loads(Client().get(reverse("ready")).content)
    assert body["database"] == "ok"
    assert body["status"] in ("ok", "degraded")
    assert {"worker_age_seconds", "backup_age_seconds", "unsealed_events"} <= set(body)


def test_csrf_failure_explains_what_to_do():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("access:login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "This form expired" in response.content.decode()


def test_unknown_url_gives_a_friendly_404_to_signed_in_people(sales_person):
    response = client_verified(sales_person).get("/no/such/page/")
    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()


def test_language_switch_changes_the_page_language():
    client = Client()
    english = client.get(reverse("access:login"))
    assert "Sign in" in english.content.decode()
    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": "/accounts/login/"}
    )
    assert response.status_code == 302
    chinese = client.get(reverse("access:login")).content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert "登录" in chinese
    assert "Sign in with your own account" not in chinese
