"""Issue 19 §1's bar, in a browser: a department head brings the department's old client
register in. She uploads a 200-row workbook with five bad rows, reads why each was refused,
downloads the rejected rows, imports the rest with the progress bar, approves the import after
looking through it; the archivist then finds a file by the number the old register gave it.
In Chinese and English, at desktop width and on a 390 px phone. The commit runs as a Celery
task: in-process on SQLite, on a real worker consuming Redis on the PostgreSQL leg."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from playwright.sync_api import expect

from access import people
from access.models import Department
from access.roles import Role
from audit.models import AuditEvent
from records.imports import samples
from records.imports.models import ImportBatch, ImportStatus
from records.models import CustomerRecord, RecordStatus
from tests.e2e.journey_checks import (
    Words,
    assert_fits_and_reads,
    on_every_screen,
)
from tests.factories import make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def worker():
    """A Celery worker for the import's commit when a broker is configured (the PostgreSQL leg):
    the real one, in a thread, consuming the test's Redis database."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        yield None
        return
    from celery import current_app
    from celery.contrib.testing.worker import start_worker

    current_app.control.purge()  # messages earlier tests queued for objects long gone
    with start_worker(current_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        yield current_app


def _register() -> bytes:
    """200 rows, five of them wrong as real registers are; every fifth row has no place for its
    signed consent (those wait with their handlers)."""
    rows = samples.person_rows(200, ["zhang.wei", "孙丽"])
    ident = rows[0]["id_number"]
    rows[0]["id_number"] = ident[:-1] + ("0" if ident[-1] != "0" else "1")
    rows[3]["mobile"] = "1381234"
    rows[6]["full_name"] = ""
    rows[9]["consent_sensitive"] = ""
    rows[12]["handler"] = "王小二"
    return samples.build({"person": rows})


def _go(page, live_server, path: str) -> None:
    response = page.goto(live_server.url + path)
    assert response.status == 200, path


@on_every_screen
def test_r10_r15_head_imports_a_register_approves_it_and_the_archive_finds_an_old_number(
    live_server, signed_in, worker, width, say: Words
):
    dept = Department.objects.create(code="sales-1", name="销售一部")
    head = make_person("wang.fang", roles=[Role.DEPT_HEAD], department=dept, full_name="王芳")
    people.set_head(dept, head)
    make_person("zhang.wei", roles=[Role.SALES], department=dept, full_name="张伟")
    make_person("sun.li", roles=[Role.SALES], department=dept, full_name="孙丽")
    keeper = make_person("liu.yang", roles=[Role.ARCHIVIST], full_name="刘洋")

    page = signed_in(head, locale=say.locale, width=width)
    _go(page, live_server, "/")
    page.get_by_role("link", name=say("导入登记簿", "Import a register")).first.click()
    page.wait_for_url("**/records/imports/")
    assert_fits_and_reads(page, say)
    form = page.locator("[data-testid=import-upload]")
    form.get_by_label(say("登记簿文件", "Register file")).set_input_files(
        files=[{"name": "客户登记簿.xlsx", "mimeType": XLSX, "buffer": _register()}]
    )
    form.get_by_role("button", name=say("检查登记簿", "Check the register")).click()
    page.wait_for_url("**/records/imports/*/")

    # The check (in the background; the page follows it): nothing saved yet, what will be
    # created, and each refused row with its reason.
    expect(page.locator("[data-testid=import-status]")).to_contain_text(
        say("已检查，尚未导入", "Checked, not yet imported"), timeout=60_000
    )
    assert page.inner_text("[data-testid=valid-rows]").startswith("195")
    assert page.inner_text("[data-testid=rejected-rows]") == "5"
    problems = page.locator("[data-testid=import-problems] tbody tr")
    expect(problems).to_have_count(5)
    assert say("居民身份证号", "Resident ID number") in problems.nth(0).inner_text()
    assert say("手机号码", "Mobile phone") in problems.nth(1).inner_text()
    assert say("单独同意", "separate consent") in problems.nth(3).inner_text()
    assert say("经手人", "Handler") in problems.nth(4).inner_text()
    assert CustomerRecord.objects.count() == 0
    assert_fits_and_reads(page, say)

    # The rejected rows come back as a workbook to correct.
    with page.expect_download() as download:
        link = say("下载被拒绝的行及其问题", "Download the rejected rows with their problems")
        page.get_by_role("link", name=link).click()
    text = download.value.path().read_bytes().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert len(lines) == 6
    assert lines[0][0] == say("客户类型", "Kind of customer")
    assert lines[0][-1] == say("问题", "Problems")
    assert lines[2][-1].startswith(say("第 5 行：", "Row 5: "))

    # Import: the page follows the commit to its end.
    assert say("现在导入 195 份档案？", "Import 195 files now?") in page.inner_text("main")
    page.get_by_role("button", name=say("导入有效行", "Import the valid rows")).click()
    expect(page.locator("[data-testid=import-status]")).to_contain_text(
        say("已导入，待审批", "Imported, awaiting approval"), timeout=60_000
    )
    expect(page.locator("[data-testid=import-progress]")).to_have_attribute("value", "100")
    assert page.inner_text("[data-testid=created-files]") == "195"
    assert_fits_and_reads(page, say)
    batch = ImportBatch.objects.get()
    assert bytes(batch.sealed_upload) == b""  # the upload is destroyed
    assert CustomerRecord.objects.filter(status=RecordStatus.DRAFT).count() == 39

    # The head looks through the import and approves it.
    review = say("查看并审批导入的档案", "Review and approve the imported files")
    page.get_by_role("link", name=review).click()
    page.wait_for_url("**/approve/")
    expect(page.locator("[data-testid=import-files] tbody tr")).to_have_count(156)
    assert_fits_and_reads(page, say)
    page.get_by_role("button", name=say("全部审批通过", "Approve them all")).click()
    page.wait_for_url("**/records/imports/*/")
    expect(page.locator("[data-testid=import-status]")).to_contain_text(
        say("已批准", "Approved"), timeout=60_000
    )
    assert say("已审批并编号 156 份档案。", "156 files approved and numbered.") in page.inner_text(
        "[data-testid=approved-files]"
    )
    assert ImportBatch.objects.get().status == ImportStatus.APPROVED
    assert AuditEvent.objects.filter(action="record.approve").count() == 156

    # The archivist finds a folder by its old number.
    archive = signed_in(keeper, locale=say.locale, width=width)
    _go(archive, live_server, "/records/archive/")
    archive.get_by_label(say("档案编号或原档案号", "Archive number or old number")).fill(
        "2019-0151"
    )
    archive.get_by_role("button", name=say("检索", "Search")).click()
    rows = archive.locator("[data-testid=catalogue] tbody tr")
    expect(rows).to_have_count(1)
    found = CustomerRecord.objects.get(old_number="2019-0151")
    assert found.archive_number in rows.inner_text()
    assert say("原 2019-0151", "old 2019-0151") in rows.inner_text()
    assert_fits_and_reads(archive, say)
