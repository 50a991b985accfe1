"""Issue 19 §3 in a browser: management opens the report from the menu, reads figures that
equal counts made in the database, narrows it to one department, takes one table to Excel and
prints the whole report; a head on a phone sees only their department and no company-wide
incidents. In Chinese and English, at desktop width and at 390 px."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from access.models import Department
from access.roles import Role
from audit.models import AuditEvent
from records.models import CustomerRecord
from tests.e2e.conftest import SCREENS
from tests.e2e.journey_checks import (
    Words,
    assert_fits_and_reads,
    in_both_languages,
    on_every_screen,
)
from tests.factories import approved, bare_record, build_world, make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HELD = ("submitted", "returned", "approved", "archived")


def _world():
    world = build_world()
    for _ in range(3):
        approved(world.sales, world.head)
    other = Department.objects.create(code="sales-2", name="销售二部")
    for status in ("approved", "archived", "destroyed", "draft"):
        bare_record(world.sales, other, tier=3, status=status)
    world.boss = make_person("li.ming", roles=[Role.MANAGEMENT], full_name="李明")
    return world


def _cell(page, table: str, row: str, column: int) -> str:
    found = page.locator(f"[data-testid=table-{table}] tr", has_text=row).first
    return found.locator("td").nth(column - 1).inner_text().strip()


@on_every_screen
def test_r19_3_management_reads_the_report_and_its_figures_are_the_databases(
    live_server, signed_in, width, say: Words
):
    world = _world()
    page = signed_in(world.boss, locale=say.locale, width=width)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=say("管理报告", "Management report")).first.click()
    page.wait_for_url("**/records/reports/")
    assert say("全公司", "The whole company") in page.inner_text("[data-testid=report-scope]")
    assert page.locator("svg.chart").count() >= 4
    assert_fits_and_reads(page, say)

    held = CustomerRecord.objects.filter(status__in=HELD)
    for name in ("销售一部", "销售二部"):
        counted = held.filter(department__name=name).count()
        assert _cell(page, "levels", name, 5) == str(counted)
        assert _cell(page, "consent", name, 1) == str(counted)
    total = page.locator("[data-testid=table-statuses] tfoot td").last.inner_text()
    assert total == str(CustomerRecord.objects.count())
    assert page.locator("[data-testid=section-incidents]").count() == 1

    # One department: the figures and the scope follow.
    page.locator("[data-testid=report-filter]").get_by_label(
        say("部门", "Department")
    ).select_option(label="销售二部")
    page.get_by_role("button", name=say("显示", "Show")).click()
    page.wait_for_url("**/records/reports/?department=*")
    assert "销售二部" in page.inner_text("[data-testid=report-scope]")
    assert page.locator("[data-testid=table-levels] tbody tr").count() == 1
    assert page.locator("[data-testid=section-incidents]").count() == 0
    assert_fits_and_reads(page, say)

    # One table to Excel: the same figures, with what they count.
    with page.expect_download() as download:
        page.locator("[data-testid=section-consent]").get_by_role(
            "link", name=say("导出本表（Excel）", "This table (Excel)")
        ).click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.sheetnames == [say("同意覆盖情况", "Consent coverage")]
    rows = [row for row in book.active.iter_rows(values_only=True) if row and row[0] == "销售二部"]
    assert rows[0][1] == held.filter(department__name="销售二部").count()

    pdf = page.request.get(
        live_server.url + page.locator("[data-testid=report-pdf]").get_attribute("href")
    )
    assert pdf.ok
    assert pdf.body().startswith(b"%PDF")
    formats = sorted(
        AuditEvent.objects.filter(action="report.management", actor=world.boss).values_list(
            "details__format", flat=True
        )
    )
    assert formats == ["page", "page", "pdf", "xlsx"]


@in_both_languages
def test_r19_3_a_head_on_a_phone_sees_only_their_department(live_server, signed_in, say: Words):
    world = _world()
    page = signed_in(world.head, locale=say.locale, width=SCREENS["phone"])
    page.goto(live_server.url + "/records/reports/")
    rows = page.locator("[data-testid=table-levels] tbody th").all_inner_texts()
    assert rows == ["销售一部"]
    assert page.locator("[data-testid=section-incidents]").count() == 0
    assert "销售二部" not in page.content()
    assert_fits_and_reads(page, say)
