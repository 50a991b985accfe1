"""Retention policies and due dates (R60): table-driven, versioned, audited."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from access.policy import Denied
from audit.models import AuditEvent
from disposal import retention
from disposal.models import RetentionPolicy
from records.models import CustomerRecord

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _record(**fields) -> CustomerRecord:
    values = {
        "status": "approved",
        "tier": 2,
        "outcome": "open",
        "contract_ended_on": None,
        "disposal_review_requested_at": None,
        "updated_at": datetime(2026, 3, 31, 10, tzinfo=SHANGHAI),
    }
    values.update(fields)
    return CustomerRecord(**values)


CASES = [
    # (what the file says, expected keep-until, expected policy)
    ({"outcome": "deal_closed", "contract_ended_on": date(2026, 6, 30)}, date(2031, 6, 30),
     "deal-closed v1"),
    ({"outcome": "deal_closed"}, None, "deal-closed v1"),  # contract still running
    ({"outcome": "no_deal"}, date(2027, 3, 31), "no-deal v1"),
    ({"outcome": "open"}, date(2028, 3, 31), "open-inactive v1"),
    ({"outcome": "no_deal",
      "disposal_review_requested_at": datetime(2026, 1, 31, 23, 30, tzinfo=SHANGHAI)},
     date(2026, 2, 28), "consent-withdrawn v1"),  # withdrawn wins; month end clamps
    ({"status": "draft"}, None, None),  # drafts have their own purge rule
    ({"status": "destroyed"}, None, None),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "until", "label"), CASES)
def test_r60_due_date_per_policy(db, fields, until, label):
    got, rule = retention.due(_record(**fields))
    assert got == until
    assert (rule.audit_label() if rule else None) == label


def test_a_tier_specific_policy_wins_and_a_change_is_a_new_audited_version(archive_staff):
    before = retention.due(_record(outcome="no_deal", tier=1))[1]
    assert before.code == "no-deal"
    retention.save_policy(
        archive_staff.lawyer, "no-deal-level-1", name="未成交一级档案", category="no_deal", tier=1,
        trigger="last_activity", months=6, end_action="destroy",
    )  # fmt: skip
    until, rule = retention.due(_record(outcome="no_deal", tier=1))
    assert rule.code == "no-deal-level-1"
    assert until == date(2026, 9, 30)
    assert retention.due(_record(outcome="no_deal", tier=2))[1].code == "no-deal"

    retention.save_policy(
        archive_staff.lawyer, "no-deal", name="未成交客户档案", category="no_deal", tier=None,
        trigger="last_activity", months=18, end_action="destroy",
    )  # fmt: skip
    versions = RetentionPolicy.objects.filter(code="no-deal").order_by("version")
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].superseded_at is not None
    assert retention.due(_record(outcome="no_deal"))[0] == date(2027, 9, 30)
    assert AuditEvent.objects.filter(action="retention.policy_saved").count() == 2


def test_saving_a_policy_unchanged_keeps_its_version_and_logs_nothing(archive_staff):
    """Issue 16: a legal officer who opens a policy and saves it as it is made no change; a
    new version would move no date but read as a decision in the log and the record of
    processing."""
    current = RetentionPolicy.objects.current().get(code="no-deal")
    before = AuditEvent.objects.filter(action="retention.policy_saved").count()
    rule, changed = retention.save_policy(
        archive_staff.lawyer, "no-deal", name=current.name, category=current.category,
        tier=current.tier, trigger=current.trigger, months=current.months,
        end_action=current.end_action, note=current.note,
    )  # fmt: skip
    assert not changed
    assert rule.pk == current.pk
    assert RetentionPolicy.objects.filter(code="no-deal").count() == 1
    assert AuditEvent.objects.filter(action="retention.policy_saved").count() == before


def test_only_management_and_legal_set_retention(archive_staff):
    with pytest.raises(Denied):
        retention.save_policy(
            archive_staff.head, "x", name="x", category="open", tier=None, trigger="last_activity",
            months=1, end_action="review",
        )  # fmt: skip


def test_recomputing_due_dates_does_not_count_as_activity(archive_staff):
    from tests.factories import approved

    record = approved(
        archive_staff.sales, archive_staff.head, {"full_name": "李四", "mobile": "13900001111"}
    )
    CustomerRecord.objects.filter(pk=record.pk).update(outcome="no_deal")
    stamp = CustomerRecord.objects.get(pk=record.pk).updated_at
    assert retention.recompute_all() == 1
    record.refresh_from_db()
    assert record.retention_until is not None
    assert record.retention_policy == "no-deal v1"
    assert record.updated_at == stamp


def test_a_contract_end_in_the_year_9990_is_refused_at_the_field(archive_staff):
    """Issue 17 §11: 9990-01-01 was accepted as a contract end; once legal raised a period the
    due date left the calendar (year 10000) and every nightly sweep failed company-wide."""
    from django.urls import reverse

    from tests.factories import approved
    from tests.helpers import client_verified

    record = approved(archive_staff.sales, archive_staff.head)
    client = client_verified(archive_staff.sales)
    page = client.post(
        reverse("records:outcome", args=[record.pk]),
        {"outcome": "deal_closed", "contract_ended_on": "9990-01-01"},
        follow=True,
    )
    assert "Give a date before" in page.content.decode()
    record.refresh_from_db()
    assert record.contract_ended_on is None


def test_a_due_date_past_the_calendar_is_kept_for_ever_and_one_bad_row_stops_no_sweep(
    archive_staff,
):
    from disposal import sweep
    from tests.factories import approved, make_due

    assert retention.add_months(date(9990, 1, 1), 120) == date.max  # kept for ever
    bad = approved(archive_staff.sales, archive_staff.head, {"full_name": "甲"})
    CustomerRecord.objects.filter(pk=bad.pk).update(
        outcome="deal_closed",
        contract_ended_on=date(9999, 6, 1),  # entered before the check
    )
    due = make_due(approved(archive_staff.sales, archive_staff.head, {"full_name": "乙"}))
    run = sweep.propose_due()
    assert run.proposed == 1
    assert due.disposal_items.filter(active=True).exists()
