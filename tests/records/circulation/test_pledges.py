"""R81 (issue 19 §5): the exit confidentiality pledge. The head prepares it at hand-over; the
person leaving signs it in Baomi (or on paper, the scan sealed); the hand-over of a leaver waits
for it, and the signed pledge is kept with the hand-over."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from access.models import ExitPledge, Handover
from access.roles import Role
from audit.models import AuditEvent
from core.refusals import Refused
from records.circulation import custody, pledges
from tests.factories import PDF, make_person
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    return " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_R81_the_leaver_signs_the_pledge_in_baomi_before_the_account_is_closed(lending_org):
    leaver = lending_org.borrower
    receiver = make_person("next", roles=[Role.SALES], department=lending_org.b)
    with pytest.raises(Refused) as refused:
        custody.hand_over(lending_org.head_b, leaver, receiver, Handover.Reason.LEAVING)
    assert "pledge is not signed" in str(refused.value)
    leaver.refresh_from_db()
    assert leaver.is_active  # nothing happened

    head = client_verified(lending_org.head_b)
    back = {"person": leaver.pk, "receiver": receiver.pk, "reason": "leaving", "note": ""}
    done = head.post("/requests/pledges/prepare/", back)
    assert done.status_code == 302
    assert done["Location"].startswith("/requests/handover/?person=")
    pledge = ExitPledge.objects.get(person=leaver)
    assert "离职后" in pledge.text
    assert leaver.get_full_name() in pledge.text

    # The leaver finds it on their home page and signs it themselves.
    own = client_verified(leaver)
    assert "/requests/pledge/" in own.get("/").content.decode()
    unticked = own.post("/requests/pledge/", {})
    assert unticked.status_code == 400
    assert "Tick the box" in unticked.content.decode()
    assert own.post("/requests/pledge/", {"confirm": "on"}).status_code == 302
    pledge.refresh_from_db()
    assert pledge.signed
    assert pledge.method == ExitPledge.Method.ACKNOWLEDGED

    handover = custody.hand_over(lending_org.head_b, leaver, receiver, Handover.Reason.LEAVING)
    pledge.refresh_from_db()
    assert pledge.handover == handover
    page = head.get(f"/requests/handover/{handover.pk}/").content.decode()
    assert f"/requests/pledges/{pledge.pk}/pledge.pdf" in page
    text = _text(head.get(f"/requests/pledges/{pledge.pk}/pledge.pdf").content)
    assert "离职保密承诺书" in text
    assert "在系统中阅读并确认" in text
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert {"pledge.prepared", "pledge.signed", "pledge.read"} <= set(actions)


def test_R81_a_pledge_signed_on_paper_is_kept_sealed(lending_org, settings):
    leaver = lending_org.borrower
    pledge = pledges.prepare(lending_org.head_b, leaver)
    head = client_verified(lending_org.head_b)
    scan = SimpleUploadedFile("pledge.pdf", PDF, content_type="application/pdf")
    head.post(f"/requests/pledges/{pledge.pk}/scan/", {"scan": scan, "person": leaver.pk})
    pledge.refresh_from_db()
    assert pledge.signed
    assert pledge.method == ExitPledge.Method.SCAN
    assert b"%PDF" not in bytes(pledge.sealed_scan)  # never stored in clear
    opened = head.get(f"/requests/pledges/{pledge.pk}/scan/")
    assert opened.content == PDF


def test_R81_only_the_leavers_head_prepares_and_only_the_leaver_signs(lending_org):
    leaver = lending_org.borrower
    other_head = client_verified(lending_org.head_a)
    refused = other_head.post("/requests/pledges/prepare/", {"person": leaver.pk})
    assert refused.status_code in (403, 404)
    pledge = pledges.prepare(lending_org.head_b, leaver)
    assert other_head.get(f"/requests/pledges/{pledge.pk}/pledge.pdf").status_code == 403
    with pytest.raises(Exception, match="Only the person leaving"):
        pledges.sign(lending_org.head_b, pledge)
    # Someone with no pledge to sign has no such page.
    assert client_verified(lending_org.owner).get("/requests/pledge/").status_code == 403


def test_R81_odd_requests_to_prepare_get_an_answer_not_an_error(lending_org):
    head = client_verified(lending_org.head_b)
    for odd in ("abc", "²", "-1", "99999999999999999999999"):
        assert head.post("/requests/pledges/prepare/", {"person": odd}).status_code == 404, odd
    moving = {"person": lending_org.borrower.pk, "reason": "role_change"}
    answer = head.post("/requests/pledges/prepare/", moving, follow=True)
    assert "for someone leaving" in answer.content.decode()
    assert not ExitPledge.objects.exists()


def test_R81_a_signed_pledge_is_evidence_no_scan_replaces_it(lending_org):
    leaver = lending_org.borrower
    pledge = pledges.sign(leaver, pledges.prepare(lending_org.head_b, leaver))
    head = client_verified(lending_org.head_b)
    scan = SimpleUploadedFile("other.pdf", PDF, content_type="application/pdf")
    assert head.post(f"/requests/pledges/{pledge.pk}/scan/", {"scan": scan}).status_code == 403
    pledge.refresh_from_db()
    assert pledge.method == ExitPledge.Method.ACKNOWLEDGED


def test_R81_the_receiver_sees_the_hand_over_but_not_the_leavers_pledge(lending_org):
    leaver = lending_org.borrower
    receiver = make_person("next", roles=[Role.SALES], department=lending_org.b)
    pledges.sign(leaver, pledges.prepare(lending_org.head_b, leaver))
    handover = custody.hand_over(lending_org.head_b, leaver, receiver, Handover.Reason.LEAVING)
    page = client_verified(receiver).get(f"/requests/handover/{handover.pk}/")
    assert page.status_code == 200
    assert "pledge.pdf" not in page.content.decode()
