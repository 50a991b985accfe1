"""Annual access review (R72): every role membership and live grant, decided by the right
reviewer, revocations effective at once, progress per department, escalation once, report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from access import policy, reviews
from access.models import ReviewItem
from audit.models import AuditEvent
from core.refusals import Refused
from tests.factories import read_grant


def campaign_for(officer):
    return reviews.open_campaign(
        officer, "2026 年度权限复核", timezone.localdate() + timedelta(days=14)
    )


def test_r72_items_cover_every_role_and_live_grant_and_go_to_the_right_reviewer(
    lending_org, officer
):
    read_grant(lending_org.borrower, lending_org.file, lending_org.archivist)
    campaign = campaign_for(officer)
    items = campaign.items.all()
    assert items.filter(person=lending_org.owner, kind="role", role="sales").exists()
    assert items.filter(person=lending_org.borrower, kind="grant").count() == 1
    head_a_items = set(
        reviews.my_items(lending_org.head_a).values_list("person__username", flat=True)
    )
    assert head_a_items == {"owner"}  # their staff, not themselves
    manager_items = set(
        reviews.my_items(lending_org.manager).values_list("person__username", flat=True)
    )
    assert {"head-a", "head-b"} <= manager_items  # heads are reviewed by management


def test_r72_revoking_a_role_or_a_grant_takes_effect_at_once(lending_org, officer):
    read_grant(lending_org.borrower, lending_org.file, lending_org.archivist)
    campaign = campaign_for(officer)
    grant_item = campaign.items.get(person=lending_org.borrower, kind="grant")
    with pytest.raises(Refused):
        reviews.decide(lending_org.head_b, grant_item, keep=False)  # a reason is required
    reviews.decide(lending_org.head_b, grant_item, keep=False, note="借阅已无必要")
    assert not policy.decide(lending_org.borrower, "view", lending_org.file)
    role_item = campaign.items.get(person=lending_org.borrower, kind="role")
    reviews.decide(lending_org.head_b, role_item, keep=False, note="已调岗")
    lending_org.borrower.refresh_from_db()
    assert not lending_org.borrower.groups.filter(name="sales").exists()
    assert AuditEvent.objects.filter(action="account.role_removed").count() == 1
    with pytest.raises(Refused):
        reviews.decide(lending_org.head_b, role_item, keep=True)


def test_r72_nobody_reviews_items_outside_their_scope(lending_org, officer):
    campaign = campaign_for(officer)
    with pytest.raises(policy.Denied):
        reviews.decide(
            lending_org.head_a,
            campaign.items.get(person=lending_org.borrower, kind="role"),
            keep=True,
        )
    with pytest.raises(policy.Denied):
        reviews.decide(lending_org.head_a, campaign.items.get(person=lending_org.head_a), keep=True)


def test_r72_progress_escalation_once_and_report(lending_org, officer, mailoutbox):
    campaign = campaign_for(officer)
    reviews.decide(lending_org.head_a, campaign.items.get(person=lending_org.owner), keep=True)
    progress = {p.department: p for p in reviews.progress(campaign)}
    assert progress["销售一部"].decided == 1
    assert progress["销售一部"].percent == 50  # the owner's role and the head's own (management)
    campaign.deadline = timezone.localdate() - timedelta(days=1)
    campaign.save()
    assert reviews.escalate_due() == 1
    assert reviews.escalate_due() == 0
    assert mailoutbox[0].to == [officer.email]
    reviews.close(officer, campaign)
    summary = reviews.report(campaign)
    assert summary["confirmed"] == 1
    assert len(summary["pending"]) == campaign.items.filter(decision="pending").count()
    assert not reviews.my_items(lending_org.head_a).exists()  # closed: nothing left to decide
    assert ReviewItem.objects.filter(campaign=campaign).count() == 7  # one role each, no grants
