"""The operations watch (issue 18 §7): failures reach people, once per incident.

Beat runs ``run()`` at every heartbeat interval (config/beat.py): beat is the process that
stays up when the worker dies, and the one whose silence the worker's heartbeat would not
show. Each check says whether its problem is present now; a problem that appears opens an
``OpsAlert`` and mails the security officers and the system administrators once, a problem
that goes away closes it and mails "recovered". The mail goes into the sealed outbox, so it is
waiting there even while the worker that sends it is the thing that died.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from access import directory
from core import health
from core.announcements import Topic, announce
from core.models import Heartbeat, JobRun, OpsAlert
from records.ops.models import OutboxMessage

log = logging.getLogger(__name__)

# The disk that holds var/ (database when embedded, stored files, backups) is nearly full below
# either a share or an absolute amount of free space (a night's backup needs room).
DISK_FREE_SHARE = 0.05
DISK_FREE_BYTES = 2 * 1024**3
# Mail still unsent this long after it was written: the mail server or the worker is down.
MAIL_LATE_AFTER = timedelta(minutes=30)


@dataclass
class Finding:
    present: bool
    detail: str = ""


# When this process first watched: a worker that never reported is a problem only once it has
# had time to (a fresh installation, or beat started a moment before the worker).
_first_run: float | None = None


def _worker() -> Finding:
    beat = Heartbeat.objects.filter(name=health.WORKER).first()
    silent_after = health.worker_silent_after()
    if beat is None:
        waited = time.monotonic() - (_first_run or time.monotonic())
        never = waited > silent_after.total_seconds()
        return Finding(never, "no worker has reported since the watch started")
    silent = timezone.now() - beat.last_seen
    if silent <= silent_after:
        return Finding(False)
    # Late, but a worker busy with long jobs still answers a ping (its heartbeat waits in line).
    return Finding(not _worker_answers(), f"last heartbeat {int(silent.total_seconds())} s ago")


def _worker_answers() -> bool:
    from celery import current_app  # the project's app (config.celery), without importing it

    try:
        return bool(current_app.control.ping(timeout=2))
    except Exception:  # broker unreachable: no worker can be told anything either
        return False


def _job(name: str, stale: timedelta) -> Finding:
    latest = JobRun.objects.filter(name=name).order_by("-started_at").first()
    if latest is None:
        return Finding(False)
    if not latest.ok:
        return Finding(True, f"last run {timezone.localtime(latest.started_at):%Y-%m-%d %H:%M}")
    age = timezone.now() - latest.started_at
    return Finding(age > stale, f"last good run {int(age.total_seconds() // 3600)} h ago")


def _chain() -> Finding:
    from audit.models import VerificationRun

    latest = (
        VerificationRun.objects.exclude(outcome=VerificationRun.Outcome.RUNNING)
        .order_by("-started_at")
        .first()
    )
    broken = latest is not None and latest.outcome != VerificationRun.Outcome.OK
    return Finding(broken, (latest.problem or "")[:200] if broken and latest else "")


def _sealer() -> Finding:
    from audit import chain

    backlog, since_seal = chain.unsealed_backlog()
    lagging = bool(backlog) and since_seal is not None
    lagging = lagging and since_seal > settings.BAOMI_AUDIT_SEAL_LAG_WARNING
    return Finding(lagging, f"{backlog} events waiting, last seal {int(since_seal or 0)} s ago")


def _disk() -> Finding:
    usage = shutil.disk_usage(settings.VAR_DIR)
    low = usage.free < DISK_FREE_BYTES or usage.free < usage.total * DISK_FREE_SHARE
    return Finding(low, f"{usage.free // 1024**2} MB free of {usage.total // 1024**2} MB")


def _outbox(chats: bool) -> Finding:
    """Mail (or group-chat messages and webhook notifications) given up in the last day, or
    waiting too long. A robot removed or a client revoked on purpose is not a failure."""
    now = timezone.now()
    mail = Q(channel__isnull=True, client__isnull=True)
    rows = OutboxMessage.objects.exclude(mail) if chats else OutboxMessage.objects.filter(mail)
    given_up = (
        rows.filter(gave_up_at__gte=now - timedelta(days=1))
        .exclude(last_error__endswith="channel removed")
        .exclude(last_error__endswith="client revoked")
        .exclude(last_error__endswith="client no longer allowed")
        .count()
    )
    waiting = rows.filter(
        sent_at__isnull=True, gave_up_at__isnull=True, created_at__lt=now - MAIL_LATE_AFTER
    ).count()
    what = "group-chat messages or notifications" if chats else "mails"
    return Finding(
        bool(given_up or waiting),
        f"{given_up} {what} given up in the last day, {waiting} waiting for over 30 minutes",
    )


CHECKS: dict[str, Callable[[], Finding]] = {
    OpsAlert.Kind.WORKER: _worker,
    OpsAlert.Kind.BACKUP: lambda: _job("records.backup", health.BACKUP_STALE_AFTER),
    OpsAlert.Kind.DRILL: lambda: _job("records.restore_drill", health.DRILL_STALE_AFTER),
    OpsAlert.Kind.CHAIN: _chain,
    OpsAlert.Kind.SEALER: _sealer,
    OpsAlert.Kind.DISK: _disk,
    OpsAlert.Kind.MAIL: lambda: _outbox(chats=False),
    OpsAlert.Kind.CHAT: lambda: _outbox(chats=True),
}


def run() -> dict[str, str]:
    """Check everything once; what changed ("opened" or "closed") by kind."""
    global _first_run
    if _first_run is None:
        _first_run = time.monotonic()
    changed: dict[str, str] = {}
    for kind, check in CHECKS.items():
        try:
            state = _follow(kind, check())
        except Exception:  # one broken check (or its mail) must not silence the others
            log.exception("operations check %s failed", kind)
            continue
        if state:
            changed[kind] = state
    return changed


def _follow(kind: str, finding: Finding) -> str:
    open_alert = OpsAlert.objects.filter(kind=kind, closed_at__isnull=True).first()
    if finding.present and open_alert is None:
        try:
            with transaction.atomic():  # the alert and its mail, or neither
                alert = OpsAlert.objects.create(kind=kind, detail=finding.detail[:300])
                _mail_about(alert, recovered=False)
        except IntegrityError:  # another watcher opened it a moment ago
            return ""
        return "opened"
    if not finding.present and open_alert is not None:
        with transaction.atomic():
            now = timezone.now()
            # Only the watcher that closes it mails "recovered" (two beats, one mail).
            closing = OpsAlert.objects.filter(pk=open_alert.pk, closed_at__isnull=True)
            if not closing.update(closed_at=now):
                return ""
            open_alert.closed_at = now
            _mail_about(open_alert, recovered=True)
        return "closed"
    return ""


def _in(language: str, alert: OpsAlert) -> str:
    with translation.override(language):
        return str(OpsAlert.Kind(alert.kind).label)


def _announce(alert: OpsAlert, *, recovered: bool) -> None:
    """The operations group chats hear what the mail says, but not the technical detail."""
    zh = _in("zh-hans", alert)
    when = timezone.localtime(alert.closed_at if recovered else alert.opened_at)
    title = f"已恢复：{zh}" if recovered else f"运行故障：{zh}"
    closing = "此问题已恢复。" if recovered else "请系统管理员立即检查。"
    announce(
        Topic.OPERATIONS, title, [f"时间：{when:%Y-%m-%d %H:%M}", closing], reverse("audit:kpis")
    )


def _mail_about(alert: OpsAlert, *, recovered: bool) -> None:
    _announce(alert, recovered=recovered)
    recipients = directory.operations_recipients()
    if not recipients:
        log.error("operations alert %s with nobody to tell", alert.kind)
        return
    zh, en = _in("zh-hans", alert), _in("en", alert)
    when = timezone.localtime(alert.closed_at if recovered else alert.opened_at)
    if recovered:
        subject = f"[Baomi] 已恢复 / recovered: {zh} / {en}"
        opening = "此问题已恢复。This problem is over."
    else:
        subject = f"[Baomi] 运行故障 / operations problem: {zh} / {en}"
        opening = "请立即检查。Please look into it now."
    send_mail(
        subject=subject,
        message=(
            f"{opening}\n\n"
            f"问题 Problem: {zh} / {en}\n"
            f"时间 Time: {when:%Y-%m-%d %H:%M:%S}\n"
            f"情况 Detail: {alert.detail}\n\n"
            "详见保密系统的 KPI 页面。See the KPIs page in Baomi."
        ),
        from_email=None,
        recipient_list=recipients,
        fail_silently=False,
    )
