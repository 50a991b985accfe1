"""The production stack as real processes on loopback: gunicorn, a Celery worker and beat, started
with the very commands docker-compose.yml gives (only the bind address and the beat schedule file
are moved), compose's nginx in front (tests/integration/proxy.py), and a small HTTPS client that
behaves like a browser: it sends no forwarded header, the proxy does.

Used by tests/integration/test_real_stack.py (issue 7 §5).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _compose_defaults(names: tuple[str, ...]) -> dict[str, str]:
    """The defaults docker-compose.yml writes as ${NAME:-default} in the web environment."""
    environment = COMPOSE["services"]["web"]["environment"]
    found = {}
    for name in names:
        match = re.fullmatch(r"\$\{\w+:-(.*)\}", str(environment[name]))
        found[name] = match.group(1) if match else str(environment[name])
    return found


def compose_command(service: str) -> list[str]:
    command = COMPOSE["services"][service]["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, check: Callable[[], object], timeout: float = 60) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@dataclass
class Process:
    name: str
    argv: list[str]
    log: Path
    popen: subprocess.Popen | None = None

    def start(self, env: dict[str, str]) -> None:
        # The compose commands name programs; run them from this virtualenv.
        program = self.argv[0]
        if program == "python":
            argv = [sys.executable, *self.argv[1:]]
        else:
            argv = [sys.executable, "-m", program, *self.argv[1:]]
        self.popen = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM (what Docker sends), then wait: gunicorn and Celery shut down warm."""
        assert self.popen is not None
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired as slow:
                self.popen.kill()
                self.popen.wait()
                message = f"{self.name} did not stop on SIGTERM:\n{self.output()}"
                raise AssertionError(message) from slow
        return self.popen.returncode


@dataclass
class Stack:
    """web + worker + beat from docker-compose.yml, in production mode, on loopback."""

    env: dict[str, str]
    logs: Path
    port: int = field(default_factory=free_port)
    processes: dict[str, Process] = field(default_factory=dict)

    # The worker's node is celery@<this>, as in a container whose host name is this.
    container: str = field(default_factory=lambda: f"stack-{uuid.uuid4().hex[:6]}")

    def __post_init__(self) -> None:
        web = [
            f"--bind=127.0.0.1:{self.port}" if part.startswith("--bind=") else part
            for part in compose_command("web")
        ]
        worker = [*compose_command("worker"), f"--hostname=celery@{self.container}"]
        schedule = str(self.logs / "celerybeat-schedule")
        beat = [
            f"--schedule={schedule}" if part.startswith("--schedule=") else part
            for part in compose_command("beat")
        ]
        for name, argv in (("web", web), ("worker", worker), ("beat", beat)):
            self.processes[name] = Process(name, argv, self.logs / f"{name}.log")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        from tests.integration.proxy import Proxy, require

        require()
        try:
            for name, process in self.processes.items():
                process.start(self.service_env(name))
            wait_for("the worker to be ready", lambda: self._ready("worker", "ready."))
            wait_for("beat to start", lambda: self._ready("beat", "beat: Starting"))
            wait_for("gunicorn to answer", self._web_answers)
            # Browsers reach web through compose's TLS proxy, as in production (issue 18 §5).
            self.proxy = Proxy(self.port, self.logs / "nginx")
            self.proxy.start()
        except BaseException:
            # A stack that failed to start must not outlive its caller: a worker left behind
            # keeps taking tasks from the shared broker (it took a later run's verification).
            self._kill_started()
            raise

    def service_env(self, service: str) -> dict[str, str]:
        """The stack's environment plus what compose gives this service alone: web's
        Prometheus folder, moved under this stack's logs."""
        extra = {}
        if "PROMETHEUS_MULTIPROC_DIR" in COMPOSE["services"][service]["environment"]:
            extra["PROMETHEUS_MULTIPROC_DIR"] = str(self.logs / "metrics")
        return {**self.env, **extra}

    def scrape(self, token: str) -> tuple[int, str]:
        """/metrics as the scraper inside the compose network asks it: by service name, plain
        HTTP, with its bearer token."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            headers = {"Host": "web:8000", "Authorization": f"Bearer {token}"}
            conn.request("GET", "/metrics", headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode()
        finally:
            conn.close()

    def _kill_started(self) -> None:
        for process in self.processes.values():
            if process.popen is not None:
                with contextlib.suppress(AssertionError):  # killed if SIGTERM is not enough
                    process.stop(timeout=10)

    def _ready(self, name: str, marker: str) -> bool:
        process = self.processes[name]
        assert process.alive(), f"{name} exited:\n{process.output()}"
        return marker in process.output()

    def _web_answers(self) -> bool:
        assert self.processes["web"].alive(), self.processes["web"].output()
        try:
            status, _body = self.health()
        except OSError:
            return False
        return status == 200

    def health(self, path: str = "/readyz") -> tuple[int, dict]:
        """A probe as the container's healthcheck sends it: plain HTTP to 127.0.0.1, no proxy
        header (issue 18 §1)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            conn.close()

    def healthcheck(self, service: str) -> subprocess.CompletedProcess:
        """The service's healthcheck exactly as docker-compose.yml defines it, run the way
        Docker runs it in the container: CMD as a program, CMD-SHELL through sh with $$ as $.
        Only the web port (8000 in the container) is this stack's port."""
        kind, *test = COMPOSE["services"][service]["healthcheck"]["test"]
        test = [part.replace("127.0.0.1:8000", f"127.0.0.1:{self.port}") for part in test]
        if kind == "CMD-SHELL":
            argv = ["sh", "-c", test[0].replace("$$", "$")]
        else:
            argv = [sys.executable if test[0] == "python" else test[0], *test[1:]]
        bin_dir = str(Path(sys.executable).parent)  # compose's programs: this virtualenv's
        env = {**self.env, "HOSTNAME": self.container, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
        return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)

    def stop(self) -> dict[str, int]:
        if getattr(self, "proxy", None) is not None:
            self.proxy.stop()
        codes = {}
        for name in ("beat", "web", "worker"):  # beat first: no new work while the rest stop
            codes[name] = self.processes[name].stop()
        return codes


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


