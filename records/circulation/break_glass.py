"""Emergency access to one client file without an approval (issue 5 item 7).

A head or the security officer names the file, a reason code and what happened; they get a read
grant for 30 minutes, security officers and auditors are e-mailed at once, and the access waits
in a review queue until a security officer or auditor (not the person themself) closes it as
justified or not. An unjustified one is also reported as an incident (misuse, R71/R73).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access import directory, grants, policy
from access.models import BreakGlass, Grant, User
from access.workflow import require_action, transition
from audit import anomalies, incidents
from core.refusals import Refused
from records.circulation.lending import parse_numbers
from records.models import CustomerRecord

DURATION = timedelta(minutes=30)


def open_file(
    user: User,
    archive_number: str,
    reason_code: str,
    reason_text: str,
) -> BreakGlass:
    policy.require_can(user, policy.Capability.BREAK_GLASS)
    numbers, _bad = parse_numbers(archive_number)
    record = CustomerRecord.objects.filter(archive_number=numbers[0]).first() if numbers else None
    if record is None:
        raise Refused({"archive_number": [_("No file has this archive number.")]})
    if not reason_text.strip():
        raise Refused({"reason_text": [_("Describe the emergency.")]})
    decision = policy.decide_break_glass(user, record)
    if not decision.allowed:
        raise Refused({"archive_number": [str(decision.reason)]})
    with transaction.atomic():
        grant = grants.issue(
            grantee=user,
            record=record,
            expires_at=timezone.now() + DURATION,
            reason=f"{reason_code}: {reason_text.strip()}"[:300],
            granted_by=user,
            source=Grant.Source.BREAK_GLASS,
        )
        opened = BreakGlass.objects.create(
            grant=grant, reason_code=reason_code, reason_text=reason_text.strip()[:500]
        )
        event = audit.record(
            user,
            "access.break_glass",
            record,
            reason_code=reason_code,
            minutes=int(DURATION.total_seconds() // 60),
        )
        today = policy.break_glass_today(user)
        if today > 1:  # more than one emergency in a day is itself something to look at
            anomalies.raise_at_once(
                user,
                event,
                today,
                "repeated_break_glass",
                f"{today} emergency accesses today (at most "
                f"{settings.BAOMI_BREAK_GLASS_PER_DAY} allowed)",
            )
        watchers = directory.break_glass_watchers()
        if watchers:
            when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
            body = (
                f"{user} 于 {when} 使用紧急访问打开档案 {record.audit_label()}，"
                f"原因：{opened.get_reason_code_display()}。请在保密系统中审查。\n"
                f"{user} used emergency access to {record.audit_label()} at {when}. "
                "Review it in Baomi."
            )
            # Into the sealed outbox, in the caller's transaction: it commits with it.
            send_mail(
                f"[Baomi] 紧急访问 / Emergency access: {record.audit_label()}",
                body,
                None,
                watchers,
            )
    return opened


def open_reviews():
    return BreakGlass.objects.filter(state=BreakGlass.State.OPEN).select_related(
        "grant__grantee", "grant__record"
    )


def close_review(user: User, opened: BreakGlass, outcome: str, note: str) -> BreakGlass:
    if not note.strip():
        raise Refused({"review_note": [_("Write what the review found.")]})
    with transaction.atomic():
        opened = BreakGlass.objects.select_for_update().select_related("grant").get(pk=opened.pk)
        require_action(user, opened, "review")
        opened.reviewed_at = timezone.now()
        opened.reviewed_by = user
        opened.outcome = outcome
        opened.review_note = note.strip()[:500]
        fields = ["reviewed_at", "reviewed_by", "outcome", "review_note"]
        transition(opened, "review", by=user, fields=fields, outcome=outcome)
        grants.revoke(opened.grant, by=user, reason="emergency access reviewed")
        if outcome == BreakGlass.Outcome.NOT_JUSTIFIED:
            incidents.report(
                user,
                kind="misuse",
                description=(
                    f"紧急访问经审查认定不合理：{opened.grant.grantee} 打开 "
                    f"{opened.grant.record.audit_label()}。审查意见：{opened.review_note}"
                ),
                occurred_at=opened.opened_at,
                archive_numbers=[opened.grant.record.archive_number or ""],
            )
    return opened
