"""R10 with PIPL Art. 19: a register uploaded and checked but never imported holds a whole
register of customer data, sealed. It is kept for ``BAOMI_KEEP_UNSTARTED_IMPORTS_DAYS``; then
the daily job cancels it and destroys the upload and the checked rows, and the import's page
says what happened and what to do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.refusals import Refused
from records.imports import expiry, samples, service
from records.imports.models import ImportBatch, ImportStatus
from records.models import CustomerRecord
from records.tasks import expire_imports
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


def _checked(world, days_ago: int) -> ImportBatch:
    register = samples.build({"person": samples.person_rows(5, ["zhang.wei"])})
    batch = service.check(world.head, world.dept, register)
    then = timezone.now() - timedelta(days=days_ago)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=then)
    batch.refresh_from_db()
    return batch


def test_r10_an_import_not_started_in_time_is_cancelled_and_its_upload_destroyed(world, settings):
    settings.BAOMI_KEEP_UNSTARTED_IMPORTS_DAYS = 14
    old, recent = _checked(world, days_ago=15), _checked(world, days_ago=13)
    assert old.sealed_upload
    assert old.chunks.exists()

    assert expire_imports() == 1  # the beat job
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == ImportStatus.EXPIRED
    assert bytes(old.sealed_upload) == b""
    assert not old.chunks.exists()
    assert old.finished_at is not None
    assert recent.status == ImportStatus.CHECKED
    assert recent.sealed_upload
    assert CustomerRecord.objects.count() == 0
    event = AuditEvent.objects.get(action="import.expired")
    assert event.actor is None
    assert event.target_id == str(old.pk)
    assert event.details["days"] == 14

    assert expiry.expire_unstarted() == 0  # nothing twice
    with pytest.raises(Refused):
        service.start(world.head, old)

    head = client_verified(world.head)
    page = head.get(reverse("records:import", args=[old.pk])).content.decode()
    assert "not imported within 14 days" in page
    assert "Upload the register again" in page
    assert 'data-testid="import-start"' not in page


def test_r10_an_import_under_way_is_never_expired(world, settings, start):
    settings.BAOMI_KEEP_UNSTARTED_IMPORTS_DAYS = 14
    batch = _checked(world, days_ago=30)
    start(world.head, batch)
    assert expiry.expire_unstarted() == 0
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED
    assert CustomerRecord.objects.filter(import_batch=batch).count() == 5


def test_r10_the_processing_record_states_how_long_an_unstarted_import_is_kept(settings):
    from disposal import processing

    settings.BAOMI_KEEP_UNSTARTED_IMPORTS_DAYS = 10
    kept = {e["what"]: e["days"] for e in processing.describe()["other_retention"]}
    assert kept["已检查但未开始导入的登记表（加密保存的上传文件及检查结果）"] == 10


def test_r10_a_handler_who_left_after_the_check_gets_no_file_the_head_does(world, start):
    """Rows are checked against the department's people; the commit may come days later. A
    handler who left or moved meanwhile would be given files nobody can reach (a draft only its
    handler opens), so the commit gives them to the department head, and the page says so."""
    from access.models import User

    batch = _checked(world, days_ago=1)
    world.sales.employment_status = User.EmploymentStatus.LEFT
    world.sales.save(update_fields=["employment_status"])
    start(world.head, batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED
    files = CustomerRecord.objects.filter(import_batch=batch)
    assert files.count() == 5
    assert set(files.values_list("handler_id", flat=True)) == {world.head.pk}
    assert batch.reassigned_rows == 5
    finished = AuditEvent.objects.get(action="import.finished")
    assert finished.details["reassigned"] == 5
    page = client_verified(world.head).get(reverse("records:import", args=[batch.pk]))
    text = page.content.decode()
    assert "Handler replaced" in text
    assert "went to the department head" in text
    assert "left or moved since the check" in text


def test_r10_the_head_takes_the_files_though_their_own_department_is_another(world, start):
    """A head may head a department they do not belong to (one head for two branches)."""
    from access.models import Department, User

    batch = _checked(world, days_ago=1)
    other = Department.objects.create(code="branch-2", name="二分店")
    world.head.department = other
    world.head.save(update_fields=["department"])
    world.sales.employment_status = User.EmploymentStatus.LEFT
    world.sales.save(update_fields=["employment_status"])
    start(world.head, batch)
    files = CustomerRecord.objects.filter(import_batch=batch)
    assert set(files.values_list("handler_id", flat=True)) == {world.head.pk}
