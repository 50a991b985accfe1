"""The operations watch (issue 18 §7): a failed backup, a silent worker, a broken chain, a
lagging sealer, a full disk and undeliverable mail reach the security officers and the system
administrators by mail once per incident, and again once when it is over."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from access.roles import Role
from core import health
from core.models import Heartbeat, JobRun, OpsAlert
from records.ops import watch
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _watch_started_now(monkeypatch):
    """Each test is a watch that has just started (the module remembers its first run)."""
    monkeypatch.setattr(watch, "_first_run", None)


@pytest.fixture
def told(db):
    officer = make_person("chen.jing", roles=[Role.SECURITY_OFFICER], email="chen@example.cn")
    admin = make_person("it.admin", roles=[], email="it@example.cn")
    admin.is_staff = True
    admin.save()
    make_person("zhang.wei", roles=[Role.SALES], email="zhang@example.cn")  # not told
    mail.outbox = []
    return {officer.email, admin.email}


def _job(name: str, ok: bool, hours_ago: float = 1) -> None:
    at = timezone.now() - timedelta(hours=hours_ago)
    JobRun.objects.create(name=name, started_at=at, finished_at=at, ok=ok)


def test_i18_7_a_failed_backup_is_mailed_once_and_its_recovery_once(told):
    _job("records.backup", ok=False)
    assert watch.run() == {"backup": "opened"}
    assert watch.run() == {}  # still failing: no second mail
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert set(sent.to) == told
    assert "运行故障" in sent.subject
    assert "The backup failed or is overdue" in sent.subject
    assert "backup" not in sent.subject.split(":")[0]  # words, not the code
    _job("records.backup", ok=True, hours_ago=0)
    assert watch.run() == {"backup": "closed"}
    assert "已恢复" in mail.outbox[1].subject
    alert = OpsAlert.objects.get()
    assert alert.closed_at is not None


def test_i18_7_a_silent_worker_opens_an_alert_after_three_missed_heartbeats(told):
    beat = health.beat()
    assert watch.run() == {}
    Heartbeat.objects.filter(pk=beat.pk).update(
        last_seen=timezone.now() - health.worker_silent_after() - timedelta(seconds=1)
    )
    assert watch.run() == {"worker": "opened"}
    assert "The background worker stopped reporting" in mail.outbox[0].subject
    health.beat()
    assert watch.run() == {"worker": "closed"}


def test_i18_7_a_broken_chain_and_a_lagging_sealer_are_reported(told):
    from audit.models import VerificationRun

    VerificationRun.objects.create(
        outcome=VerificationRun.Outcome.BROKEN, finished_at=timezone.now(), problem="seq 17"
    )
    assert watch.run() == {"chain": "opened"}
    assert "seq 17" in mail.outbox[0].body


def test_i18_7_a_fresh_installation_raises_nothing(told):
    assert watch.run() == {}
    assert mail.outbox == []


def test_i18_7_a_nearly_full_disk_is_reported(told, monkeypatch):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    full = usage(100 * 1024**3, 99 * 1024**3, 1 * 1024**3)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: full)
    assert watch.run() == {"disk": "opened"}
    assert "1024 MB free" in mail.outbox[0].body


def test_i18_7_an_open_problem_is_on_the_officers_to_do_list_and_the_kpi_page(told):
    from access.models import User
    from tests.helpers import client_verified

    _job("records.backup", ok=False)
    watch.run()
    officer = client_verified(User.objects.get(username="chen.jing"))
    home = officer.get("/").content.decode()
    assert "Operations problems (backup, worker, audit chain, disk, mail)" in home
    kpis = officer.get("/audit/kpis/").content.decode()
    assert 'data-testid="ops-problems"' in kpis
    assert "The backup failed or is overdue" in kpis
    seller = client_verified(User.objects.get(username="zhang.wei"))
    assert "Operations problems" not in seller.get("/").content.decode()


def test_i18_7_a_worker_that_never_reports_is_a_problem_once_it_had_time_to(told, monkeypatch):
    import time

    assert watch.run() == {}  # just started: no heartbeat yet is normal
    waited = health.worker_silent_after().total_seconds() + 1
    monkeypatch.setattr(watch, "_first_run", time.monotonic() - waited)
    assert watch.run() == {"worker": "opened"}
    assert "no worker has reported" in mail.outbox[0].body


def test_i18_7_mail_waiting_for_half_an_hour_is_a_problem(told, settings):
    from records.ops.models import OutboxMessage

    OutboxMessage.objects.create(sealed=b"x", recipients=1)
    assert watch.run() == {}
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=31))
    assert watch.run() == {"mail": "opened"}
