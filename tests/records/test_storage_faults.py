"""Storage faults (issue 8 §4): when the file store cannot be written, an intake or an upload
is refused with a message that says so, the form keeps what was typed, and nothing of the file
is saved by halves (no record, consent or attachment row)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from records.models import Attachment, Consent, CustomerRecord
from tests.factories import PDF, register
from tests.helpers import client_verified
from tests.records.test_record_pages import GOOD_FORM

UNWRITABLE = "The file store cannot be written at the moment, so nothing was saved."


def _break_the_file_store(settings, tmp_path) -> None:
    """A plain file where the store's folder should be: no process, root included, can write
    under it (a full or read-only volume looks the same to the application: an OSError)."""
    blocker = tmp_path / "blocked-store"
    blocker.write_bytes(b"")
    storages = dict(settings.STORAGES)
    storages["default"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(blocker)},
    }
    settings.STORAGES = storages


def test_an_intake_while_the_file_store_is_broken_saves_nothing_and_keeps_the_form(
    sales_org, settings, tmp_path
):
    client = client_verified(sales_org.sales)
    _break_the_file_store(settings, tmp_path)
    evidence = SimpleUploadedFile("consent.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("records:new"), {**GOOD_FORM, "consent_evidence": evidence})
    assert response.status_code == 503
    body = response.content.decode()
    assert UNWRITABLE in body
    assert "欧阳晓梅" in body  # what was typed is still in the form
    assert "please choose them again" in body
    assert not CustomerRecord.objects.exists()
    assert not Consent.objects.exists()
    assert not Attachment.objects.exists()


def test_an_upload_while_the_file_store_is_broken_is_refused_with_a_reason(
    sales_org, settings, tmp_path
):
    record = register(sales_org.sales)
    client = client_verified(sales_org.sales)
    _break_the_file_store(settings, tmp_path)
    response = client.post(
        reverse("records:attachment_add", args=[record.pk]),
        {"file": SimpleUploadedFile("plan.pdf", PDF), "kind": "contract"},
    )
    assert response.status_code == 503
    assert UNWRITABLE in response.content.decode()
    assert record.attachments.count() == 1  # the consent evidence from before, nothing new
