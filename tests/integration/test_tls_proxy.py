"""The TLS proxy of compose's "proxy" profile, for real (issue 18 §5): nginx with
deploy/nginx/baomi.conf in front of gunicorn started with compose's web command, in production
mode with .env.example's proxy settings. Only what a machine needs is moved: the listening
ports, the upstream address and the certificate folder (a certificate made for the test).

A browser reaches Baomi over HTTPS with no redirect loop, plain HTTP is redirected, HSTS comes
once, an upload above nginx's default 1 MB reaches Baomi, the request id of nginx's access log
is the one Baomi answers with, and an X-Forwarded-For a client makes up never reaches the audit
log."""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import os
import shutil
import ssl
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from audit.models import AuditEvent
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

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _certificate(folder: Path) -> Path:
    """A self-signed certificate for 127.0.0.1, as fullchain.pem and privkey.pem."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True)
    (folder / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return folder / "fullchain.pem"


def _nginx_config(work: Path, web_port: int, http_port: int, https_port: int) -> Path:
    site = (ROOT / "deploy" / "nginx" / "baomi.conf").read_text()
    for before, after in (
        ("${BAOMI_SERVER_NAME}", "_"),  # what the image's envsubst does with compose's default
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("http://web:8000", f"http://127.0.0.1:{web_port}"),
        ("/etc/nginx/tls/", f"{work}/tls/"),
    ):
        assert before in site, before
        site = site.replace(before, after)
    (work / "site.conf").write_text(site)
    main = work / "nginx.conf"
    # As root, nginx's workers would drop to "nobody", who cannot enter pytest's 0700 folders
    # to buffer a large body; in the image they run as nginx with folders of their own.
    user = "user root;\n" if os.geteuid() == 0 else ""
    main.write_text(
        f"{user}pid {work}/nginx.pid;\nerror_log {work}/error.log;\nevents {{}}\n"
        f"http {{\n  log_format ids '$remote_addr $status $request_id';\n"
        f"  access_log {work}/access.log ids;\n"
        f"  client_body_temp_path {work}/body;\n  proxy_temp_path {work}/proxy;\n"
        f"  include {work}/site.conf;\n}}\n"
    )
    return main


@pytest.fixture
def proxied(tmp_path):
    if connection.vendor != "postgresql" or settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("production mode needs PostgreSQL and a broker (the PostgreSQL + Redis leg)")
    if not Path(NGINX).exists():
        missing = f"no nginx at {NGINX} (apt-get install nginx-light; .ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = production_env(f"{url}/{db['NAME']}", settings.CELERY_BROKER_URL, tmp_path / "var")
    env.update(BAOMI_BEHIND_TLS_PROXY="true", BAOMI_PROXY_COUNT="1")  # .env.example's
    web_port, http_port, https_port = free_port(), free_port(), free_port()
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
    work = tmp_path / "nginx"
    ca = _certificate(work / "tls")
    main = _nginx_config(work, web_port, http_port, https_port)
    nginx = subprocess.Popen(
        [NGINX, "-p", str(work), "-c", str(main), "-g", "daemon off;"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    context = ssl.create_default_context(cafile=str(ca))
    try:
        wait_for("gunicorn and nginx", lambda: _answers(https_port, context))
        yield https_port, http_port, context, work
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        web.stop()
    assert "Traceback" not in web.output(), web.output()


def _answers(port: int, context: ssl.SSLContext) -> bool:
    try:
        return _https(port, context, "GET", "/healthz")[0] == 200
    except OSError:
        return False


def _https(port, context, method, path, body=b"", headers=None):
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def test_i18_5_baomi_behind_the_proxy_profile_serves_https_with_the_right_headers(proxied):
    https_port, http_port, context, work = proxied

    # Plain HTTP only redirects to HTTPS.
    plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
    plain.request("GET", "/accounts/login/")
    redirect = plain.getresponse()
    assert redirect.status == 301
    assert redirect.getheader("Location").startswith("https://")
    plain.close()

    # Over HTTPS the sign-in page answers at once: no redirect loop, HSTS exactly once.
    status, headers, body = _https(https_port, context, "GET", "/accounts/login/")
    assert status == 200, body[:300]
    assert len(headers.get_all("Strict-Transport-Security")) == 1
    request_id = headers["X-Request-ID"]
    # nginx's id is Baomi's: one grep follows the request (nginx logs it as the request ends).
    wait_for("nginx's access log line", lambda: request_id in (work / "access.log").read_text())

    # A made-up X-Forwarded-For never reaches the audit log; the real address does. A failed
    # sign-in is logged with its address: one, sent with a forged header.
    cookie = "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or [])
    form = urlencode({"csrfmiddlewaretoken": csrf_token(body.decode()), "username": "nobody",
                      "password": "wrong-password"})  # fmt: skip
    status, _headers, _body = _https(
        https_port, context, "POST", "/accounts/login/", body=form.encode(),
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
    status, headers, _body = _https(
        https_port, context, "POST", "/accounts/login/", body=big,
        headers={"Content-Type": "application/octet-stream"},
    )  # fmt: skip
    assert status != 413, _body[:500]
    assert headers["X-Request-ID"], (status, dict(headers), _body[:500])  # answered by Baomi
