"""Transfers of custody (R51) and hand-overs when someone leaves or changes role (R62)."""

from __future__ import annotations

import io

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from access import policy
from access.models import Handover, RequestState, Transfer, User
from access.roles import Role
from audit.models import AuditEvent
from core.refusals import Refused
from records.circulation import custody, lending, pledges
from records.models import CustomerRecord, PaperFile
from tests.factories import bare_record, make_person, numbered, read_grant, register
from tests.helpers import client_verified
from tests.records.circulation.test_borrowing import approve_all, borrow


@pytest.fixture
def colleague(lending_org) -> User:
    return make_person("colleague", roles=[Role.SALES], department=lending_org.a, full_name="孙丽")


def test_r51_transfer_completes_only_when_the_receiver_confirms(lending_org, colleague):
    transfer = custody.offer(lending_org.owner, lending_org.file, colleague, "客户改由孙丽跟进")
    lending_org.file.refresh_from_db()
    assert (
        lending_org.file.handler == lending_org.owner
    )  # the sender stays responsible until receipt
    assert list(custody.incoming(colleague)) == [transfer]
    with pytest.raises(policy.Denied):
        custody.accept(lending_org.head_a, transfer)
    custody.accept(colleague, transfer)
    lending_org.file.refresh_from_db()
    assert lending_org.file.handler == colleague
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.CONFIRMED
    assert transfer.answered_at is not None
    actions = AuditEvent.objects.filter(target_id=str(lending_org.file.pk)).values_list(
        "action", flat=True
    )
    assert {"record.transfer_offered", "record.transfer_received"} <= set(actions)


def test_r51_a_declined_transfer_leaves_the_file_with_the_sender(lending_org, colleague):
    transfer = custody.offer(lending_org.owner, lending_org.file, colleague, "交接")
    custody.decline(colleague, transfer, "不负责该区域")
    lending_org.file.refresh_from_db()
    assert lending_org.file.handler == lending_org.owner
    with pytest.raises(Refused):
        custody.accept(colleague, transfer)


def test_r51_files_go_only_to_someone_of_their_department_and_only_by_their_holder(lending_org):
    with pytest.raises(Refused) as refused:
        custody.offer(lending_org.owner, lending_org.file, lending_org.borrower, "换人")
    assert "own department" in str(refused.value)
    with pytest.raises(policy.Denied):
        custody.offer(lending_org.borrower, lending_org.file, lending_org.owner, "换人")


def test_one_open_transfer_per_file(lending_org, colleague):
    custody.offer(lending_org.owner, lending_org.file, colleague, "交接")
    with pytest.raises(Refused):
        custody.offer(lending_org.owner, lending_org.file, lending_org.head_a, "交接")


def test_r62_hand_over_leaves_the_leaver_with_no_files_grants_sessions_or_second_factor(
    lending_org, colleague
):
    leaver = lending_org.borrower
    second = numbered(bare_record(leaver, lending_org.b, tier=3), 7)
    read_grant(leaver, lending_org.file, lending_org.archivist)
    pending = borrow(lending_org)  # an open borrow request of the leaver
    browser = client_verified(leaver)
    assert browser.get("/").status_code == 200
    receiver = make_person("next", roles=[Role.SALES], department=lending_org.b)
    pledge = pledges.sign(leaver, pledges.prepare(lending_org.head_b, leaver))

    handover = custody.hand_over(lending_org.head_b, leaver, receiver, Handover.Reason.LEAVING)
    pledge.refresh_from_db()
    assert pledge.handover == handover  # R81: the signed pledge is kept with the hand-over

    leaver.refresh_from_db()
    assert not CustomerRecord.objects.filter(handler=leaver).exists()
    second.refresh_from_db()
    assert second.handler == receiver
    assert not leaver.grants.active().exists()
    assert not policy.decide(leaver, "view", lending_org.file)
    pending.refresh_from_db()
    assert pending.state == RequestState.CANCELLED
    assert not TOTPDevice.objects.filter(user=leaver).exists()
    assert not leaver.is_active
    assert not leaver.has_usable_password()
    assert handover.sessions_ended >= 1
    assert browser.get("/").status_code == 302  # the open session is gone
    event = AuditEvent.objects.get(action="person.handed_over")
    assert event.details["files"] == 1

    from django.utils import translation

    with translation.override("en"):  # asked from an English page: the sheet stays Chinese
        sheet = custody.handover_sheet(lending_org.head_b, handover)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet)).pages)
    assert second.archive_number in text
    assert "客户档案交接单" in text
    assert "离职" in text
    assert "Leaving" not in text


