"""Which retention policy applies to a file, and until when it is kept (R60).

The category comes from the file: consent withdrawn, deal closed, no deal, or still open. The
most specific current policy wins (one for the file's tier before one for every tier). The due
date is the trigger date (last activity, contract end, consent withdrawal) plus the policy's
months. Due dates are written with a queryset UPDATE, so computing them never counts as
"activity" on the file (``updated_at`` is the last-activity clock).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access import policy
from access.models import User
from access.policy import Capability
from core.refusals import Refused
from disposal.models import EndAction, RetentionCategory, RetentionPolicy, Trigger
from records.models import CustomerRecord, Outcome

KEPT_STATUSES = ("approved", "archived")

# Company defaults, loaded on migrate; legal and management change them on the retention page.
DEFAULTS: list[dict[str, Any]] = [
    {
        "code": "deal-closed",
        "name": "成交客户档案",
        "category": RetentionCategory.DEAL_CLOSED,
        "trigger": Trigger.CONTRACT_END,
        "months": 60,
        "end_action": EndAction.DESTROY,
        "note": "反洗钱：业务关系结束后至少保存五年（房地产中介客户身份资料）。",
    },
    {
        "code": "no-deal",
        "name": "未成交客户档案",
        "category": RetentionCategory.NO_DEAL,
        "trigger": Trigger.LAST_ACTIVITY,
        "months": 12,
        "end_action": EndAction.DESTROY,
        "note": "目的已实现或无法实现：最短必要期限后删除（个人信息保护法第十九条、第四十七条）。",
    },
    {
        "code": "consent-withdrawn",
        "name": "撤回同意的客户档案",
        "category": RetentionCategory.CONSENT_WITHDRAWN,
        "trigger": Trigger.CONSENT_WITHDRAWAL,
        "months": 1,
        "end_action": EndAction.REVIEW,
        "note": "个人撤回同意后应删除，法律另有规定的除外（个人信息保护法第四十七条）。",
    },
    {
        "code": "open-inactive",
        "name": "长期无进展的客户档案",
        "category": RetentionCategory.OPEN,
        "trigger": Trigger.LAST_ACTIVITY,
        "months": 24,
        "end_action": EndAction.REVIEW,
        "note": "两年无任何业务往来：复核后决定是否销毁。",
    },
]


def ensure_defaults(**_kwargs: Any) -> None:
    """After migrate or a test flush: the default policies exist (never overwrites changes)."""
    for values in DEFAULTS:
        if not RetentionPolicy.objects.filter(code=values["code"]).exists():
            RetentionPolicy.objects.create(**values)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months``, the day clipped to the month's end. A date past the calendar's
    end (a contract end typed as 9990 before the forms refused it) means kept for ever: raising
    here would stop the nightly sweep for every file of the company."""
    month = day.month - 1 + months
    year = day.year + month // 12
    if year > date.max.year:
        return date.max
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def category_of(record: CustomerRecord) -> str:
    if record.disposal_review_requested_at:
        return RetentionCategory.CONSENT_WITHDRAWN
    if record.outcome == Outcome.DEAL_CLOSED:
        return RetentionCategory.DEAL_CLOSED
    if record.outcome == Outcome.NO_DEAL:
        return RetentionCategory.NO_DEAL
    return RetentionCategory.OPEN


def policy_for(
    record: CustomerRecord, policies: Iterable[RetentionPolicy] | None = None
) -> RetentionPolicy | None:
    category = category_of(record)
    found = [
        p
        for p in (policies if policies is not None else RetentionPolicy.objects.current())
        if p.category == category and p.tier in (None, record.tier)
    ]
    found.sort(key=lambda p: p.tier is None)  # a tier-specific rule first
    return found[0] if found else None


def trigger_date(record: CustomerRecord, trigger: str) -> date | None:
    if trigger == Trigger.CONTRACT_END:
        return record.contract_ended_on
    if trigger == Trigger.CONSENT_WITHDRAWAL:
        stamp = record.disposal_review_requested_at
        return timezone.localdate(stamp) if stamp else None
    return timezone.localdate(record.updated_at) if record.updated_at else None


