"""Reminders (access issue item 8): each is sent once, not at every sweep; the beat tasks run."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from access import reminders
from access.models import AccessRequest, Grant, RequestState
from access.tasks import send_reminders, sweep_grants
from audit.models import AuditEvent
from records.circulation import lending
from tests.factories import let_time_pass, read_grant
from tests.records.circulation.test_borrowing import approve_all, borrow


def test_an_overdue_loan_is_reminded_once(lending_org, mailoutbox):
    lending_org.borrower.email = "li.na@example.cn"
    lending_org.borrower.save()
    req = approve_all(borrow(lending_org), lending_org.head_a)
    lending.hand_out(lending_org.archivist, req)
    AccessRequest.objects.filter(pk=req.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    assert reminders.overdue_returns() == 1
    assert reminders.overdue_returns() == 0
    assert len(mailoutbox) == 1
    assert req.number in mailoutbox[0].subject
    assert "li.na@example.cn" in mailoutbox[0].to


def test_a_grant_ending_within_three_days_is_reminded_once(lending_org, mailoutbox):
    lending_org.borrower.email = "li.na@example.cn"
    lending_org.borrower.save()
    read_grant(lending_org.borrower, lending_org.file, lending_org.archivist, days=2)
    read_grant(lending_org.borrower, lending_org.file, lending_org.archivist, days=20)  # not yet
    assert send_reminders()["grants_ending"] == 1
    assert send_reminders()["grants_ending"] == 0
    grant_mail = [m for m in mailoutbox if "Access ending" in m.subject]
    assert len(grant_mail) == 1  # (the same sweep also reminds the untrained of training)
    assert Grant.objects.filter(expiry_reminded_at__isnull=False).count() == 1


def test_an_approval_waiting_two_days_reminds_the_head_once(lending_org, mailoutbox):
    lending_org.head_a.email = "wang.fang@example.cn"
    lending_org.head_a.save()
    req = borrow(lending_org)
    AccessRequest.objects.filter(pk=req.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert reminders.stale_approvals() == 1
    assert reminders.stale_approvals() == 0
    assert mailoutbox[0].to == ["wang.fang@example.cn"]
    assert AuditEvent.objects.filter(action="request.reminder").count() == 1
    req.refresh_from_db()
    assert req.state == RequestState.PENDING


def test_the_sweep_task_removes_expired_rows_and_leaves_a_job_row(lending_org):
    from core.models import JobRun

    let_time_pass(read_grant(lending_org.borrower, lending_org.file, lending_org.archivist))
    assert sweep_grants() == 1  # the task body, in process (the broker leg has no worker here)
    assert JobRun.objects.filter(name="access.sweep_grants", ok=True).exists()
