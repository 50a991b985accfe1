"""Faults (issue 8 §4), against the real stack (gunicorn with 2 workers, Celery worker and beat,
production mode) on services of the test's own, so that stopping them disturbs nothing else:

- PostgreSQL restarted in the middle of load: requests fail cleanly (503 with Retry-After, no
  hang), the stack recovers without anyone touching it, and no intake is half saved;
- Redis down: the web stays usable, the health check says what is wrong, an action that needs
  the worker says so instead of failing, and the worker and beat carry on when Redis is back.

Storage that cannot be written and a worker killed mid-task are tested in
tests/records/test_storage_faults.py and tests/integration/test_backup_killed.py.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django_otp.oath import TOTP

from tests.factories import PDF
from tests.integration.private_services import PrivatePostgres, PrivateRedis
from tests.integration.stack import (
    ROOT,
    Stack,
    WebClient,
    compose_command,
    csrf_token,
    production_env,
    wait_for,
)

pytestmark = pytest.mark.integration

KEY = "3132333435363738393031323334353637383930"  # the people's TOTP secret (hex)
PASSWORD = "Correct-Horse-42!"
SEED = """
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice
from access import people
from access.models import Department
from access.roles import Role
from tests.helpers import sign_current_agreement
from tests.factories import make_person
dept = Department.objects.create(code="sales-1", name="销售一部")
head = make_person("head", roles=[Role.DEPT_HEAD], department=dept)
people.set_head(dept, head)
auditor = make_person("auditor", roles=[Role.AUDITOR])
for name in ["sales0", "sales1", "sales2", "head", "auditor"]:
    user = {"head": head, "auditor": auditor}.get(name) or make_person(
        name, roles=[Role.SALES], department=dept
    )
    user.password = make_password("PASSWORD")
    user.save()
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True, key="KEY")
    sign_current_agreement(user)
""".replace("PASSWORD", PASSWORD).replace("KEY", KEY)


def _needs_the_services() -> None:
    if connection.vendor != "postgresql" or settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("fault tests run in the PostgreSQL + Redis leg of CI (real servers)")


def _manage(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(  # our own commands
        [sys.executable, "manage.py", *argv], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _code() -> str:
    """Everyone's device has the same secret; each person signs in once, so no code repeats on
    a device (django-otp refuses a repeated code)."""
    return f"{TOTP(bytes.fromhex(KEY), step=30, t0=0, digits=6, drift=0).token():06d}"


def _signed_in(stack: Stack, username: str) -> WebClient:
    client = WebClient(stack)
    client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    home = client.post("/accounts/otp/verify/", {"token": _code()})
    assert home.url == "/", (username, home.url, home.text[:300])
    return client


def _stack_on(tmp_path, database_url: str, broker_url: str) -> Stack:
    env = production_env(database_url, broker_url, tmp_path / "var")
    _manage(["collectstatic", "--noinput"], env)
    _manage(compose_command("migrate")[2:], env)
    _manage(["shell", "-c", SEED], env)
    stack = Stack(env, tmp_path)
    stack.start()
    return stack


def _intake(client: WebClient, token: str, marker: str):
    fields = {
        "kind": "person", "source": "walk_in", "acquired_at": "2026-11-02", "tier": "",
        "consent_purpose": "购房及相关服务", "consent_method": "paper",
        "consent_scope": ["identity", "contact", "transaction"],
        "consent_obtained_at": "2026-11-01", "attachment_kind": "contract",
        "full_name": "欧阳晓梅", "mobile": "13912345678", "needs": marker, "then": "submit",
    }  # fmt: skip
    files = {
        "consent_evidence": ("consent.pdf", PDF, "application/pdf"),
        "attachment": ("contract.pdf", PDF, "application/pdf"),
    }
    return client.post("/records/new/", fields, files, follow=False, token=token)


def test_postgres_restarted_mid_load_fails_cleanly_recovers_alone_and_saves_nothing_by_halves(
    tmp_path,
):
    _needs_the_services()
    pg, redis = PrivatePostgres().start(), PrivateRedis().start()
    stack = None
    try:
        stack = _stack_on(tmp_path, pg.create_database("baomi"), redis.url)
        clients = [_signed_in(stack, f"sales{i}") for i in range(3)]
        tokens = [csrf_token(c.get("/records/new/").text) for c in clients]
        outcomes: list[tuple[float, str, int, float]] = []  # (sent, kind, status, answered)
        lock, stop = threading.Lock(), threading.Event()

        def work(index: int) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                marker = f"负载{index}-{n}"
                started = time.monotonic()
                try:
                    if n % 2:
                        response = _intake(clients[index], tokens[index], marker)
                        kind = "intake"
                    else:
                        response = clients[index].request("GET", "/records/")
                        kind = "list"
                    status = response.status
                    if status == 503:
                        assert response.header("Retry-After") == "30"
                        assert "数据库暂时无法连接" in response.text
                except OSError:
                    status = -1  # the connection itself failed
                with lock:
                    outcomes.append((started, kind, status, time.monotonic()))

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
        for thread in threads:
            thread.start()
        time.sleep(3)
        restart_began = time.monotonic()
        pg.restart()
        restart_ended = time.monotonic()
        back_at = _database_now(pg)
        time.sleep(5)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads), "a request hung"

        statuses = {status for _t, _k, status, _a in outcomes}
        assert statuses <= {200, 302, 503}, statuses  # nothing else: no 500, no dropped socket
        assert 503 in statuses  # the outage was seen, and answered cleanly
        after = [o for o in outcomes if o[0] > restart_ended + 1]  # sent once it was back
        assert len(after) >= 6
        assert all(status in (200, 302) for _t, _k, status, _a in after), after
        before = [o for o in outcomes if o[3] < restart_began]  # answered before it went
        assert before
        assert all(status in (200, 302) for _t, _k, status, _a in before)

        # Nothing saved by halves: every file has its consent and both attachments, and every
        # intake answered with a redirect is there exactly once.
        import psycopg

        with psycopg.connect(pg.url("baomi")) as db:
            incomplete = db.execute(
                """SELECT count(*) FROM records_customerrecord r
                   WHERE NOT EXISTS (SELECT 1 FROM records_consent c WHERE c.record_id = r.id)
                      OR (SELECT count(*) FROM records_attachment a WHERE a.record_id = r.id) <> 2
                """
            ).fetchone()[0]
            saved = db.execute("SELECT count(*) FROM records_customerrecord").fetchone()[0]
        assert incomplete == 0
        answered = [o for o in outcomes if o[1] == "intake" and o[2] == 302]
        assert saved >= len(answered)
        failed = [o for o in outcomes if o[1] == "intake" and o[2] != 302]
        assert saved <= len(answered) + len(failed)

        # The worker and beat reconnected by themselves too.
        wait_for("a heartbeat after the restart", lambda: _last_heartbeat(pg) > back_at)
    finally:
        codes = stack.stop() if stack else {}
        pg.stop()
        redis.stop()
    assert codes == {"beat": 0, "web": 0, "worker": 0}, codes


def _database_now(pg: PrivatePostgres) -> float:
    import psycopg

    with psycopg.connect(pg.url("baomi")) as db:
        return float(db.execute("SELECT extract(epoch FROM now())").fetchone()[0])


def _last_heartbeat(pg: PrivatePostgres) -> float:
    """When the worker last ran beat's heartbeat task (0 if never)."""
    import psycopg

    with psycopg.connect(pg.url("baomi")) as db:
        row = db.execute(
            "SELECT extract(epoch FROM last_seen) FROM core_heartbeat WHERE name = 'celery-worker'"
        ).fetchone()
    return float(row[0]) if row else 0.0


