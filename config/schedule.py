"""Periodic jobs (Celery beat). Later capabilities add entries here; docs/OPERATIONS.md lists them
(a test keeps that table complete)."""

from __future__ import annotations

import environ
from celery.schedules import crontab


def _expiring(schedule: dict[str, dict], periods: dict[str, float]) -> dict[str, dict]:
    """Frequent entries expire after one period (issue 18 §8): while the worker is down they
    would otherwise pile up in the broker and run all at once when it returns."""
    for name, seconds in periods.items():
        schedule[name]["options"] = {"expires": seconds}
    return schedule


def beat_schedule(env: environ.Env) -> dict[str, dict]:
    seal = float(env.int("BAOMI_AUDIT_SEAL_SECONDS", default=5))
    heartbeat = float(env.int("BAOMI_HEARTBEAT_SECONDS", default=60))
    anchor_minutes = env.int("BAOMI_ANCHOR_MINUTES", default=5)
    return _expiring(_entries(seal, heartbeat, anchor_minutes), {
        "audit-seal": seal,
        "baomi-heartbeat": heartbeat,
        "audit-anchor": anchor_minutes * 60.0,
        "audit-anomalies": 600.0,
        "audit-incidents": 900.0,
        "access-sweep-grants": 3600.0,
        "access-reminders": 3600.0,
        "records-send-outbox": 60.0,
    })  # fmt: skip


def _entries(seal: float, heartbeat: float, anchor_minutes: int) -> dict[str, dict]:
    return {
        # Chain new audit events (seconds, so the chain is complete moments after the writes).
        "audit-seal": {
            "task": "audit.seal",
            "schedule": seal,
        },
        "audit-anomalies": {"task": "audit.scan_anomalies", "schedule": crontab(minute="*/10")},
        # Incidents past their response deadline are escalated to management (once each).
        "audit-incidents": {"task": "audit.escalate_incidents", "schedule": crontab(minute="*/15")},
        # The worker's heartbeat, shown on the KPIs page (red after 3 silent minutes).
        "baomi-heartbeat": {
            "task": "baomi.heartbeat",
            "schedule": heartbeat,
        },
        # Sign the chain head and copy it outside the database (only when it moved).
        "audit-anchor": {
            "task": "audit.anchor",
            "schedule": crontab(minute=f"*/{anchor_minutes}"),
        },
        "audit-verify": {"task": "audit.verify", "schedule": crontab(hour=1, minute=15)},
        # Remove guardian rows of grants that ran out (the policy refuses them already).
        "access-sweep-grants": {"task": "access.sweep_grants", "schedule": crontab(minute=7)},
        # Personal data outside the files past its period: sign-in logs, sessions, history.
        "access-purge": {
            "task": "access.purge_personal_data",
            "schedule": crontab(hour=3, minute=45),
        },
        # Overdue returns, grants ending within 3 days, approvals waiting for 2 days (each once).
        "access-reminders": {"task": "access.reminders", "schedule": crontab(minute=20)},
        # Due dates, then proposals of what is due for destruction (one batch per department).
        "disposal-sweep": {"task": "disposal.sweep", "schedule": crontab(hour=2, minute=30)},
        # Mail the outbox could not send at once (the mail server was down): retried by age.
        "records-send-outbox": {"task": "records.send_outbox", "schedule": 60.0},
        # Encrypted backup of database and files, then pruning of old generations (R31).
        "records-backup": {"task": "records.backup", "schedule": crontab(hour=3, minute=15)},
        # Customers' requests past their legal deadline: the security officers are told once.
        "records-subject-requests": {
            "task": "records.subject_requests_overdue",
            "schedule": crontab(hour=8, minute=30),
        },
        # Imports checked but never started: cancelled, their uploads destroyed.
        "records-expire-imports": {
            "task": "records.expire_imports",
            "schedule": crontab(hour=3, minute=50),
        },
        # Official holidays and swapped working days the calendar lacks (next year's, once known).
        "records-holidays": {
            "task": "records.refresh_holidays",
            "schedule": crontab(day_of_month=1, hour=4, minute=40),
        },
        # Weekly restore drill of the newest backup into a scratch database (R31).
        "records-restore-drill": {
            "task": "records.restore_drill",
            "schedule": crontab(day_of_week="sun", hour=4, minute=30),
        },
    }
