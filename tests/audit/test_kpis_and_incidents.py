"""R71 KPIs and R73 incident handling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

import audit
from access.roles import Role
from audit import incidents, kpis
from audit.models import Alert, AuditEvent, Incident
from tests.factories import make_person
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


def test_r71_weekly_kpis_count_leaks_abuses_and_abnormal_accesses(sales_person, officer):
    incidents.report(sales_person, kind="leak", description="照片外传")
    incidents.report(sales_person, kind="loss", description="文件丢失")
    audit.record(sales_person, "access.denied", url_name="audit:events")
    audit.record(sales_person, "grant.expired_use")
    audit.record(None, "access.denied", url_name="home")  # anonymous: not counted
    Alert.objects.create(
        rule="many_reveals",
        actor=sales_person,
        window_start=timezone.now(),
        window_end=timezone.now() + timedelta(hours=1),
        count=30,
        first_event_id=1,
        last_event_id=2,
        summary="x",
    )
    weeks = kpis.weekly(4)
    assert len(weeks) == 4
    this_week = weeks[0]
    assert this_week.week == timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert (this_week.leak_incidents, this_week.permission_abuses, this_week.abnormal_accesses) == (
        1,
        2,
        1,
    )
    assert all(w.leak_incidents == 0 for w in weeks[1:])


def test_r71_kpi_page_for_management_auditors_and_officers_only(sales_person, officer, auditor):
    boss = make_person("zhou.jun", roles=[Role.MANAGEMENT])
    for person in (boss, officer, auditor):
        assert client_verified(person).get(reverse("audit:kpis")).status_code == 200
    assert client_verified(sales_person).get(reverse("audit:kpis")).status_code == 403
    # Management sees the figures, not the event log.
    assert client_verified(boss).get(reverse("audit:events")).status_code == 403


def test_r73_anyone_can_report_an_incident_and_it_is_audited(sales_person):
    client = client_verified(sales_person)
    response = client.post(
        reverse("audit:incident_new"),
        {
            "kind": "leak",
            "occurred_at": "2026-11-20T18:30",
            "archive_numbers": "kh-2026-000123, KH-2026-000124",
            "description": "有人把客户资料拍照发到微信群",
        },
        follow=True,
    )
    incident = Incident.objects.get()
    assert incident.reference == f"INC-{timezone.localdate().year}-{incident.pk:05d}"
    assert incident.archive_numbers == ["KH-2026-000123", "KH-2026-000124"]
    assert incident.reporter == sales_person
    assert "was reported to the information-security officer" in response.content.decode()
    event = AuditEvent.objects.get(action="incident.reported")
    assert (event.target_label, event.details["files"]) == (incident.reference, 2)


def test_r73_a_bad_archive_number_is_explained_and_nothing_typed_is_lost(sales_person):
    client = client_verified(sales_person)
    response = client.post(
        reverse("audit:incident_new"),
        {"kind": "leak", "archive_numbers": "KH-2026-000123 abc", "description": "说明文字"},
    )
    html = response.content.decode()
    assert "These are not archive numbers: ABC" in html
    assert "说明文字" in html
    assert "KH-2026-000123 abc" in html
    assert not Incident.objects.exists()


def test_r73_reporters_see_their_own_incidents_only(sales_person):
    other = make_person("li.na", roles=[Role.SALES])
    mine = incidents.report(sales_person, kind="leak", description="a")
    theirs = incidents.report(other, kind="leak", description="b")
    client = client_verified(sales_person)
    listed = client.get(reverse("audit:incidents")).context["incidents"]
    assert [i.pk for i in listed] == [mine.pk]
    assert client.get(reverse("audit:incident", args=[theirs.pk])).status_code == 404


def test_r73_security_officer_triages_and_closes_with_a_summary(sales_person, officer):
    incident = incidents.report(sales_person, kind="leak", description="a")
    client = client_verified(officer)
    url = reverse("audit:incident", args=[incident.pk])
    client.post(url, {"severity": "high", "status": "investigating", "actions_taken": "调取日志"})
    incident.refresh_from_db()
    assert (incident.severity, incident.status, incident.handler) == (
        "high",
        "investigating",
        officer,
    )
    refused = client.post(url, {"severity": "high", "status": "closed", "actions_taken": "x"})
    assert "Write a closing summary" in refused.content.decode()
    client.post(
        url,
        {"severity": "high", "status": "closed", "actions_taken": "x", "closing_summary": "已处理"},
    )
    incident.refresh_from_db()
    assert incident.status == "closed"
    assert incident.closed_at is not None
    actions = list(
        AuditEvent.objects.filter(target_type="audit.incident")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["incident.reported", "incident.triaged", "incident.closed"]


def test_r73_reporters_cannot_triage(sales_person):
    incident = incidents.report(sales_person, kind="leak", description="a")
    client = client_verified(sales_person)
    response = client.post(
        reverse("audit:incident", args=[incident.pk]), {"severity": "low", "status": "closed"}
    )
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == "reported"


def test_r71_security_officer_closes_an_alert_with_a_note(officer, sales_person):
    alert = Alert.objects.create(
        rule="outside_office_hours",
        actor=sales_person,
        actor_name="张伟",
        window_start=timezone.now(),
        window_end=timezone.now(),
        count=1,
        first_event_id=1,
        last_event_id=1,
        summary="x",
    )
    client = client_verified(officer)
    client.post(reverse("audit:alert_close", args=[alert.pk]), {"closing_note": "加班,已核实"})
    alert.refresh_from_db()
    assert (alert.status, alert.closed_by, alert.closing_note) == ("closed", officer, "加班,已核实")
    assert AuditEvent.objects.filter(action="audit.alert_closed", actor_id=officer.pk).exists()
    auditor_client = client_verified(make_person("aud", roles=[Role.AUDITOR]))
    assert (
        auditor_client.post(
            reverse("audit:alert_close", args=[alert.pk]), {"closing_note": "x"}
        ).status_code
        == 403
    )
