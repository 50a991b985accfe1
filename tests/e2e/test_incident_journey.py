"""Browser journey (issue 16 §10) for a security incident (R73, R83, R71): a salesperson
reports a suspected leak, the information-security officer triages and closes it, and closing
needs a summary. In Chinese and English, at desktop width and on a 390 px phone."""

from __future__ import annotations

import pytest

from access import people
from access.models import Department
from access.roles import Role
from audit.models import Incident
from tests.e2e.journey_checks import (
    assert_fits_and_reads,
    messages,
    on_every_screen,
)
from tests.factories import bare_record, make_person, numbered

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _go(page, live_server, path: str):
    response = page.goto(live_server.url + path)
    assert response.status == 200, path
    return response


@on_every_screen
def test_r73_an_incident_reported_by_staff_is_triaged_and_closed_with_a_summary(
    live_server, signed_in, width, say
):
    """R73, R83 (R71 counts it): any staff member reports a suspected leak from the incidents
    page, naming the file by archive number, and is thanked with the incident's reference;
    the information-security officer finds it in the list with its reporter, rates and
    investigates it, cannot close it without a closing summary, then closes it with one; the
    reporter sees it closed and the summary."""
    dept = Department.objects.create(code="sales-1", name="销售一部")
    staff = make_person("zhang.wei", roles=[Role.SALES], department=dept, full_name="张伟")
    head = make_person("wang.fang", roles=[Role.DEPT_HEAD], department=dept, full_name="王芳")
    people.set_head(dept, head)
    officer = make_person("chen.jing", roles=[Role.SECURITY_OFFICER], full_name="陈静")
    record = numbered(bare_record(staff, dept, tier=2), 12)

    # A salesperson reports what they saw.
    reporter = signed_in(staff, locale=say.locale, width=width)
    _go(reporter, live_server, "/audit/incidents/")
    assert say("没有安全事件。", "No incidents.") in reporter.inner_text("[data-testid=incidents]")
    assert_fits_and_reads(reporter, say)
    reporter.get_by_role("link", name=say("报告安全事件", "Report an incident")).click()
    reporter.wait_for_url("**/audit/incidents/new/")
    assert_fits_and_reads(reporter, say)
    reporter.get_by_label(say("事件类型", "What happened")).select_option(
        label=say("疑似客户信息泄露", "Suspected leak of customer data")
    )
    reporter.get_by_label(say("涉及的客户档案", "Client files concerned")).fill(
        record.archive_number
    )
    description = "在打印机旁发现一份客户资料复印件，无人认领。"
    reporter.get_by_label(say("情况说明", "Description")).fill(description)
    reporter.get_by_role("button", name=say("提交报告", "Send report")).click()
    reporter.wait_for_url("**/audit/incidents/*/")
    incident = Incident.objects.get()
    assert say(
        f"谢谢。安全事件 {incident.reference} 已报告给信息安全负责人。",
        f"Thank you. Incident {incident.reference} was reported to the information-security"
        " officer.",
    ) in messages(reporter)
    assert reporter.inner_text("[data-testid=status]") == say("已报告", "Reported")
    assert record.archive_number in reporter.inner_text("main")
    assert reporter.locator("main form textarea").count() == 0  # the reporter does not triage
    assert_fits_and_reads(reporter, say)

    # The security officer finds it, rates it and starts the investigation.
    triage = signed_in(officer, locale=say.locale, width=width)
    _go(triage, live_server, "/audit/incidents/")
    row = triage.locator("[data-testid=incidents] tbody tr", has_text=incident.reference)
    assert "张伟" in row.inner_text()
    assert say("疑似客户信息泄露", "Suspected leak of customer data") in row.inner_text()
    assert_fits_and_reads(triage, say)
    row.get_by_role("link", name=incident.reference).click()
    triage.wait_for_url(f"**/audit/incidents/{incident.pk}/")
    assert description in triage.inner_text("main")
    assert_fits_and_reads(triage, say)
    triage.get_by_label(say("严重程度", "Severity")).select_option(label=say("高", "High"))
    triage.get_by_label(say("状态", "Status")).select_option(label=say("调查中", "Investigating"))
    triage.get_by_label(say("已采取的措施", "Actions taken")).fill(
        "已收回复印件，正在调取打印记录。"
    )
    triage.get_by_role("button", name=say("保存", "Save")).click()
    assert say(
        f"安全事件 {incident.reference} 已更新。", f"Incident {incident.reference} updated."
    ) in messages(triage)
    assert triage.inner_text("[data-testid=status]") == say("调查中", "Investigating")
    assert triage.inner_text("[data-testid=due]")  # the severity sets the answer's deadline

    # Closing without a summary is refused, and what was typed stays.
    triage.get_by_label(say("状态", "Status")).select_option(label=say("已关闭", "Closed"))
    triage.get_by_role("button", name=say("保存", "Save")).click()
    assert say(
        "结案前请填写结案说明。", "Write a closing summary to close the incident."
    ) in triage.inner_text("main form")
    assert (
        triage.get_by_label(say("已采取的措施", "Actions taken")).input_value()
        == "已收回复印件，正在调取打印记录。"
    )
    incident.refresh_from_db()
    assert incident.status == Incident.Status.INVESTIGATING
    summary = "原因：打印后未及时取件。影响：未外泄。措施：启用打印取件密码。"
    triage.get_by_label(say("结案说明", "Closing summary")).fill(summary)
    triage.get_by_role("button", name=say("保存", "Save")).click()
    assert say(
        f"安全事件 {incident.reference} 已更新。", f"Incident {incident.reference} updated."
    ) in messages(triage)
    assert triage.inner_text("[data-testid=status]") == say("已关闭", "Closed")
    assert summary in triage.inner_text("main")
    # Closed: no more changes.
    assert triage.get_by_role("button", name=say("保存", "Save")).count() == 0
    assert_fits_and_reads(triage, say)

    # The reporter sees the outcome.
    _go(reporter, live_server, f"/audit/incidents/{incident.pk}/")
    assert reporter.inner_text("[data-testid=status]") == say("已关闭", "Closed")
    assert summary in reporter.inner_text("main")

    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    assert incident.severity == Incident.Severity.HIGH
    assert incident.handler == officer
    assert incident.reporter == staff
    assert incident.closing_summary == summary
    assert incident.closed_at is not None
    assert incident.archive_numbers == [record.archive_number]
    expected = [e for e in triage.console_errors if "status of 400" not in e]  # the refusal
    assert expected == []
    assert reporter.console_errors == []
