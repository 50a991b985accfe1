"""Uploads (issue 8 §1, R13): the type is decided by content against an allow-list; archives,
programs, scripts and web pages are refused with a reason whatever they are called; names are
cleaned; and nothing of an upload is written to disk in clear, temporary files included."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from records import attachments
from records.models import Attachment
from tests.factories import PDF, register
from tests.helpers import client_verified

REFUSED = {
    "contract.pdf": b"PK\x03\x04\x14\x00\x00\x00 a zip archive",
    "scan.jpg": b"MZ\x90\x00\x03\x00 a Windows program",
    "plan.png": b"#!/bin/sh\nrm -rf /\n",
    "id.pdf": b"<html><script>alert(1)</script></html>",
    "notes.pdf": b"\x7fELF\x02\x01\x01 a Linux program",
    "archive.jpeg": b"Rar!\x1a\x07\x00",
    "doc.pdf": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old Office file (macros)",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_r13_a_file_that_lies_about_its_type_is_refused_with_a_reason(sales_org, name):
    record = register(sales_org.sales)
    client = client_verified(sales_org.sales)
    upload = SimpleUploadedFile(name, REFUSED[name], content_type="application/pdf")
    response = client.post(
        reverse("records:attachment_add", args=[record.pk]), {"file": upload, "kind": "contract"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This kind of file is not accepted. Accepted: PDF, JPEG, PNG, MP3, M4A, WAV." in body
    assert record.attachments.count() == 1  # the consent evidence only


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\zhang\\合同.pdf", "合同.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe.pdf"),
        ("报价\x00单.pdf", "报价单.pdf"),
        ("  .hidden.  ", "hidden.pdf"),
        ("", "file.pdf"),
        ("x" * 300 + ".pdf", "x" * 100 + ".pdf"),
        ("扫描件.PDF", "扫描件.PDF"),
    ],
)
def test_r13_upload_names_are_cleaned_and_say_what_the_content_is(typed, kept):
    assert attachments.clean_name(typed, "application/pdf") == kept


def test_r13_a_large_upload_never_touches_the_disk_in_clear(sales_org, settings, tmp_path):
    """Django spills uploads over 2.5 MB to a temporary file; here there is no temporary folder
    at all, so a spill would fail. The upload is accepted and stored only as ciphertext."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "no-such-folder")
    record = register(sales_org.sales)
    marker = b"BAOMI-CLEAR-TEXT-MARKER"
    big = PDF + marker + b"0" * (6 * 1024 * 1024)
    response = client_verified(sales_org.sales).post(
        reverse("records:attachment_add", args=[record.pk]),
        {"file": SimpleUploadedFile("合同.pdf", big), "kind": "contract"},
    )
    assert response.status_code == 302
    stored = Attachment.objects.get(record=record, kind="contract")
    with storages["default"].open(stored.storage_name, "rb") as handle:
        blob = handle.read()
    assert len(blob) > len(big)  # sealed: ciphertext plus nonce and tag
    assert marker not in blob
    assert not (tmp_path / "no-such-folder").exists()


def test_r13_an_upload_over_the_limit_is_refused_by_its_size_without_being_kept(
    sales_org, settings
):
    settings.BAOMI_ATTACHMENT_MAX_MB = 1
    record = register(sales_org.sales)
    big = SimpleUploadedFile("plan.pdf", PDF + b"0" * (3 * 1024 * 1024))
    response = client_verified(sales_org.sales).post(
        reverse("records:attachment_add", args=[record.pk]), {"file": big, "kind": "contract"}
    )
    assert response.status_code == 400
    assert "This file is 3.0 MB; files may be at most 1 MB." in response.content.decode()
