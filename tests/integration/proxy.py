"""Compose's TLS proxy (deploy/nginx/baomi.conf) as a process on loopback, in front of a gunicorn
the tests started: only the listening ports, the upstream address and the certificate folder
(a certificate made here, for 127.0.0.1) differ from the container (issue 18 §5)."""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import os
import shutil
import ssl
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.integration.stack import ROOT, free_port, wait_for

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def require() -> None:
    """Skip without nginx (printing why), except under CI=true, where .ci/run installs it."""
    import pytest

    if Path(NGINX).exists():
        return
    missing = f"no nginx at {NGINX} (apt-get install nginx-light; .ci/run does)"
    if os.environ.get("CI") == "true":
        pytest.fail(missing)
    pytest.skip(missing)


def certificate(folder: Path) -> Path:
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


def nginx_config(work: Path, web_port: int, http_port: int, https_port: int) -> Path:
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


@dataclass
class Proxy:
    """nginx with compose's site configuration in front of ``127.0.0.1:web_port``."""

    web_port: int
    work: Path
    https_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    popen: subprocess.Popen | None = None

    def start(self) -> None:
        ca = certificate(self.work / "tls")
        self.context = ssl.create_default_context(cafile=str(ca))
        main = nginx_config(self.work, self.web_port, self.http_port, self.https_port)
        self.popen = subprocess.Popen(
            [NGINX, "-p", str(self.work), "-c", str(main), "-g", "daemon off;"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        wait_for("nginx in front of gunicorn", self._answers)

    def _answers(self) -> bool:
        assert self.popen is not None, "nginx was not started"
        assert self.popen.poll() is None, self.log()
        try:
            return self.request("GET", "/healthz")[0] == 200
        except OSError:
            return False

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """One HTTPS request through the proxy, as a browser sends it (no forwarded headers)."""
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, context=self.context, timeout=60
        )
        try:
            conn.request(method, path, body=body or None, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def log(self) -> str:
        error = self.work / "error.log"
        return error.read_text(errors="replace") if error.exists() else ""

    def access_log(self) -> str:
        access = self.work / "access.log"
        return access.read_text(errors="replace") if access.exists() else ""

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            self.popen.wait(timeout=10)
