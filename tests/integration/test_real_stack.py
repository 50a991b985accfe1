"""The production stack, for real (issue 7 §5, R31; issue 18's bar): gunicorn with 2 workers, a
Celery worker and beat, started with docker-compose.yml's own commands in production mode against
PostgreSQL and Redis on loopback, as the application database role, behind compose's nginx. A
journey over HTTPS: sign-in with password and TOTP, intake with uploads, approval by the head, a
chain verification the auditor starts and the worker runs, the heartbeat beat sends, a backup
the worker makes, the worker killed and its alert mail; then a clean shutdown on SIGTERM.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import global_settings, settings
from django.db import connection
from django.utils import timezone

from access import people
from access.models import Department
from access.roles import Role
from audit.models import VerificationRun
from core.models import Heartbeat, JobRun
from records import crypto
from records.models import CustomerRecord, RecordStatus
from records.ops.backups import verify_file
from records.ops.models import Backup
from tests.factories import PASSWORD, PDF, PERSON, make_person
from tests.helpers import give_authenticator, otp_code, sign_current_agreement
from tests.integration.stack import (
    ROOT,
    Stack,
    WebClient,
    compose_command,
    production_env,
    wait_for,
)
from tests.records.test_record_pages import GOOD_FORM

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stack_env(tmp_path) -> dict[str, str]:
    if connection.vendor != "postgresql" or settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip(
            "the production stack needs PostgreSQL and a broker (the PostgreSQL + Redis leg of "
            "CI sets DATABASE_URL and CELERY_BROKER_URL)"
        )
    from tests.integration import proxy

    proxy.require()
    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return production_env(f"{url}/{db['NAME']}", settings.CELERY_BROKER_URL, tmp_path / "var")


@pytest.fixture
def roles(stack_env):
    from tests.integration.db_roles import baomi_roles

    with baomi_roles() as made:
        yield made


def _one_shot(argv: list[str], env: dict[str, str]) -> str:
    """A compose one-shot service (migrate) or the Dockerfile's build step (collectstatic)."""
    done = subprocess.run(
        [sys.executable, *argv[1:]], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _worker_dies_and_comes_back(stack: Stack, stack_env: dict[str, str], tmp_path) -> None:
    from core import health
    from core.models import OpsAlert
    from records.ops.models import OutboxMessage

    worker = stack.processes["worker"]
    assert worker.popen is not None
    worker.popen.kill()  # SIGKILL: no warm shutdown, no last heartbeat
    worker.popen.wait()
    killed_at = timezone.now()
    heartbeat = timedelta(seconds=float(stack_env["BAOMI_HEARTBEAT_SECONDS"]))
    last_seen = Heartbeat.objects.get(name=health.WORKER).last_seen
    late_at = last_seen + 3 * heartbeat  # health.worker_silent_after() in the stack
    alert = wait_for(
        "the operations alert of the dead worker",
        lambda: OpsAlert.objects.filter(kind="worker", closed_at__isnull=True).first(),
        timeout=(late_at - killed_at).total_seconds() + 30,
    )
    # Within two heartbeats of being late (plus the ping that found no worker answering).
    assert alert.opened_at <= late_at + 2 * heartbeat + timedelta(seconds=3)
    assert OutboxMessage.objects.filter(created_at__gte=alert.opened_at).count() == 1
    outbox_dir = Path(stack_env["EMAIL_URL"].removeprefix("filemail://"))

    def delivered() -> list[str]:
        return [f.read_text(errors="replace") for f in outbox_dir.glob("*.log")]

    # Beat sends it itself: the worker that normally does is the one that died.
    wait_for("the alert mail, with no worker", lambda: any("请立即检查" in m for m in delivered()))

    worker.start(stack_env)  # the operator restarts it
    wait_for("the new worker", lambda: "ready." in worker.output())
    wait_for(
        "the alert to close",
        lambda: OpsAlert.objects.filter(pk=alert.pk, closed_at__isnull=False).exists(),
    )
    wait_for("the recovery mail", lambda: any("此问题已恢复" in m for m in delivered()))
    sent = "\n".join(delivered())
    assert "请立即检查" in sent  # the problem... (the subjects are MIME-encoded)
    assert "此问题已恢复" in sent  # ...and that it is over
    assert "The background worker stopped reporting" in sent
    assert OutboxMessage.objects.filter(sent_at=None).count() == 0


def _metrics_add_up_every_web_worker(stack: Stack, stack_env: dict[str, str]) -> None:
    """Issue 18 §10: the scraper reads every gunicorn worker's requests (three sign-ins went to
    either of two workers) and the background figures; the proxy never passes /metrics on."""
    assert stack.scrape("wrong")[0] == 401
    status, body = stack.scrape(stack_env["BAOMI_METRICS_TOKEN"])
    assert status == 200

    def value(name: str, labels: str = "") -> float:
        found = re.findall(rf"^{name}{re.escape(labels)} (\S+)$", body, re.M)
        assert found, (name, labels)
        return sum(float(v) for v in found)

    # Three sign-ins, whichever worker took each: counted once each, over both workers' files.
    signed_in = '{method="POST",transport="https",view="access:login"}'
    assert value("django_http_requests_total_by_view_transport_method_total", signed_in) == 3
    folder = Path(stack.service_env("web")["PROMETHEUS_MULTIPROC_DIR"])
    assert len({f.stem.rsplit("_", 1)[-1] for f in folder.glob("counter_*.db")}) >= 2
    assert not (folder / "counter_1.db").exists()  # an earlier run's file, removed at start
    assert value("baomi_database_up") == 1
    assert value("baomi_broker_up") == 1
    assert value("baomi_job_last_run_ok", '{job="records.backup"}') == 1
    assert value("baomi_worker_heartbeat_age_seconds") < 60
    assert value("baomi_queue_length", '{queue="celery"}') >= 0
    assert WebClient(stack).get("/metrics", follow=False).status == 404


def _sign_in(client: WebClient, user, device) -> None:
    page = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert "/accounts/otp/verify/" in page.url, page.text[:500]
    home = client.post("/accounts/otp/verify/", {"token": otp_code(device)})
    assert (home.status, home.url) == (200, "/")


def test_r31_the_production_stack_serves_a_journey_and_runs_tasks_on_the_worker(
    stack_env, roles, tmp_path, settings
):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the stack checks real hashes
    # Authenticator seeds are sealed under the index key: the stack must be able to open the
    # ones made here (issue 17 §19).
    settings.BAOMI_INDEX_KEY = stack_env["BAOMI_INDEX_KEY"]
    dept = Department.objects.create(code="sales-1", name="销售一部")
    sales = make_person("zhang.wei", roles=[Role.SALES], department=dept, full_name="张伟",
                        employee_number="BM1001")  # fmt: skip
    head = make_person("wang.fang", roles=[Role.DEPT_HEAD], department=dept, full_name="王芳",
                       employee_number="BM2001")  # fmt: skip
    auditor = make_person("li.na", roles=[Role.AUDITOR], full_name="李娜", employee_number="BM3001")
    make_person("chen.jing", roles=[Role.SECURITY_OFFICER], full_name="陈静",
                email="chen.jing@example.cn")  # told when the machinery fails  # fmt: skip
    people.set_head(dept, head)
    devices = {}
    for user in (sales, head, auditor):
        devices[user.pk] = give_authenticator(user)
        sign_current_agreement(user)

    # What the Dockerfile and compose run before the long-lived services. The roles come from
    # the db service's init script; pytest made and migrated the schema as the superuser, so
    # here the migrate and grants jobs run as that superuser, not as the owner (issue 18 §2).
    collect = ["python", "manage.py", "collectstatic", "--noinput"]
    assert "static files copied" in _one_shot(collect, stack_env)
    _one_shot(compose_command("migrate"), stack_env)
    granted = _one_shot(compose_command("grants"), {**stack_env, "BAOMI_DB_APP": roles.app})
    assert roles.app in granted
    # web, worker and beat connect as the application role, as .env.example has them.
    stack_env = {
        **stack_env,
        "DATABASE_URL": roles.url(roles.app),
        "BAOMI_DRILL_DATABASE_URL": roles.url(roles.drill, "postgres"),
    }

    stack_env["BAOMI_METRICS_TOKEN"] = "stack-scraper-token-0123456789abcdef"  # issue 18 §10
    stack = Stack(stack_env, tmp_path)
    # An earlier run's metrics file, which gunicorn's start must remove (config/gunicorn_conf.py).
    stale = Path(stack.service_env("web")["PROMETHEUS_MULTIPROC_DIR"])
    stale.mkdir()
    (stale / "counter_1.db").write_bytes(b"\0" * 64)
    try:
        stack.start()
        # That role may append to the audit log but never change it.
        import psycopg

        with (
            psycopg.connect(roles.url(roles.app)) as app_role,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            app_role.execute("UPDATE audit_auditevent SET action = action")
        assert stack.health("/healthz") == (200, {"status": "ok"})
        status, ready = stack.health()
        assert (status, ready["database"], ready["broker"]) == (200, "ok", "ok")

        # The salesperson signs in (password, then TOTP) and registers a client file.
        seller = WebClient(stack)
        assert seller.get("/records/", follow=False).status == 302  # not signed in yet
        _sign_in(seller, sales, devices[sales.pk])
        files = {
            "consent_evidence": ("consent.pdf", PDF, "application/pdf"),
            "attachment": ("id-scan.pdf", PDF, "application/pdf"),
        }
        saved = seller.post("/records/new/", {**GOOD_FORM, "then": "submit"}, files)
        assert saved.status == 200
        assert re.fullmatch(r"/records/[0-9a-f-]{36}/", saved.url)
        assert "Submitted. Your department head will review it." in saved.text
        assert PERSON["id_number"] not in saved.text  # masked even for its own handler
        record = CustomerRecord.objects.get()
        assert record.status == RecordStatus.SUBMITTED
        assert record.attachments.count() == 2
        assert "no-store" in saved.header("Cache-Control")
        assert saved.header("Strict-Transport-Security")  # production headers are on

        # The head approves it.
        reviewer = WebClient(stack)
        _sign_in(reviewer, head, devices[head.pk])
        approved = reviewer.post(
            f"/records/{record.pk}/review/", {"decision": "approve"}, token_from=saved.url
        )
        assert approved.status == 200
        record.refresh_from_db()
        assert record.status == RecordStatus.APPROVED
        assert record.archive_number in approved.text

        # The auditor starts a chain verification; the worker runs it (beat seals meanwhile).
        checker = WebClient(stack)
        _sign_in(checker, auditor, devices[auditor.pk])
        started = checker.post("/audit/chain/", {})
        assert "Verification started" in started.text
        run = wait_for(
            "the worker to finish the verification",
            lambda: (
                VerificationRun.objects.exclude(outcome=VerificationRun.Outcome.RUNNING)
                .filter(finished_at__isnull=False)
                .first()
            ),
        )
        assert run.outcome == VerificationRun.Outcome.OK, run.problem
        assert run.checked > 0
        assert "Chain intact" in checker.get("/audit/chain/").text

        # Beat sends the heartbeat every 2 s here; the worker writes it.
        wait_for("a worker heartbeat", lambda: Heartbeat.objects.filter(name="celery-worker"))
        # Every service's compose healthcheck passes against this stack (issue 18 §1, §12).
        for service in ("web", "worker", "beat"):
            checked = stack.healthcheck(service)
            assert checked.returncode == 0, (service, checked.stdout, checked.stderr)
        kpis = checker.get("/audit/kpis/")
        assert kpis.status == 200
        assert 'data-testid="status-worker"' in kpis.text

        # A backup, made by the worker (the nightly job, sent now).
        from config.celery import app

        app.send_task("records.backup")
        # The job's row is written after the backup and the pruning: wait for the row, not
        # for the archive (the archive alone raced the row once).
        job = wait_for(
            "the worker's backup job",
            lambda: JobRun.objects.filter(name="records.backup").first(),
            timeout=120,
        )
        backup = Backup.objects.get()
        assert job.ok
        archive = Path(stack_env["BAOMI_VAR_DIR"]) / "backups" / backup.name
        key = crypto._decode_key(stack_env["BAOMI_BACKUP_KEY"], "BAOMI_BACKUP_KEY")
        manifest = verify_file(archive, key)
        assert manifest["database"] == "postgresql"
        assert manifest["counts"]["records.CustomerRecord"] == 1
        assert sum(1 for name in manifest["members"] if name.startswith("files/")) == 2

        # The worker dies: beat's operations watch notices within two heartbeats of the
        # heartbeat being late and mails the alert itself (issue 18 §7); when a new worker
        # runs, the "recovered" mail follows.
        _worker_dies_and_comes_back(stack, stack_env, tmp_path)
        _metrics_add_up_every_web_worker(stack, stack_env)
    finally:
        codes = stack.stop()
    assert codes == {"beat": 0, "web": 0, "worker": 0}, codes
    for name, process in stack.processes.items():
        assert "Traceback" not in process.output(), (name, process.output())
    assert "Booting worker" in stack.processes["web"].output()
    assert stack.processes["web"].output().count("Booting worker") == 2  # --workers=2
    assert "baomi.heartbeat" in stack.processes["worker"].output()