class WebClient:
    """A browser without a browser, through the stack's TLS proxy: HTTPS, cookies, CSRF token
    from the page, Origin header, redirects followed on request. It sends no forwarded header:
    the proxy sets those (issue 18's bar)."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.cookies: dict[str, str] = {}
        self.host = f"127.0.0.1:{stack.proxy.https_port}"
        self.origin = f"https://{self.host}"

    def request(self, method: str, path: str, body: bytes = b"", content_type: str = ""):
        headers = {"Host": self.host, "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
            headers["Content-Type"] = content_type
        status, answer_headers, answer = self.stack.proxy.request(method, path, body, headers)
        response = Response(status, answer_headers, answer, path)
        for cookie in response.headers.get_all("Set-Cookie") or []:
            pair = cookie.split(";", 1)[0]
            name, _, value = pair.partition("=")
            if "expires=Thu, 01 Jan 1970" in cookie or value in ('""', ""):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()
        return response

    def get(self, path: str, follow: bool = True) -> Response:
        response = self.request("GET", path)
        return self._follow(response) if follow else response

    def post(
        self,
        path: str,
        data: dict[str, object],
        files: dict[str, tuple[str, bytes, str]] | None = None,
        follow: bool = True,
        token_from: str | None = None,
        token: str | None = None,
    ) -> Response:
        """POST a form as the page at ``token_from`` (default: ``path``) would send it; with
        ``token``, reuse a CSRF token read earlier instead of loading the page first."""
        if token is None:
            page = self.get(token_from or path)
            assert page.status == 200, (page.status, page.url)
            token = csrf_token(page.text)
        fields = {**data, "csrfmiddlewaretoken": token}
        if files:
            body, content_type = multipart(fields, files)
        else:
            body = urlencode(fields, doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
        response = self.request("POST", path, body, content_type)
        return self._follow(response) if follow else response

    def _follow(self, response: Response) -> Response:
        for _ in range(10):
            if response.status not in (301, 302, 303):
                return response
            location = response.header("Location")
            split = urlsplit(location)
            assert not split.netloc or split.netloc == self.host, location
            target = split.path + (f"?{split.query}" if split.query else "")
            response = self.request("GET", target)
        raise AssertionError("too many redirects")


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return unescape(found.group(1))


def multipart(
    fields: dict[str, object], files: dict[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{item}\r\n".encode()
            )
    for name, (filename, content, mime) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def production_env(database_url: str, broker_url: str, var_dir: Path) -> dict[str, str]:
    """The environment a deployment's .env would give (.env.example), with fresh keys."""
    from records.crypto import generate_key_text

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "BAOMI_", "DATABASE_", "CELERY_", "PYTEST"))
    }
    env.update(
        BAOMI_MODE="production",
        DJANGO_SECRET_KEY=generate_key_text() + generate_key_text(),
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        ALLOWED_HOSTS="127.0.0.1",
        BAOMI_BEHIND_TLS_PROXY="true",  # as .env.example, for compose's proxy profile
        BAOMI_PROXY_COUNT="1",
        BAOMI_RECORD_KEKS=f"1:{generate_key_text()}",
        BAOMI_INDEX_KEY=generate_key_text(),
        BAOMI_BACKUP_KEY=generate_key_text(),
        BAOMI_ANCHOR_SIGNING_KEY=generate_key_text(),
        # What compose's environment gives every app service (its ${NAME:-default}s).
        **_compose_defaults(("WEB_CONCURRENCY", "GUNICORN_CMD_ARGS", "TZ")),
        # Mail to files: production refuses console mail; nothing leaves this machine.
        EMAIL_URL=f"filemail:///{var_dir / 'mail'}",  # four slashes: an absolute folder
        BAOMI_VAR_DIR=str(var_dir),
        BAOMI_STATIC_ROOT=str(var_dir / "static"),
        BAOMI_HEARTBEAT_SECONDS="2",
        BAOMI_AUDIT_SEAL_SECONDS="2",
    )
    return env
