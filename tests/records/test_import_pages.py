"""Issue 19 §1: the import pages as the head uses them (upload, check, rejects, commit,
approval), and as others are refused."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from records.imports import approval, samples, service
from records.imports.models import ImportBatch
from records.models import CustomerRecord
from tests.factories import build_world
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


def _upload(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("客户登记簿.xlsx", samples.build({"person": rows}))


def test_r10_head_uploads_sees_the_check_downloads_rejects_imports_and_approves(
    django_capture_on_commit_callbacks,
):
    world = build_world()
    head = client_verified(world.head)
    assert head.get("/records/imports/").status_code == 200
    template = head.get("/records/imports/template.xlsx")
    assert load_workbook(io.BytesIO(template.content)).sheetnames[1] == "Individuals"
    rows = samples.person_rows(12, ["zhang.wei"])
    rows[2]["mobile"] = "12345"
    with django_capture_on_commit_callbacks(execute=True):
        head.post("/records/imports/", {"department": world.dept.pk, "file": _upload(rows)})
    batch = ImportBatch.objects.get()
    if not settings.CELERY_TASK_ALWAYS_EAGER:  # the worker's part (see test_imports.start)
        service.check_batch(str(batch.pk))
    page = head.get(f"/records/imports/{batch.pk}/")
    text = page.content.decode()
    assert "Checked, not yet imported" in text
    assert "Row" in text
    assert "Mobile phone" in text
    rejects = head.get(f"/records/imports/{batch.pk}/rejected.csv")
    assert rejects["Content-Type"].startswith("text/csv")
    assert "Mobile phone" in rejects.content.decode("utf-8-sig").splitlines()[1]
    with django_capture_on_commit_callbacks(execute=True):
        head.post(f"/records/imports/{batch.pk}/act/", {"action": "start"})
    if not settings.CELERY_TASK_ALWAYS_EAGER:  # the worker's part (see test_imports.start)
        service.run(str(batch.pk))
    page = head.get(f"/records/imports/{batch.pk}/")
    assert "Imported, awaiting approval" in page.content.decode()
    assert 'value="100"' in page.content.decode()
    queue = head.get("/records/review/").content.decode()
    assert "Review and approve the imported files" in queue
    approve = head.get(f"/records/imports/{batch.pk}/approve/")
    assert approve.content.decode().count("2019-00") == 9  # eleven imported, two await consent
    with django_capture_on_commit_callbacks(execute=True):
        head.post(f"/records/imports/{batch.pk}/approve/")
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        approval.run_approval(str(batch.pk))
    assert CustomerRecord.objects.filter(archive_number__isnull=False).count() == 9
    assert (
        "9 files approved and numbered."
        in head.get(f"/records/imports/{batch.pk}/").content.decode()
    )


def test_r10_a_file_that_is_not_a_register_is_refused_on_the_form_and_nothing_is_kept():
    world = build_world()
    head = client_verified(world.head)
    bad = SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    page = head.post("/records/imports/", {"department": world.dept.pk, "file": bad})
    assert page.status_code == 400
    assert "old Excel file" in page.content.decode()
    assert ImportBatch.objects.count() == 0


def test_r10_sales_staff_and_other_departments_are_refused():
    world = build_world()
    assert client_verified(world.sales).get("/records/imports/").status_code == 403
    head = client_verified(world.head)
    head.post(
        "/records/imports/",
        {"department": world.dept.pk, "file": _upload(samples.person_rows(2, ["zhang.wei"]))},
    )
    batch = ImportBatch.objects.get()
    assert client_verified(world.lawyer).get(f"/records/imports/{batch.pk}/").status_code == 403
    keeper = client_verified(world.keeper)
    assert keeper.get(f"/records/imports/{batch.pk}/").status_code == 200
    assert keeper.get("/records/imports/template.csv").content.startswith("\ufeff".encode())
