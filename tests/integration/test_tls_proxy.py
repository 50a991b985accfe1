"""The TLS proxy of compose's "proxy" profile, for real (issue 18 §5): nginx with
deploy/nginx/baomi.conf in front of gunicorn started with compose's web command, in production
mode with .env.example's proxy settings. Only what a machine needs is moved: the listening
ports, the upstream address and the certificate folder (a certificate made for the test).

A browser reaches Baomi over HTTPS with no redirect loop, plain HTTP is redirected, HSTS comes
once, an upload above nginx's default 1 MB reaches Baomi, the request id of nginx's access log
is the one Baomi answers with, and an X-Forwarded-For a client makes up never reaches the audit
log."""

from __future__ import annotations

import http.client
import subprocess
import sys
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from audit.models import AuditEvent
from tests.integration import proxy
from tests.integration.stack import (
    ROOT,
    Process,
    compose_command,
    csrf_token,
    free_port,
    production_env,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proxied(tmp_path):
    if connection.vendor != "postgresql" or settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("production mode needs PostgreSQL and a broker (the PostgreSQL + Redis leg)")
    proxy.require()
    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = production_env(f"{url}/{db['NAME']}", settings.CELERY_BROKER_URL, tmp_path / "var")
    web_port = free_port()
    argv = [
        f"--bind=127.0.0.1:{web_port}" if part.startswith("--bind=") else part
        for part in compose_command("web")
    ]
    collected = subprocess.run(  # the Dockerfile's build step
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert collected.returncode == 0, collected.stderr
    web = Process("web", argv, tmp_path / "web.log")
    web.start(env)
    nginx = proxy.Proxy(web_port, tmp_path / "nginx")
    try:
        nginx.start()
        yield nginx
    finally:
        nginx.stop()
        web.stop()
    assert "Traceback" not in web.output(), web.output()


def test_i18_5_baomi_behind_the_proxy_profile_serves_https_with_the_right_headers(proxied):
    https_port, http_port = proxied.https_port, proxied.http_port

    # Plain HTTP only redirects to HTTPS.
    plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
    plain.request("GET", "/accounts/login/")
    redirect = plain.getresponse()
    assert redirect.status == 301
    assert redirect.getheader("Location").startswith("https://")
    plain.close()

    # Over HTTPS the sign-in page answers at once: no redirect loop, HSTS exactly once.
    status, headers, body = proxied.request("GET", "/accounts/login/")
    assert status == 200, body[:300]
    assert len(headers.get_all("Strict-Transport-Security")) == 1
    request_id = headers["X-Request-ID"]
    # nginx's id is Baomi's: one grep follows the request (nginx logs it as the request ends).
    wait_for("nginx's access log line", lambda: request_id in proxied.access_log())

    # A made-up X-Forwarded-For never reaches the audit log; the real address does. A failed
    # sign-in is logged with its address: one, sent with a forged header.
    cookie = "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or [])
    form = urlencode({"csrfmiddlewaretoken": csrf_token(body.decode()), "username": "nobody",
                      "password": "wrong-password"})  # fmt: skip
    status, _headers, _body = proxied.request(
        "POST", "/accounts/login/", body=form.encode(),
        headers={"X-Forwarded-For": "203.0.113.66", "Cookie": cookie,
                 "Content-Type": "application/x-www-form-urlencoded",
                 "Referer": f"https://127.0.0.1:{https_port}/accounts/login/",
                 "Origin": f"https://127.0.0.1:{https_port}"},
    )  # fmt: skip
    assert status == 200, _body.decode()[_body.decode().find("<main") :][:800]  # the form again
    failed = AuditEvent.objects.filter(action="auth.sign_in_failed")
    assert list(failed.values_list("ip_address", flat=True)) == ["127.0.0.1"]

    # An upload above nginx's default 1 MB reaches Baomi (which answers it), not nginx's 413.
    big = b"x" * (11 * 1024 * 1024)
    status, headers, _body = proxied.request(
        "POST", "/accounts/login/", body=big,
        headers={"Content-Type": "application/octet-stream"},
    )  # fmt: skip
    assert status != 413, _body[:500]
    assert headers["X-Request-ID"], (status, dict(headers), _body[:500])  # answered by Baomi
