"""Issue 19 §1 (R10-R15, R80): importing an existing client register.

Each test uploads a register as an office fills it in (records.imports.samples builds it in the
Chinese template's layout) and checks what the person would see: the rows refused and why, the
files created, encrypted and waiting for review, nothing created twice, the upload destroyed.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from access.policy import Denied, RecordAction, decide
from audit.models import AuditEvent
from core.refusals import Refused
from records import catalogue, consents
from records import content as record_content
from records.imports import approval, samples, service, sorting, workbook
from records.imports.models import ImportBatch, ImportStatus
from records.models import CustomerRecord, RecordStatus

pytestmark = pytest.mark.django_db


def _bad_rows(rows):
    """Five rows a real register has wrong, each in its own way."""
    rows[0]["id_number"] = rows[0]["id_number"][:-1] + (
        "0" if rows[0]["id_number"][-1] != "0" else "1"
    )
    rows[3]["mobile"] = "1381234"
    rows[6]["full_name"] = ""
    rows[9]["consent_sensitive"] = ""  # an ID number without its separate consent
    rows[12]["handler"] = "nobody.here"
    return rows


def _register(n=30, bad=True, **kwargs):
    rows = samples.person_rows(n, ["zhang.wei"], **kwargs)
    return samples.build({"person": _bad_rows(rows) if bad else rows})


def test_r10_check_refuses_bad_rows_with_the_column_and_saves_nothing(world):
    batch = service.check(world.head, world.dept, _register())
    assert (batch.total_rows, batch.valid_rows, batch.rejected_rows) == (30, 25, 5)
    assert CustomerRecord.objects.count() == 0
    problems = {item["row"]: " ".join(item["problems"]) for item in sorting.shown_problems(batch)}
    assert sorted(problems) == [2, 5, 8, 11, 14]  # sheet rows: the header is row 1
    assert "Resident ID number" in problems[2]
    assert "Mobile phone" in problems[5]
    assert "Name" in problems[8]
    assert "separate consent" in problems[11]
    assert "Handler" in problems[14]
    # No cell value is kept with the problems (they are shown on a page and stored).
    stored = str(batch.problems)
    assert "1381234" not in stored
    assert "nobody.here" not in stored
    assert batch.sealed_upload
    assert b"2019-0001" not in bytes(batch.sealed_upload)
    assert AuditEvent.objects.filter(action="import.checked").count() == 1


def test_r10_rejected_rows_download_has_each_row_with_its_problems(world, start):
    batch = service.check(world.head, world.dept, _register())
    data = service.rejected_rows(world.head, batch)
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(lines) == 6  # the header and five rows
    assert lines[0][0] == "Kind of customer"
    assert lines[0][-1] == "Problems"
    assert lines[2][-1].startswith("Row 5: Mobile phone:")
    assert AuditEvent.objects.filter(action="import.rejects_downloaded").count() == 1
    # Corrected where they are, the rejected rows import as they are.
    lines[2][lines[0].index("Mobile phone")] = "13912345678"
    out = io.StringIO()
    csv.writer(out).writerows(lines[:1] + lines[2:3])
    again = service.check(world.head, world.dept, out.getvalue().encode("utf-8-sig"))
    assert (again.valid_rows, again.rejected_rows) == (1, 0), sorting.shown_problems(again)


def test_r10_r11_import_encrypts_submits_with_consent_and_destroys_the_upload(world, start):
    batch = service.check(world.head, world.dept, _register(bad=False))
    start(world.head, batch)  # Celery runs eagerly in the tests: the commit is done
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED
    assert (batch.created_files, batch.awaiting_consent, batch.done_rows) == (30, 6, 30)
    assert bytes(batch.sealed_upload) == b""
    files = CustomerRecord.objects.filter(import_batch=batch)
    assert files.filter(status=RecordStatus.SUBMITTED).count() == 24
    assert files.filter(status=RecordStatus.DRAFT).count() == 6  # no place of signed consent
    first = files.get(old_number="2019-0001")
    assert record_content.read(first)["full_name"] == samples.person_rows(1, ["x"])[0]["full_name"]
    assert first.id_index
    assert first.tier == 1
    assert first.handler == world.sales
    consent = first.consents.get()
    assert consent.evidence_reference == "档案袋 2019-0001"
    assert "id_number" in consent.sensitive_scope
    assert AuditEvent.objects.filter(action="record.imported").count() == 30
    assert AuditEvent.objects.filter(action="import.finished").count() == 1


def test_r10_importing_the_same_register_again_creates_nothing_twice(world, start):
    data = _register(bad=False)
    start(world.head, service.check(world.head, world.dept, data))
    again = service.check(world.head, world.dept, data)
    assert (again.valid_rows, again.known_rows) == (0, 30)
    # Also a row whose old number is new but whose customer (ID number and name) is known.
    rows = samples.person_rows(1, ["zhang.wei"])
    rows[0]["old_number"] = "B-77"
    assert service.check(world.head, world.dept, samples.build({"person": rows})).known_rows == 1


def test_r10_a_commit_killed_halfway_carries_on_from_its_mark(world, monkeypatch, start):
    monkeypatch.setattr(sorting, "CHUNK", 8)
    batch = service.check(world.head, world.dept, _register(bad=False))
    real_save, calls = service._save, []

    def dies_on_the_third_chunk(*args):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        real_save(*args)

    monkeypatch.setattr(service, "_save", dies_on_the_third_chunk)
    with pytest.raises(RuntimeError):
        start(world.head, batch)
    batch.refresh_from_db()
    assert (batch.status, batch.done_rows) == (ImportStatus.IMPORTING, 16)
    assert CustomerRecord.objects.count() == 16
    start(world.head, batch)  # "carry on importing" (or the broker redelivers)
    batch.refresh_from_db()
    assert (batch.status, batch.created_files) == (ImportStatus.IMPORTED, 30)
    assert CustomerRecord.objects.count() == 30


def test_r14_r15_head_approves_the_import_and_finds_a_file_by_its_old_number(world, start):
    batch = service.check(world.head, world.dept, _register(bad=False))
    start(world.head, batch)
    batch.refresh_from_db()
    approved = approval.approve(world.head, batch)
    assert (approved.approved, approved.left) == (24, 0)
    assert AuditEvent.objects.filter(action="record.approve").count() == 24
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPROVED
    found = catalogue.search(world.keeper, catalogue.Criteria(number="2019-0007"))
    assert [r.old_number for r in found.rows] == ["2019-0007"]
    assert found.rows[0].archive_number.startswith("KH-")


def test_r11_a_file_imported_without_consent_evidence_cannot_be_borrowed(world, start):
    batch = service.check(world.head, world.dept, _register(bad=False))
    start(world.head, batch)
    waiting = CustomerRecord.objects.get(old_number="2019-0005")
    assert waiting.status == RecordStatus.DRAFT
    assert "attach the consent evidence" in waiting.status_meaning()  # its page says so
    assert not decide(world.head, RecordAction.BORROW, waiting)
    assert approval.awaiting_consent(world.sales) == 6


def test_r10_only_heads_and_archivists_import_and_only_for_their_departments(world):
    with pytest.raises(Denied):
        service.check(world.sales, world.dept, _register(3, bad=False))
    batch = service.check(world.keeper, world.dept, _register(3, bad=False))
    from access import people
    from access.models import Department
    from access.roles import Role
    from tests.factories import make_person

    other = Department.objects.create(code="sales-2", name="销售二部")
    stranger = make_person("li.na", roles=[Role.DEPT_HEAD], department=other)
    people.set_head(other, stranger)
    with pytest.raises(Denied):
        service.require(stranger, batch)
    with pytest.raises(Denied):
        service.check(stranger, world.dept, _register(3, bad=False))


def _xlsx_with(change) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "个人客户"
    sheet.append(["原档案号", "经手人（账号）", "姓名"])
    change(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "old Excel file"),
        (b"PK\x03\x04 not really a zip", "damaged"),
        (b"", "empty"),
        ("姓名,手机\n张三,13812345678\n".encode(), "needs a column"),
        (b"\xff\xfe\x00\x00garbage\x00", "neither UTF-8"),
    ],
)
def test_r10_a_file_that_is_not_a_register_is_refused_with_a_reason(world, data, expected):
    with pytest.raises(Refused) as refused:
        service.check(world.head, world.dept, data)
    assert expected in str(refused.value)
    assert ImportBatch.objects.count() == 0


def test_r10_a_workbook_damaged_inside_or_a_huge_csv_cell_is_refused_not_a_crash(world):
    good = io.BytesIO(_register(3, bad=False))
    damaged = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for entry in source.infolist():
            body = source.read(entry)
            if entry.filename.startswith("xl/worksheets/"):
                body = body[: len(body) // 2]  # cut off halfway: not XML any more
            target.writestr(entry, body)
    with pytest.raises(Refused, match="damaged"):
        service.check(world.head, world.dept, damaged.getvalue())
    huge = '客户类型,姓名\n个人,"' + "长" * 200_000 + '"\n'
    with pytest.raises(Refused, match="longer than any"):
        service.check(world.head, world.dept, huge.encode())
    # Refused at once, or (damage further in) by the background check: nothing kept either way.
    assert not ImportBatch.objects.exclude(sealed_upload=b"").exists()
    assert CustomerRecord.objects.count() == 0


def test_r10_a_macro_workbook_is_refused(world):
    data = io.BytesIO(_xlsx_with(lambda sheet: sheet.append(["A-1", "zhang.wei", "张三"])))
    with zipfile.ZipFile(data, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\x00" * 10)
    with pytest.raises(Refused, match="macros"):
        service.check(world.head, world.dept, data.getvalue())


def test_r10_formulas_and_numbers_that_lost_digits_are_refused_per_row(world):
    def rows(sheet):
        sheet.append(["A-1", "zhang.wei", '=HYPERLINK("http://x")'])
        sheet.append(["A-2", "zhang.wei", "张三"])

    batch = service.check(world.head, world.dept, _xlsx_with(rows))
    assert "formula" in " ".join(sorting.shown_problems(batch)[0]["problems"])
    rows_ = samples.person_rows(1, ["zhang.wei"])
    rows_[0]["id_number"] = float(rows_[0]["id_number"][:17])  # as Excel stores a long number
    batch = service.check(world.head, world.dept, samples.build({"person": rows_}))
    assert "lost its last digits" in " ".join(sorting.shown_problems(batch)[0]["problems"])


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_r10_csv_registers_in_utf8_and_gbk_are_read(world, encoding, start):
    out = io.StringIO()
    writer = csv.writer(out)
    # The template's headers, and the ones an office's own register uses (经办人, 档案号).
    writer.writerow(["客户类型", "档案号", "经办人", "姓名", "信息来源", "信息获取日期",
                     "告知客户的使用目的", "客户同意收集以下信息", "同意方式", "同意日期",
                     "同意书存放位置"])  # fmt: skip
    writer.writerow(["个人", "C-1", "张伟", "欧阳晓梅", "来访", "2019/3/5", "购房服务", "全部",
                     "纸质", "2019年3月5日", "档案袋 C-1"])  # fmt: skip
    writer.writerow(["企业", "C-2", "zhang.wei", "北京䶮𠮷装饰有限公司", "电话", "20190306", "装修",
                     "身份、交易", "纸质", "2019-03-06", "档案袋 C-2"])  # fmt: skip
    data = out.getvalue().encode(encoding)
    batch = service.check(world.head, world.dept, data)
    assert (sorting.shown_problems(batch), batch.file_format, batch.valid_rows) == ([], "csv", 2)
    start(world.head, batch)
    company = CustomerRecord.objects.get(old_number="C-2")
    assert company.kind == "company"
    assert record_content.read(company)["full_name"] == "北京䶮𠮷装饰有限公司"


def test_r10_the_template_reads_back_as_an_empty_register(world):
    data = workbook.template()
    sheets = [s.title for s in load_workbook(io.BytesIO(data)).worksheets]
    assert sheets == ["Instructions", "Individuals", "Companies"]
    with pytest.raises(Refused, match="no rows"):
        service.check(world.head, world.dept, data)
    header = workbook.csv_template().decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Kind of customer,Old archive number")


def test_r10_the_same_customer_twice_in_a_register_is_saved_once(world, start, monkeypatch):
    monkeypatch.setattr(sorting, "CHUNK", 4)
    rows = samples.person_rows(6, ["zhang.wei"])
    rows[1] = dict(rows[0])  # within the first chunk: the later row is refused, with the earlier
    rows[5] = dict(rows[3], old_number="2019-0099")  # in the next chunk: same ID and name
    batch = service.check(world.head, world.dept, samples.build({"person": rows}))
    assert sorting.shown_problems(batch)[0]["problems"] == [
        "The same customer as row 2 of this register."
    ]
    start(world.head, batch)
    batch.refresh_from_db()
    assert (batch.created_files, batch.known_rows, batch.rejected_rows) == (4, 1, 1)
    assert CustomerRecord.objects.count() == 4


def test_r10_no_cell_value_is_kept_with_the_problems(world):
    rows = samples.person_rows(2, ["zhang.wei"])
    rows[0]["source"] = "欧阳晓梅 13912345678"  # a name and a mobile typed in the wrong column
    rows[1]["acquired_at"] = "13812345678"
    batch = service.check(world.head, world.dept, samples.build({"person": rows}))
    assert batch.rejected_rows == 2
    stored = str(batch.problems)
    assert "欧阳晓梅" not in stored
    assert "139" not in stored
    assert "138" not in stored


def test_r10_a_name_two_colleagues_share_must_be_an_account_name(world):
    from access.roles import Role
    from tests.factories import make_person

    make_person("zhang.wei2", roles=[Role.SALES], department=world.dept, full_name="张伟")
    rows = samples.person_rows(2, ["张伟", "zhang.wei2"])
    batch = service.check(world.head, world.dept, samples.build({"person": rows}))
    assert batch.valid_rows == 1
    assert "account name" in sorting.shown_problems(batch)[0]["problems"][0]


def test_r14_only_the_departments_head_approves_and_a_second_click_is_told_why(world, start):
    from access import people
    from access.models import Department
    from access.policy import Denied
    from access.roles import Role
    from tests.factories import make_person

    batch = service.check(world.head, world.dept, _register(5, bad=False))
    start(world.head, batch)
    other = Department.objects.create(code="sales-2", name="销售二部")
    stranger = make_person("li.na", roles=[Role.DEPT_HEAD], department=other)
    people.set_head(other, stranger)
    with pytest.raises(Denied):
        approval.approve(stranger, batch)
    assert approval.approve(world.head, batch).approved == 4
    with pytest.raises(Refused, match="waiting for your approval"):
        approval.approve(world.head, batch)


def test_r14_an_approval_that_meets_a_file_it_may_not_approve_skips_it_and_ends(world, start):
    batch = service.check(world.head, world.dept, _register(5, bad=False))
    start(world.head, batch)
    first = CustomerRecord.objects.filter(import_batch=batch, status="submitted").first()
    consents.withdraw(world.sales, first)  # consent withdrawn while the import waited
    approved = approval.approve(world.head, batch)
    assert (approved.approved, approved.left) == (3, 1)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED  # not left "being approved"; one file remains


def test_r10_a_check_that_fails_is_refused_not_left_checking(world, monkeypatch):
    def broken(*args):
        raise RuntimeError("a database hiccup")

    monkeypatch.setattr(sorting, "sort", broken)
    with pytest.raises(Refused, match="could not be checked"):
        service.check(world.head, world.dept, _register(3, bad=False))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.REFUSED
    assert bytes(batch.sealed_upload) == b""