def due(
    record: CustomerRecord, policies: Iterable[RetentionPolicy] | None = None
) -> tuple[date | None, RetentionPolicy | None]:
    """(keep until, the policy that says so); (None, policy) while the trigger has not happened."""
    if record.status not in KEPT_STATUSES:
        return None, None
    rule = policy_for(record, policies)
    if rule is None:
        return None, None
    start = trigger_date(record, rule.trigger)
    return (add_months(start, rule.months) if start else None), rule


def recompute(
    records: Iterable[CustomerRecord], policies: list[RetentionPolicy] | None = None
) -> int:
    """Write due dates that changed; returns how many changed."""
    policies = policies if policies is not None else list(RetentionPolicy.objects.current())
    changed = 0
    for record in records:
        until, rule = due(record, policies)
        label = rule.audit_label() if rule else ""
        if until != record.retention_until or label != record.retention_policy:
            CustomerRecord.objects.filter(pk=record.pk).update(
                retention_until=until, retention_policy=label
            )
            record.retention_until, record.retention_policy = until, label
            changed += 1
    return changed


def recompute_all(chunk: int = 2000) -> int:
    """Every kept file, in keyset chunks by id (safe to stop and run again)."""
    policies = list(RetentionPolicy.objects.current())
    changed, last = 0, None
    while True:
        rows = CustomerRecord.objects.filter(status__in=KEPT_STATUSES).order_by("id")
        if last is not None:
            rows = rows.filter(id__gt=last)
        batch = list(
            rows.only(
                "id", "status", "tier", "outcome", "contract_ended_on", "updated_at",
                "disposal_review_requested_at", "retention_until", "retention_policy",
            )[:chunk]
        )  # fmt: skip
        if not batch:
            return changed
        changed += recompute(batch, policies)
        last = batch[-1].id


def on_inputs_changed(sender: User, record: CustomerRecord, **_kwargs: Any) -> None:
    """A file's approval, outcome or consent changed: its keep-until date follows at once."""
    record.refresh_from_db(
        fields=["status", "tier", "outcome", "contract_ended_on", "updated_at",
                "disposal_review_requested_at", "retention_until", "retention_policy"]
    )  # fmt: skip
    recompute([record])


def save_policy(
    user: User,
    code: str,
    *,
    name: str,
    category: str,
    tier: int | None,
    trigger: str,
    months: int,
    end_action: str,
    note: str = "",
) -> tuple[RetentionPolicy, bool]:
    """A new version of a policy (or a new policy); the old version is kept, superseded.
    (policy, changed): saved exactly as it stands, the current version stays and nothing is
    logged, since nothing was decided."""
    policy.require_can(user, Capability.RETENTION_POLICIES)
    if months < 0:
        raise Refused({"months": [_("A period cannot be negative.")]})
    with transaction.atomic():
        current = RetentionPolicy.objects.select_for_update().filter(code=code).current().first()
        version = 1
        asked = {"name": name, "category": category, "tier": tier, "trigger": trigger,
                 "months": months, "end_action": end_action, "note": note}  # fmt: skip
        if current and all(getattr(current, field) == value for field, value in asked.items()):
            return current, False
        if current:
            current.superseded_at = timezone.now()
            current.save(update_fields=["superseded_at"])
            version = current.version + 1
        rule = RetentionPolicy.objects.create(
            code=code, version=version, name=name, category=category, tier=tier,
            trigger=trigger, months=months, end_action=end_action, note=note, created_by=user,
        )  # fmt: skip
        audit.record(
            user,
            "retention.policy_saved",
            rule,
            category=category,
            tier=tier or "",
            trigger=trigger,
            months=months,
            end_action=end_action,
            previous=current.audit_label() if current else "",
        )

        def recompute_later() -> None:
            from core.tasks import enqueue
            from disposal.tasks import recompute_due_dates

            # Broker down: the nightly sweep recomputes every due date before proposing any.
            enqueue(recompute_due_dates)

        transaction.on_commit(recompute_later)
    from disposal import processing

    processing.refresh(user, f"retention policy {code} changed")
    return rule, True
