"""Copies and excerpts (R42): approval chain, watermarked PDF / CSV, copy register, download
limit, destruction confirmed by a deadline, reminder once."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from access import policy, reminders, requests
from access.models import CopyRegisterEntry, RequestState
from access.roles import Role
from audit.models import AuditEvent
from core.refusals import Refused
from records import intake, review
from records.circulation import copies, lending
from records.models import CustomerRecord
from tests.factories import make_person, register
from tests.records.circulation.test_borrowing import approve_all

CONTENT = {"full_name": "欧阳晓梅", "mobile": "13912345678", "needs": "三居室，近地铁"}


@pytest.fixture
def approved_file(lending_org) -> CustomerRecord:
    record = register(lending_org.owner, dict(CONTENT))
    intake.submit(lending_org.owner, record)
    review.approve(lending_org.head_a, record)
    record.refresh_from_db()
    return record


def ask_copy(user, record, fmt="pdf", sections=("identity", "transaction"), days=5):
    return lending.apply(
        user,
        lending.Ask(
            kind="copy",
            numbers=record.archive_number,
            purpose="签约前核对客户需求",
            due_on=timezone.localdate() + timedelta(days=days),
            copy_format=fmt,
            sections=list(sections),
        ),
    )


def test_r42_copy_is_watermarked_on_every_page_registered_and_limited(
    lending_org, approved_file, settings
):
    settings.BAOMI_COPY_DOWNLOADS = 2
    req = approve_all(ask_copy(lending_org.owner, approved_file), lending_org.head_a)
    assert req.number.startswith("FZ-")
    made = copies.download(lending_org.owner, req)
    entry = CopyRegisterEntry.objects.get(request=req)
    assert made.entry.serial == entry.serial == f"{req.number}-C1"
    pages = PdfReader(io.BytesIO(made.data)).pages
    for page in pages:
        text = page.extract_text()
        assert entry.serial in text
        assert req.number in text
        assert lending_org.owner.get_full_name() in text
    body = "".join(p.extract_text() for p in pages)
    assert "三居室" in body  # transaction section, asked for
    req.refresh_from_db()
    assert req.state == RequestState.FULFILLED

    copies.download(lending_org.owner, req)
    with pytest.raises(Refused) as refused:
        copies.download(lending_org.owner, req)
    assert "as often as it may be" in str(refused.value)
    exports = AuditEvent.objects.filter(action="record.export")
    assert exports.count() == 2
    assert all(e.details["rows"] == 1 for e in exports)


def test_r42_csv_copy_carries_the_serial_in_its_header_row(lending_org, approved_file):
    req = approve_all(ask_copy(lending_org.owner, approved_file, fmt="csv"), lending_org.head_a)
    made = copies.download(lending_org.owner, req)
    text = made.data.decode("utf-8-sig")
    first = text.splitlines()[0]
    assert f"{req.number}-C1" in first
    assert made.filename.endswith(".csv")


def test_a_copy_never_shows_more_than_the_screen(lending_org, approved_file):
    """A head's copy of a Level 2 file shows contacts masked, as the head's screen does."""
    req = approve_all(
        ask_copy(lending_org.head_a, approved_file, sections=["identity"]), lending_org.manager
    )
    body = "".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(copies.download(lending_org.head_a, req).data)).pages
    )
    assert "13912345678" not in body
    assert "欧阳晓梅" in body


def test_level_1_copies_need_the_security_officer_too(lending_org):
    top = register(lending_org.owner)  # carries an ID number: Level 1
    intake.submit(lending_org.owner, top)
    review.approve(lending_org.head_a, top)
    top.refresh_from_db()
    officer = make_person("officer", roles=[Role.SECURITY_OFFICER])
    req = ask_copy(lending_org.owner, top)
    assert [a.role for a in req.approvals.all()] == ["dept_head", "security_officer"]
    assert not requests.awaiting(officer).exists()  # not before the head
    req = approve_all(req, lending_org.head_a)
    assert req.state == RequestState.PENDING
    req = approve_all(req, officer)
    assert req.state == RequestState.APPROVED


def test_only_the_requester_downloads_and_not_before_approval(lending_org, approved_file):
    req = ask_copy(lending_org.owner, approved_file)
    with pytest.raises(Refused):
        copies.download(lending_org.owner, req)
    req = approve_all(req, lending_org.head_a)
    with pytest.raises(policy.Denied):
        copies.download(lending_org.head_a, req)


def test_destruction_is_confirmed_with_a_note_and_ends_downloads(lending_org, approved_file):
    req = approve_all(ask_copy(lending_org.owner, approved_file), lending_org.head_a)
    copies.download(lending_org.owner, req)
    with pytest.raises(Refused):
        copies.confirm_destroyed(lending_org.owner, req, "  ")
    copies.confirm_destroyed(lending_org.owner, req, "打印件已碎纸，电子文件已删除")
    req.refresh_from_db()
    assert req.state == RequestState.DESTROYED
    with pytest.raises(Refused):
        copies.download(lending_org.owner, req)
    assert AuditEvent.objects.filter(action="request.copy_destroyed").count() == 1


def test_r42_confirming_destruction_first_names_what_ends_and_asks_for_a_tick(
    lending_org, approved_file
):
    """Issue 16 §6: the confirmation cannot be taken back; the panel says what it ends (the
    downloads left, the request) and the requester ticks that every copy is gone."""
    from tests.helpers import client_verified

    req = approve_all(ask_copy(lending_org.owner, approved_file), lending_org.head_a)
    copies.download(lending_org.owner, req)
    client = client_verified(lending_org.owner)
    page = client.get(f"/requests/{req.pk}/").content.decode()
    assert "2 downloads left lapse" in page
    said = client.post(
        f"/requests/{req.pk}/copy/destroyed/", {"note": "打印件已碎纸"}, follow=True
    ).content.decode()
    assert "Tick to confirm that every printout and electronic copy is destroyed." in said
    req.refresh_from_db()
    assert req.state != RequestState.DESTROYED
    client.post(
        f"/requests/{req.pk}/copy/destroyed/", {"note": "打印件已碎纸", "understood": "yes"}
    )
    req.refresh_from_db()
    assert req.state == RequestState.DESTROYED


def test_a_copy_not_confirmed_destroyed_is_reminded_once(lending_org, approved_file, mailoutbox):
    lending_org.owner.email = "zhang@example.cn"
    lending_org.owner.save()
    req = approve_all(ask_copy(lending_org.owner, approved_file), lending_org.head_a)
    copies.download(lending_org.owner, req)
    CopyRegisterEntry.objects.update(destroy_by=timezone.localdate() - timedelta(days=1))
    assert reminders.copies_not_destroyed() == 1
    assert reminders.copies_not_destroyed() == 0
    assert "zhang@example.cn" in mailoutbox[0].to
