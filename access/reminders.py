"""Reminders the beat sends (access issue item 8): overdue returns, grants ending within three
days, approvals waiting for more than two days. Each reminder is marked on its row with a
conditional UPDATE before the mail goes out, so an hourly sweep sends it once, and two sweeps
running at once cannot both send it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Manager, QuerySet
from django.urls import reverse
from django.utils import timezone

import audit
from access import directory, policy
from access.models import (
    AccessRequest,
    CopyRegisterEntry,
    ExternalParty,
    Grant,
    RequestKind,
    RequestState,
    User,
)
from access.roles import Role
from core.announcements import Topic, announce

EXPIRY_NOTICE = timedelta(days=3)
NDA_NOTICE = timedelta(days=30)
STALE_AFTER = timedelta(days=2)


def _claim(rows: Manager | QuerySet, pk: int, field: str) -> bool:
    """Mark one reminder as sent; False if another sweep already did."""
    return bool(rows.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: timezone.now()}))


def _mail(subject: str, body: str, to: list[str]) -> None:
    to = sorted({address for address in to if address})
    if to:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def overdue_returns() -> int:
    """Loans past their return date: the borrower and the archive hear about it once."""
    sent = 0
    overdue = AccessRequest.objects.filter(
        kind=RequestKind.BORROW,
        state=RequestState.FULFILLED,
        due_on__lt=timezone.localdate(),
        overdue_reminded_at__isnull=True,
    ).select_related("requester")
    desk = list(policy.custodians().values_list("email", flat=True))
    for req in overdue:
        with transaction.atomic():  # the mark and the mail (outbox), or neither
            if not _claim(AccessRequest.objects, req.pk, "overdue_reminded_at"):
                continue
            _mail(
                f"[Baomi] 借阅逾期未还 / Loan overdue: {req.number}",
                f"借阅申请 {req.number} 应于 {req.due_on:%Y-%m-%d} 归还，请尽快归还档案室。\n"
                f"Request {req.number} was due back on {req.due_on:%Y-%m-%d}. "
                "Please return the files to the archive.",
                [req.requester.email, *desk],
            )
            audit.record(None, "request.reminder", req, reminder="overdue")
        sent += 1
    return sent


def expiring_grants() -> int:
    """Read grants ending within three days: the holder hears once, in time to ask again."""
    sent = 0
    now = timezone.now()
    ending = (
        Grant.objects.active(now)
        .filter(expires_at__lte=now + EXPIRY_NOTICE, expiry_reminded_at__isnull=True)
        .select_related("grantee", "record")
    )
    for grant in ending:
        with transaction.atomic():  # the mark and the mail (outbox), or neither
            if not _claim(Grant.objects, grant.pk, "expiry_reminded_at"):
                continue
            when = timezone.localtime(grant.expires_at)
            label = grant.record.audit_label()
            _mail(
                f"[Baomi] 访问权限即将到期 / Access ending: {label}",
                f"您对档案 {label} 的访问权限将于 {when:%Y-%m-%d %H:%M} 到期。\n"
                f"Your access to {label} ends on {when:%Y-%m-%d %H:%M}.",
                [grant.grantee.email],
            )
            audit.record(None, "request.reminder", grant, reminder="grant_expiring")
        sent += 1
    return sent


def copies_not_destroyed() -> int:
    """Copies past their destruction date and not confirmed destroyed: the requester and the
    security officer hear once (R42: copies are destroyed after use)."""
    sent = 0
    late = CopyRegisterEntry.objects.filter(
        destroy_by__lt=timezone.localdate(), destroyed_at__isnull=True, reminded_at__isnull=True
    ).select_related("request__requester")
    officers = directory.alert_recipients()
    for entry in late:
        with transaction.atomic():  # the mark and the mail (outbox), or neither
            if not _claim(CopyRegisterEntry.objects, entry.pk, "reminded_at"):
                continue
            _mail(
                f"[Baomi] 复制件未确认销毁 / Copy not confirmed destroyed: {entry.serial}",
                f"复制件 {entry.serial} 应于 {entry.destroy_by:%Y-%m-%d} 前销毁，"
                "请销毁后在系统中确认。\n"
                f"Copy {entry.serial} was due for destruction by {entry.destroy_by:%Y-%m-%d}. "
                "Destroy it and confirm in Baomi.",
                [entry.request.requester.email, *officers],
            )
            audit.record(None, "request.reminder", entry, reminder="copy_not_destroyed")
        sent += 1
    return sent


def stale_approvals() -> int:
    """Requests waiting more than two days: whoever must sign the open step hears once."""
    sent = 0
    stale = AccessRequest.objects.filter(
        state=RequestState.PENDING,
        created_at__lte=timezone.now() - STALE_AFTER,
        stale_reminded_at__isnull=True,
    )
    for req in stale:
        with transaction.atomic():  # the mark and the mail (outbox), or neither
            if not _claim(AccessRequest.objects, req.pk, "stale_reminded_at"):
                continue
            to: list[str] = []
            for step in req.approvals.filter(step=req.current_step, decision="pending"):
                to += list(
                    directory.approvers(step.role, step.department_id).values_list(
                        "email", flat=True
                    )
                )
            _mail(
                f"[Baomi] 待审批申请 / Awaiting your approval: {req.number}",
                f"申请 {req.number} 已等待审批超过两天。\n"
                f"Request {req.number} has waited more than two days for your decision.",
                to,
            )
            announce(
                Topic.APPROVALS,
                f"待审批申请超过两天：{req.number}",
                [f"申请 {req.number} 已等待审批超过两天，请审批人登录处理。"],
                reverse("requests:detail", args=[req.pk]),
            )
            audit.record(None, "request.reminder", req, reminder="approval_waiting")
        sent += 1
    return sent


def expiring_ndas() -> int:
    """NDAs ending within 30 days: legal hears once per NDA term, in time to renew it before
    shares to that party stop (issue 17 §17)."""
    sent = 0
    today = timezone.localdate()
    ending = ExternalParty.objects.filter(
        nda_expires_on__gte=today, nda_expires_on__lte=today + NDA_NOTICE
    )
    legal = list(directory.approvers(Role.LEGAL, None).values_list("email", flat=True))
    for party in ending:
        claimed = (
            ExternalParty.objects.filter(pk=party.pk)
            .exclude(nda_reminded_for=party.nda_expires_on)
            .update(nda_reminded_for=party.nda_expires_on)
        )
        if not claimed:
            continue
        until = f"{party.nda_expires_on:%Y-%m-%d}"
        _mail(
            f"[Baomi] 保密协议即将到期 / NDA expiring: {party.name}",
            f"{party.name} 的保密协议将于 {until} 到期。到期后不能再向其提供客户信息，"
            "请及时续签并在保密系统中上传新的协议。\n"
            f"The NDA with {party.name} ends on {until}. No client data can be provided to "
            "them after that: renew it and upload the new agreement in Baomi.",
            legal,
        )
        audit.record(None, "party.nda_reminder", party, expires_on=until)
        sent += 1
    return sent


def training_due() -> int:
    """R80: people due for confidentiality training within thirty days (or past due, or never
    trained) hear once per due date; each department head gets one list of their people due
    in the same sweep, not a mail per person."""
    from access import training

    sent = 0
    heads: dict[int, tuple[User, list[str]]] = {}
    for standing in training.reminders_due():
        person = standing.person
        with transaction.atomic():  # the mark and the mail (outbox), or neither
            if not training.claim_reminder(standing):
                continue
            due, name = f"{standing.due_on:%Y-%m-%d}", person.get_full_name()
            _mail(
                f"[Baomi] 保密培训到期提醒 / Confidentiality training due: {name}",
                f"您的年度保密培训应于 {due} 前完成，请参加下一期保密培训。\n"
                f"Your yearly confidentiality training is due by {due}. "
                "Please attend the next session.",
                [person.email],
            )
            audit.record(None, "training.reminder", person, due_on=due)
        head = person.department.head if person.department else None
        if head is not None and head.pk != person.pk:
            heads.setdefault(head.pk, (head, []))[1].append(f"{name} {due}")
        sent += 1
    for head, names in heads.values():
        listed = "\n".join(names)
        _mail(
            "[Baomi] 部门人员保密培训到期 / Staff due for confidentiality training",
            f"以下人员的年度保密培训即将到期或已到期：\n{listed}\n"
            f"These people of your department are due for the yearly confidentiality "
            f"training:\n{listed}",
            [head.email],
        )
    return sent
