"""Issue 17 §17 (R52): signed NDA scans are sealed like attachments, legal opens them on the
party's page, and legal is reminded before an NDA runs out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from access import reminders
from access.models import ExternalParty
from access.roles import Role
from audit.models import AuditEvent
from records.circulation import parties
from tests.factories import PDF, make_person, pdf_upload
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def lawyer(db):
    return make_person("lawyer", roles=[Role.LEGAL], email="legal@example.cn")


def _party(lawyer, expires_in_days: int = 300) -> ExternalParty:
    return parties.save(
        lawyer,
        None,
        name="北京匠心设计工作室",
        kind="design_team",
        contact_name="刘设计",
        contact_email="liu@jiangxin.example.cn",
        nda_signed_on=timezone.localdate() - timedelta(days=30),
        nda_expires_on=timezone.localdate() + timedelta(days=expires_in_days),
        nda_document=pdf_upload("保密协议.pdf"),
    )


def test_r52_the_stored_nda_is_sealed_and_legal_opens_it(lawyer, sales_person):
    party = _party(lawyer)
    with storages["default"].open(party.nda_document.name, "rb") as handle:
        stored = handle.read()
    assert not stored.startswith(b"%PDF")
    assert PDF not in stored
    assert party.nda_document.name.endswith(".bin")
    assert "保密协议" not in party.nda_document.name

    url = reverse("requests:party_nda", args=[party.pk])
    response = client_verified(lawyer).get(url)
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="party.nda_viewed").count() == 1
    assert client_verified(sales_person).get(url).status_code == 403


def test_r52_an_nda_stored_in_clear_before_is_sealed_by_the_migration_step(lawyer):
    party = _party(lawyer)
    plain = storages["default"].save("nda/old-scan.pdf", ContentFile(PDF))
    ExternalParty.objects.filter(pk=party.pk).update(nda_document=plain, nda_sealed=False)
    party.refresh_from_db()
    assert parties.seal_existing(party)
    party.refresh_from_db()
    assert party.nda_sealed
    assert not storages["default"].exists(plain)
    assert parties.open_nda(lawyer, party).data == PDF


def test_r52_legal_is_reminded_once_before_an_nda_expires(lawyer, mailoutbox):
    _party(lawyer, expires_in_days=10)
    _party_far = parties.save(
        lawyer,
        None,
        name="远期协议公司",
        kind="supplier",
        contact_name="王",
        contact_email="",
        nda_signed_on=timezone.localdate() - timedelta(days=30),
        nda_expires_on=timezone.localdate() + timedelta(days=200),
        nda_document=pdf_upload("nda.pdf"),
    )
    assert reminders.expiring_ndas() == 1
    assert reminders.expiring_ndas() == 0
    assert [m.to for m in mailoutbox] == [["legal@example.cn"]]
    assert "北京匠心设计工作室" in mailoutbox[0].subject