def test_r62_nothing_may_be_taken_along_paper_out_blocks_the_hand_over(lending_org):
    PaperFile.objects.create(
        record=lending_org.file,
        room="档案室A",
        cabinet="3",
        shelf="2",
        custodian=lending_org.archivist,
    )
    req = approve_all(borrow(lending_org, medium="paper"), lending_org.head_a)
    lending.hand_out(lending_org.archivist, req)
    receiver = make_person("next", roles=[Role.SALES], department=lending_org.b)
    with pytest.raises(Refused) as refused:
        custody.hand_over(
            lending_org.head_b, lending_org.borrower, receiver, Handover.Reason.LEAVING
        )
    assert lending_org.file.archive_number in str(refused.value)
    lending_org.borrower.refresh_from_db()
    assert lending_org.borrower.is_active


def test_r62_only_the_leavers_head_or_management_hand_over(lending_org):
    receiver = make_person("next", roles=[Role.SALES], department=lending_org.b)
    with pytest.raises(policy.Denied):
        custody.hand_over(
            lending_org.head_a, lending_org.borrower, receiver, Handover.Reason.LEAVING
        )
    with pytest.raises(policy.Denied):
        custody.hand_over(
            lending_org.borrower, lending_org.borrower, receiver, Handover.Reason.LEAVING
        )
    custody.hand_over(
        lending_org.manager, lending_org.borrower, receiver, Handover.Reason.ROLE_CHANGE
    )
    lending_org.borrower.refresh_from_db()
    assert lending_org.borrower.is_active  # a role change keeps the account


def test_r62_the_receiver_must_be_able_to_hold_the_files(lending_org):
    numbered(bare_record(lending_org.borrower, lending_org.b, tier=3), 8)
    with pytest.raises(Refused) as refused:
        custody.hand_over(
            lending_org.head_b, lending_org.borrower, lending_org.archivist, Handover.Reason.LEAVING
        )
    assert "Only sales staff and department heads" in str(refused.value)


def test_handover_page_previews_then_completes_and_offers_the_sheet(lending_org):
    receiver = make_person("next", roles=[Role.SALES], department=lending_org.b)
    numbered(bare_record(lending_org.borrower, lending_org.b, tier=3), 9)
    head = client_verified(lending_org.head_b)
    pledges.sign(lending_org.borrower, pledges.prepare(lending_org.head_b, lending_org.borrower))
    choice = {"person": lending_org.borrower.pk, "receiver": receiver.pk, "reason": "leaving"}
    page = head.get("/requests/handover/", choice)
    assert page.status_code == 200
    assert "1 client file is reassigned." in page.content.decode()
    assert not Handover.objects.exists()  # a preview changes nothing
    done = head.post("/requests/handover/", {**choice, "confirm": "yes"})
    handover = Handover.objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/requests/handover/{handover.pk}/"
    sheet = head.get(f"/requests/handover/{handover.pk}/sheet.pdf")
    assert sheet["Content-Type"] == "application/pdf"
    outsider = client_verified(lending_org.head_a)
    assert outsider.get(f"/requests/handover/{handover.pk}/").status_code == 403


def test_transfer_pages_offer_from_the_file_and_confirm_from_the_inbox(lending_org, colleague):
    lending_org.file = register(
        lending_org.owner, {"full_name": "欧阳晓梅", "mobile": "13912345678"}
    )
    owner = client_verified(lending_org.owner)
    page = owner.get(f"/records/{lending_org.file.pk}/")
    assert 'data-testid="transfer-form"' in page.content.decode()
    owner.post(
        f"/records/{lending_org.file.pk}/transfer/",
        {"receiver": colleague.pk, "reason": "换人跟进"},
    )
    inbox = client_verified(colleague)
    listing = inbox.get("/requests/incoming/").content.decode()
    assert lending_org.file.display_label() in listing
    transfer = Transfer.objects.get()
    inbox.post(f"/requests/incoming/{transfer.pk}/accept/")
    lending_org.file.refresh_from_db()
    assert lending_org.file.handler == colleague
