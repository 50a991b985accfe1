"""Providing files to an external party (R52): NDA required, head and security officer approve,
single-use passcode link, receipt confirmed on the link page, all recorded."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from access.models import ExternalParty, RequestState, ShareLink
from audit.models import AuditEvent
from core.refusals import Refused
from records.circulation import lending, parties, sharing
from tests.records.circulation.test_borrowing import approve_all


def ask_share(lending_org, record, party):
    return lending.apply(
        lending_org.owner,
        lending.Ask(
            kind="external_share",
            numbers=record.archive_number,
            purpose="提供给设计团队做户型方案",
            due_on=timezone.localdate() + timedelta(days=5),
            sections=["identity", "transaction"],
            external_party=party,
        ),
    )


def test_r52_share_needs_head_and_officer_then_delivers_once_with_a_passcode(share_world):
    lending_org, _lawyer, officer, party, record = share_world
    req = ask_share(lending_org, record, party)
    assert req.number.startswith("DW-")
    assert [a.role for a in req.approvals.all()] == ["dept_head", "security_officer"]
    req = approve_all(req, lending_org.head_a, officer)
    assert req.state == RequestState.APPROVED

    delivery = sharing.create_link(lending_org.owner, req)
    link = ShareLink.objects.get()
    assert delivery.token not in link.token_hash  # only a hash is kept
    assert delivery.passcode not in link.passcode_hash

    with pytest.raises(Refused):
        sharing.download(delivery.token, "00000000" if delivery.passcode != "00000000" else "1")
    _link, data = sharing.download(delivery.token, delivery.passcode)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert party.name in text
    assert req.number in text
    with pytest.raises(Refused) as again:
        sharing.download(delivery.token, delivery.passcode)
    assert "works once" in str(again.value)

    sharing.confirm_receipt(delivery.token, "刘设计", passcode_given=True)
    req.refresh_from_db()
    assert req.state == RequestState.CLOSED
    actions = set(AuditEvent.objects.filter(target_id=str(req.pk)).values_list("action", flat=True))
    assert {"request.create", "request.approve", "share.link_created", "record.export",
            "share.passcode_failed", "share.receipt_confirmed"} <= actions  # fmt: skip


def test_r52_no_valid_nda_no_request(share_world):
    lending_org, lawyer, _officer, party, record = share_world
    party.nda_expires_on = timezone.localdate() - timedelta(days=1)
    party.save()
    with pytest.raises(Refused) as refused:
        ask_share(lending_org, record, party)
    assert "no valid confidentiality agreement" in str(refused.value)
    bare = parties.save(
        lawyer, None, name="无协议公司", kind="supplier", contact_name="王", contact_email="",
        nda_signed_on=None, nda_expires_on=None,
    )  # fmt: skip
    with pytest.raises(Refused):
        ask_share(lending_org, record, bare)


def test_r52_an_nda_that_runs_out_after_approval_stops_the_delivery(share_world):
    lending_org, _lawyer, officer, party, record = share_world
    req = approve_all(ask_share(lending_org, record, party), lending_org.head_a, officer)
    ExternalParty.objects.filter(pk=party.pk).update(
        nda_expires_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(Refused):
        sharing.create_link(lending_org.owner, req)


def test_wrong_passcodes_lock_the_link(share_world):
    lending_org, _lawyer, officer, party, record = share_world
    req = approve_all(ask_share(lending_org, record, party), lending_org.head_a, officer)
    delivery = sharing.create_link(lending_org.owner, req)
    wrong = "1" if delivery.passcode != "1" else "2"
    for _ in range(sharing.MAX_ATTEMPTS):
        with pytest.raises(Refused):
            sharing.download(delivery.token, wrong)
    with pytest.raises(Refused) as locked:
        sharing.download(delivery.token, delivery.passcode)
    assert "locked" in str(locked.value)


def test_an_expired_link_refuses(share_world):
    lending_org, _lawyer, officer, party, record = share_world
    req = approve_all(ask_share(lending_org, record, party), lending_org.head_a, officer)
    delivery = sharing.create_link(lending_org.owner, req)
    ShareLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(Refused) as expired:
        sharing.download(delivery.token, delivery.passcode)
    assert "expired" in str(expired.value)


def test_only_legal_keeps_parties(share_world):
    from access.policy import Denied

    lending_org, *_ = share_world
    with pytest.raises(Denied):
        parties.save(
            lending_org.owner, None, name="x", kind="other", contact_name="y", contact_email="",
            nda_signed_on=None, nda_expires_on=None,
        )  # fmt: skip


def test_r52_the_recipient_uses_the_link_page_without_an_account(share_world):
    from django.test import Client

    from tests.helpers import client_verified

    lending_org, _lawyer, officer, party, record = share_world
    req = approve_all(ask_share(lending_org, record, party), lending_org.head_a, officer)
    owner = client_verified(lending_org.owner)
    shown = owner.post(f"/requests/{req.pk}/share/link/").content.decode()
    url = shown.split('data-testid="share-url">')[1].split("<")[0]
    passcode = shown.split('data-testid="share-passcode">')[1].split("<")[0]
    path = url.split("testserver", 1)[1]
    again = owner.get(f"/requests/{req.pk}/").content.decode()
    assert passcode not in again  # shown once only

    recipient = Client()
    page = recipient.get(path)
    assert page.status_code == 200
    assert "13912345678" not in page.content.decode()  # no content before the passcode
    wrong = recipient.post(path, {"form": "download", "passcode": "x"})
    assert "Wrong passcode." in wrong.content.decode()
    pdf = recipient.post(path, {"form": "download", "passcode": passcode})
    assert pdf["Content-Type"] == "application/pdf"
    assert "receipt-form" in recipient.get(path).content.decode()
    recipient.post(path, {"form": "receipt", "name": "刘设计"})
    assert "Receipt confirmed by 刘设计" in recipient.get(path).content.decode()
    assert "刘设计" in owner.get(f"/requests/{req.pk}/").content.decode()
    assert recipient.get("/share/not-a-token/").status_code == 404


def test_r52_a_party_name_already_in_use_is_refused_at_the_field_with_the_form_kept(share_world):
    """Found by the hostile-input fuzz: saving a second party under an existing name was a
    database error (500); now the name field says why and everything typed stays."""
    from django.urls import reverse

    from tests.helpers import client_verified

    _org, lawyer, _officer, party, _record = share_world
    client = client_verified(lawyer)
    data = {"name": party.name, "kind": "partner", "contact_name": "王律师", "contact_email": ""}
    other = reverse("requests:party_edit", args=[_other(lawyer)])
    for url in (reverse("requests:party_new"), other):
        response = client.post(url, data)
        assert response.status_code == 400
        body = response.content.decode()
        assert "Another external party already has this name." in body
        assert "王律师" in body
    assert ExternalParty.objects.filter(name=party.name).count() == 1


def _other(lawyer) -> int:
    return parties.save(
        lawyer, None, name="另一家银行", kind="partner", contact_name="赵", contact_email="",
        nda_signed_on=None, nda_expires_on=None,
    ).pk  # fmt: skip


def test_r52_the_share_form_in_the_browser_files_the_request_with_its_recipient(share_world):
    """Issue 17 §13: the chosen party never reached the service, so every share asked through
    the page was refused ("Choose the external party")."""
    from django.urls import reverse

    from access.models import AccessRequest
    from tests.helpers import client_verified

    lending_org, _lawyer, _officer, party, record = share_world
    page = client_verified(lending_org.owner).post(
        reverse("requests:share"),
        {
            "numbers": record.archive_number,
            "external_party": party.pk,
            "sections": ["identity", "transaction"],
            "purpose": "提供给设计团队做户型方案",
            "due_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    asked = AccessRequest.objects.get(kind="external_share")
    assert page.status_code == 302, page.content.decode()[:3000]
    assert asked.external_party == party
    assert page["Location"] == reverse("requests:detail", args=[asked.pk])


def test_r52_receipt_is_confirmed_only_from_the_browser_that_gave_the_passcode(share_world):
    """Issue 17 §6: an anonymous POST with form=receipt closed the share; the receipt now needs
    the passcode given in the same browser session."""
    from django.test import Client

    from access.models import ShareLink

    lending_org, _lawyer, officer, party, record = share_world
    req = approve_all(ask_share(lending_org, record, party), lending_org.head_a, officer)
    delivery = sharing.create_link(lending_org.owner, req)
    path = f"/share/{delivery.token}/"
    recipient = Client()
    recipient.post(path, {"form": "download", "passcode": delivery.passcode})
    stranger = Client()
    refused = stranger.post(path, {"form": "receipt", "name": "冒名者"})
    assert "Enter the passcode" in refused.content.decode()
    assert ShareLink.objects.get(pk=delivery.link.pk).receipt_confirmed_at is None
    recipient.post(path, {"form": "receipt", "name": "刘设计"})
    assert ShareLink.objects.get(pk=delivery.link.pk).receipt_name == "刘设计"


def test_r52_the_recipient_confirms_receipt_on_the_page_they_downloaded_from(share_world):
    """Issue 16: a download leaves the page as it was, so the receipt form stands under the
    download from the start (the recipient used to have to reload the page to find it); sent
    before the download, it says what to do first."""
    from django.test import Client

    from access.models import ShareLink

    lending_org, _lawyer, officer, party, record = share_world
    req = approve_all(ask_share(lending_org, record, party), lending_org.head_a, officer)
    delivery = sharing.create_link(lending_org.owner, req)
    path = f"/share/{delivery.token}/"
    recipient = Client()
    first = recipient.get(path).content.decode()
    assert 'data-testid="passcode-form"' in first
    assert 'data-testid="receipt-form"' in first
    assert "reload" not in first
    early = recipient.post(path, {"form": "receipt", "name": "刘设计"}).content.decode()
    assert "Enter the passcode and download the files in this browser first" in early
    recipient.post(path, {"form": "download", "passcode": delivery.passcode})
    recipient.post(path, {"form": "receipt", "name": "刘设计"})
    assert ShareLink.objects.get(pk=delivery.link.pk).receipt_name == "刘设计"


def test_r52_share_tokens_never_reach_a_log_line(settings):
    """Issue 17 §6: the token is the key to the delivery; the web server's access log and
    Django's own log lines keep the path without it."""
    import logging
    from datetime import timedelta as elapsed

    from config.gunicorn_logs import RedactingLogger
    from core.logs import RedactShareTokens

    token = "k3Yk3Yk3Yk3Yk3Yk3Yk3Yk3Yk3Yk3Yk3Yk3Yk3Yk3Y"
    line = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "Not Found: %s", (f"/share/{token}/",), None
    )
    assert RedactShareTokens().filter(line)
    assert token not in line.getMessage()
    assert "Not Found: /share/" in line.getMessage()
    console = settings.LOGGING["handlers"]["console"]
    assert "redact_share_tokens" in console["filters"]  # every log line goes through it

    class Response:
        status, sent, headers = "200 OK", 10, []

    environ = {
        "REQUEST_METHOD": "POST", "RAW_URI": f"/share/{token}/", "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": f"/share/{token}/", "HTTP_REFERER": f"https://baomi.example/share/{token}/",
    }  # fmt: skip
    access = RedactingLogger.__new__(RedactingLogger)  # the atoms need no configuration
    atoms = access.atoms(Response(), [], environ, elapsed(seconds=1))
    assert token not in str(atoms)
    assert atoms["r"] == "POST /share/…/ HTTP/1.1"
