"""Issue 17 §14 (R73, R83): an incident report reaches the security officer at once, carries a
response deadline set by its severity, shows on the officer's home page, and goes to management
once when nobody answered in time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from access.roles import Role
from audit import incidents
from audit.models import AuditEvent, Incident
from tests.factories import make_person
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(db):
    return make_person("boss", roles=[Role.MANAGEMENT], email="boss@example.cn")


def _report(person) -> Incident:
    return incidents.report(person, kind="leak", description="客户名单被拍照外传")


def test_r73_a_new_report_mails_the_officer_at_once_without_its_description(
    sales_person, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = _report(sales_person)
    assert [m.to for m in mailoutbox] == [[officer.email]]
    assert incident.reference in mailoutbox[0].subject
    assert "客户名单" not in mailoutbox[0].body
    assert incident.due_at == incident.reported_at + timedelta(hours=24)


def test_r73_the_deadline_follows_the_severity(sales_person, officer):
    incident = _report(sales_person)
    incidents.triage(
        officer, incident, severity="critical", status="investigating", actions_taken="冻结账号"
    )
    incident.refresh_from_db()
    assert incident.due_at == incident.reported_at + timedelta(hours=4)


def test_r73_the_officers_home_page_counts_open_incidents(sales_person, officer):
    _report(sales_person)
    _report(sales_person)
    page = client_verified(officer).get(reverse("home")).content.decode()
    assert 'data-testid="count-incidents">2<' in page
    seller_page = client_verified(sales_person).get(reverse("home")).content.decode()
    assert 'data-testid="count-incidents"' not in seller_page


def test_r83_an_overdue_incident_is_escalated_to_management_once(
    sales_person, officer, boss, mailoutbox, django_capture_on_commit_callbacks
):
    late = _report(sales_person)
    closed = _report(sales_person)
    incidents.triage(
        officer,
        closed,
        severity="low",
        status="closed",
        actions_taken="核实",
        closing_summary="误报",
    )
    later = late.reported_at + timedelta(hours=25)
    with django_capture_on_commit_callbacks(execute=True):
        assert incidents.escalate_overdue(later) == [late]
    assert incidents.escalate_overdue(later + timedelta(hours=1)) == []
    escalations = [m for m in mailoutbox if "overdue" in m.subject]
    assert len(escalations) == 1
    assert sorted(escalations[0].to) == sorted([boss.email, officer.email])
    event = AuditEvent.objects.get(action="incident.escalated")
    assert event.target_label == late.reference
    late.refresh_from_db()
    assert late.escalated_at == later


def test_r73_the_incident_list_marks_what_is_overdue(sales_person, officer):
    incident = _report(sales_person)
    Incident.objects.filter(pk=incident.pk).update(due_at=incident.reported_at - timedelta(hours=1))
    page = client_verified(officer).get(reverse("audit:incidents")).content.decode()
    assert "overdue" in page