def test_redis_down_the_web_stays_usable_and_the_worker_carries_on_when_it_returns(tmp_path):
    _needs_the_services()
    pg, redis = PrivatePostgres().start(), PrivateRedis().start()
    stack = None
    try:
        stack = _stack_on(tmp_path, pg.create_database("baomi"), redis.url)
        seller = _signed_in(stack, "sales0")
        head = _signed_in(stack, "head")
        auditor = _signed_in(stack, "auditor")
        assert stack.health()[0] == 200

        redis.stop()
        status, body = stack.health()
        # Readiness says degraded, naming the broker; liveness stays up: the web still serves.
        assert (status, body["status"], body["database"], body["broker"]) == (
            200,
            "degraded",
            "ok",
            "error",
        )
        assert stack.health("/healthz") == (200, {"status": "ok"})
        for path in ("/", "/records/", "/records/new/"):
            assert seller.get(path).status == 200, path  # sessions and pages need no broker
        saved = _intake(seller, csrf_token(seller.get("/records/new/").text), "断网登记")
        assert saved.status == 302  # intake needs no worker either
        # The head's approval of that file works; the chain page's "verify now" needs the worker
        # and says so instead of failing.
        record_path = saved.header("Location")
        approved = head.post(
            record_path + "review/", {"decision": "approve"}, token_from=record_path
        )
        assert approved.status == 200
        assert "Approved and stored as" in approved.text
        refused = auditor.post("/audit/chain/", {})
        assert refused.status == 200
        assert "the verification was not started" in refused.text

        redis.start()  # same port: what a restarted Redis looks like
        wait_for(
            "the broker in the readiness check",
            lambda: stack.health()[1].get("broker") == "ok",
            timeout=60,
        )
        back_at = _database_now(pg)
        wait_for("the worker to run beat's tasks again", lambda: _last_heartbeat(pg) > back_at)
        started = auditor.post("/audit/chain/", {})
        assert "Verification started" in started.text
        assert all(p.alive() for p in stack.processes.values())
    finally:
        codes = stack.stop() if stack else {}
        pg.stop()
        redis.stop()
    assert codes == {"beat": 0, "web": 0, "worker": 0}, codes
