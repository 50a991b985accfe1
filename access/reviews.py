"""The annual access review (R72, 001 §2: permissions are reviewed at least once a year).

The security officer opens a campaign: one item per role membership and per live grant of every
active person. Each person's department head confirms or revokes each item (management reviews
the heads and people outside a headed department); a revocation takes effect at once. Progress
shows per department; at the deadline the unreviewed items are escalated to the security
officer once; closing the campaign freezes the report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access import directory, grants, policy
from access.models import Grant, ReviewCampaign, ReviewItem, User
from access.policy import Capability
from core.refusals import Refused


def open_campaign(officer: User, name: str, deadline: date) -> ReviewCampaign:
    policy.require_can(officer, Capability.ACCESS_REVIEW_ADMIN)
    if deadline <= timezone.localdate():
        raise Refused({"deadline": [_("The deadline must lie in the future.")]})
    if not name.strip():
        raise Refused({"name": [_("Give the campaign a name.")]})
    with transaction.atomic():
        campaign = ReviewCampaign.objects.create(
            name=name.strip()[:100], opened_by=officer, deadline=deadline
        )
        people = get_user_model().objects.filter(is_active=True).select_related("department")
        items: list[ReviewItem] = []
        for person in people:
            reviewer = policy.reviewer_role_for(person)
            base = {"campaign": campaign, "person": person, "department": person.department}
            items.extend(
                ReviewItem(**base, reviewer_role=reviewer, kind=ReviewItem.Kind.ROLE, role=role)
                for role in sorted(policy.roles_of(person))
            )
        live = Grant.objects.active().select_related("grantee__department")
        for grant in live:
            person = grant.grantee
            items.append(
                ReviewItem(
                    campaign=campaign,
                    person=person,
                    department=person.department,
                    reviewer_role=policy.reviewer_role_for(person),
                    kind=ReviewItem.Kind.GRANT,
                    grant=grant,
                )
            )
        ReviewItem.objects.bulk_create(items)
        audit.record(
            officer,
            "review.opened",
            campaign,
            items=len(items),
            deadline=deadline.isoformat(),
        )
    return campaign


def open_campaigns() -> QuerySet[ReviewCampaign]:
    return ReviewCampaign.objects.filter(closed_at__isnull=True)


def my_items(user: User) -> QuerySet[ReviewItem]:
    return policy.review_items_for(
        user,
        ReviewItem.objects.filter(
            campaign__closed_at__isnull=True, decision=ReviewItem.Decision.PENDING
        ),
    ).select_related("person", "department", "grant__record", "campaign")


@dataclass
class RevocationPreview:
    """What a revocation ends, shown before the head confirms it (issue 16 §6): it takes effect
    at once and cannot be undone from the review (access returns only by a new request or a
    new role)."""

    item: ReviewItem
    files_handled: int  # a role item: client files still in the person's hands
    live_grants: int  # a role item: files lent to the person, which the role does not end


def revocation_preview(user: User, item: ReviewItem) -> RevocationPreview:
    decision = policy.decide_review_item(user, item)
    if not decision.allowed:
        raise policy.Denied(decision)
    if item.campaign.closed_at or item.decision != ReviewItem.Decision.PENDING:
        raise Refused({"__all__": [_("This item was decided already.")]})
    handled = lent = 0
    if item.kind == ReviewItem.Kind.ROLE:
        handled = item.person.handled_records.exclude(status="destroyed").count()
        lent = Grant.objects.active().filter(grantee=item.person).count()
    return RevocationPreview(item=item, files_handled=handled, live_grants=lent)


def decide(user: User, item: ReviewItem, keep: bool, note: str = "") -> ReviewItem:
    with transaction.atomic():
        item = ReviewItem.objects.select_for_update().select_related("campaign").get(pk=item.pk)
        decision = policy.decide_review_item(user, item)
        if not decision.allowed:
            raise policy.Denied(decision)
        if item.campaign.closed_at or item.decision != ReviewItem.Decision.PENDING:
            raise Refused({"__all__": [_("This item was decided already.")]})
        if not keep and not note.strip():
            raise Refused({"note": [_("Say why the access is revoked.")]})
        item.decision = ReviewItem.Decision.CONFIRMED if keep else ReviewItem.Decision.REVOKED
        item.decided_by = user
        item.decided_at = timezone.now()
        item.note = note.strip()[:200]
        item.save(update_fields=["decision", "decided_by", "decided_at", "note"])
        if not keep:
            if item.kind == ReviewItem.Kind.ROLE:
                item.person.groups.remove(Group.objects.get(name=item.role))
                audit.record(
                    user,
                    "account.role_removed",
                    item.person,
                    role=item.role,
                    campaign=item.campaign.name,
                )
            elif item.grant is not None:  # a grant item (None without a query for a role)
                grants.revoke(item.grant, by=user, reason=f"access review: {item.note}")
        audit.record(
            user,
            "review.decided",
            item.campaign,
            person=item.person.audit_label(),
            kind=item.kind,
            role=item.role,
            decision=item.decision,
        )
    return item


@dataclass
class DepartmentProgress:
    department: str
    total: int
    decided: int
    revoked: int

    @property
    def percent(self) -> int:
        return round(100 * self.decided / self.total) if self.total else 100


def progress(campaign: ReviewCampaign) -> list[DepartmentProgress]:
    rows = (
        campaign.items.values("department__name")
        .annotate(
            total=Count("id"),
            decided=Count("id", filter=~Q(decision=ReviewItem.Decision.PENDING)),
            revoked=Count("id", filter=Q(decision=ReviewItem.Decision.REVOKED)),
        )
        .order_by("department__name")
    )
    return [
        DepartmentProgress(r["department__name"] or "—", r["total"], r["decided"], r["revoked"])
        for r in rows
    ]


def report(campaign: ReviewCampaign) -> dict[str, Any]:
    """The outcome: progress per department, every revocation, what is still unreviewed."""
    items = campaign.items.select_related("person", "department", "decided_by", "grant__record")
    by_decision: dict[str, list[ReviewItem]] = defaultdict(list)
    for item in items:
        by_decision[item.decision].append(item)
    return {
        "progress": progress(campaign),
        "revoked": by_decision[ReviewItem.Decision.REVOKED],
        "pending": by_decision[ReviewItem.Decision.PENDING],
        "confirmed": len(by_decision[ReviewItem.Decision.CONFIRMED]),
    }


def close(officer: User, campaign: ReviewCampaign) -> None:
    policy.require_can(officer, Capability.ACCESS_REVIEW_ADMIN)
    with transaction.atomic():
        locked = ReviewCampaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.closed_at:
            raise Refused({"__all__": [_("This campaign was closed already.")]})
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
        summary = report(locked)
        audit.record(
            officer,
            "review.closed",
            locked,
            confirmed=summary["confirmed"],
            revoked=len(summary["revoked"]),
            unreviewed=len(summary["pending"]),
        )


def escalate_due() -> int:
    """Campaigns past their deadline with unreviewed items: the security officers hear once."""
    escalated = 0
    due = ReviewCampaign.objects.filter(
        closed_at__isnull=True, escalated_at__isnull=True, deadline__lt=timezone.localdate()
    )
    for campaign in due:
        if not ReviewCampaign.objects.filter(pk=campaign.pk, escalated_at__isnull=True).update(
            escalated_at=timezone.now()
        ):
            continue
        pending = campaign.items.filter(decision=ReviewItem.Decision.PENDING).count()
        if not pending:
            continue
        recipients = directory.alert_recipients()
        if recipients:
            send_mail(
                f"[Baomi] 权限复核逾期 / Access review overdue: {campaign.name}",
                f"权限复核“{campaign.name}”已过截止日期，仍有 {pending} 项未复核。\n"
                f"Access review '{campaign.name}' is past its deadline with {pending} items "
                "not reviewed.",
                None,
                recipients,
            )
        audit.record(None, "review.escalated", campaign, unreviewed=pending)
        escalated += 1
    return escalated
