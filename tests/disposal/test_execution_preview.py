"""Issue 16 §6: before a batch is executed, the archivist sees what will happen; the preview
follows the plan the execution follows, so what it says is what is done."""

from __future__ import annotations

from django.urls import reverse

from access.models import Medium, RequestState, Transfer
from access.roles import Role
from disposal import batches, execution_preview
from records import paper
from records.circulation import custody, lending
from tests.access.workflow.test_files import _ask, _borrower, signed_batch
from tests.factories import approved, make_person
from tests.helpers import client_verified


def test_r61_the_preview_names_what_stays_what_ends_and_what_is_withdrawn(archive_staff):
    staff = archive_staff
    on_loan = approved(staff.sales, staff.head, {"full_name": "丙", "mobile": "13900003333"})
    paper.register_location(
        staff.keeper, on_loan, room="档案室A", cabinet="1", shelf="2", custodian=staff.keeper
    )
    borrower = _borrower(staff)
    folder_loan = _ask(staff, borrower, on_loan, medium=Medium.PAPER)
    lending.hand_out(staff.keeper, folder_loan)
    read = approved(staff.sales, staff.head, {"full_name": "甲", "mobile": "13900001111"})
    reading = _ask(staff, borrower, read)
    lending.hand_out(staff.keeper, reading)
    offered = approved(staff.sales, staff.head, {"full_name": "乙", "mobile": "13900002222"})
    colleague = make_person("sun.li", roles=[Role.SALES], department=staff.dept)
    transfer = custody.offer(staff.sales, offered, colleague, "交接")
    batch = signed_batch(staff, on_loan, read, offered)

    shown = execution_preview.preview(batch)
    assert shown.files == 3
    assert shown.destroyed == 2
    assert [number for number, _why in shown.kept] == [on_loan.archive_number]
    assert folder_loan.number in shown.kept[0][1]
    assert shown.loans_ended == [reading.number]
    assert shown.readers == 1
    assert shown.withdrawn == [f"File hand-over {transfer.pk}"]

    # Executing does what was shown.
    assert batches.execute(staff.keeper, batch) == 2
    reading.refresh_from_db()
    transfer.refresh_from_db()
    assert reading.state == RequestState.CLOSED
    assert transfer.state == Transfer.State.CANCELLED


def test_r61_the_confirmation_page_refuses_without_the_tick_and_destroys_with_it(archive_staff):
    staff = archive_staff
    record = approved(staff.sales, staff.head, {"full_name": "丁", "mobile": "13900004444"})
    batch = signed_batch(staff, record)
    client = client_verified(staff.keeper)
    page = client.get(reverse("disposal:execute", args=[batch.pk]))
    assert page.status_code == 200
    assert "1 file will be destroyed." in page.content.decode()
    refused = client.post(reverse("disposal:execute", args=[batch.pk]), follow=True)
    assert "Tick the box" in refused.content.decode()
    record.refresh_from_db()
    assert record.status == "approved"
    done = client.post(
        reverse("disposal:execute", args=[batch.pk]), {"understood": "yes"}, follow=True
    )
    assert "1 file destroyed." in done.content.decode()  # one file, said in the singular
    record.refresh_from_db()
    assert record.status == "destroyed"


def test_r61_someone_who_may_not_destroy_is_refused_and_the_refusal_recorded(archive_staff):
    from audit.models import AuditEvent

    staff = archive_staff
    record = approved(staff.sales, staff.head, {"full_name": "戊", "mobile": "13900005555"})
    batch = signed_batch(staff, record)
    response = client_verified(staff.head).get(reverse("disposal:execute", args=[batch.pk]))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor_id=staff.head.pk).exists()


def test_r61_a_folder_kept_back_is_not_counted_among_the_folders_to_shred(archive_staff):
    staff = archive_staff
    on_loan = approved(staff.sales, staff.head, {"full_name": "己", "mobile": "13900006666"})
    paper.register_location(
        staff.keeper, on_loan, room="档案室A", cabinet="1", shelf="2", custodian=staff.keeper
    )
    loan = _ask(staff, _borrower(staff), on_loan, medium=Medium.PAPER)
    lending.hand_out(staff.keeper, loan)
    batch = signed_batch(staff, on_loan)
    shown = execution_preview.preview(batch)
    assert shown.destroyed == 0
    assert shown.paper_to_shred == 0
