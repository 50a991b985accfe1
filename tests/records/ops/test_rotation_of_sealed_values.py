"""R30: a key rotation re-wraps every value sealed outside the files too (records/crypto/
sealed.py): a webhook secret, mail waiting in the outbox, a partner's NDA scan. After it the old
KEK can be retired, as the command says, and each of them still opens; before this, the command
called the old KEK unused while these needed it."""

from __future__ import annotations

import base64
import os
from io import StringIO

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import transaction

from access.models import ExternalParty
from audit.models import AuditEvent
from records import crypto
from records.api import clients, webhooks
from records.circulation import parties
from records.ops import outbox
from records.ops.models import OutboxMessage
from tests.factories import PDF, build_world

pytestmark = pytest.mark.django_db


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _crm(world) -> clients.Issued:
    return clients.issue(
        world.officer, name="CRM", scopes=["webhooks:receive"], departments=[world.dept],
        expires_on=None, rate_per_minute=60, webhook_url="https://8.8.8.8/hook",
    )  # fmt: skip


def _party_with_sealed_nda(world) -> ExternalParty:
    """A partner whose NDA scan was stored in clear, then sealed as the migration does."""
    party = ExternalParty.objects.create(
        name="某某律师事务所", kind="law_firm", contact_name="王律师", updated_by=world.officer
    )
    party.nda_document.name = storages["default"].save("nda/clear.pdf", ContentFile(PDF))
    party.save()
    assert parties.seal_existing(party)
    party.refresh_from_db()
    return party


def test_r30_rotation_rewraps_sealed_secrets_mail_and_scans_so_the_old_key_can_go(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "records.ops.outbox.OutboxBackend"  # production's mail path
    settings.BAOMI_MAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr(outbox, "deliver_soon", lambda: None)  # the mail stays waiting
    settings.BAOMI_RECORD_KEKS = f"1:{_key()}"
    world = build_world()
    issued = _crm(world)
    with transaction.atomic():
        mail.send_mail("提醒", "请在周五前归还档案。", None, ["li.na@example.cn"])
    waiting = OutboxMessage.objects.get(sent_at=None, client=None)
    party = _party_with_sealed_nda(world)
    nda_before = party.nda_document.name

    settings.BAOMI_RECORD_KEKS = f"2:{_key()},{settings.BAOMI_RECORD_KEKS}"
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the old scan's file is deleted then
        call_command("rotate_keys", stdout=out)
    assert "Key versions in use: [2]" in out.getvalue()  # nothing left under version 1
    event = AuditEvent.objects.get(action="record.keys_rotated")
    assert event.details["sealed_rewrapped"] >= 3
    assert event.details["sealed_failed"] == 0

    settings.BAOMI_RECORD_KEKS = settings.BAOMI_RECORD_KEKS.split(",")[0]  # version 1 retired
    client = type(issued.client).objects.get(pk=issued.client.pk)
    secret = crypto.open_blob(webhooks.secret_context(client.pk), client.webhook_secret)
    assert secret.decode() == issued.webhook_secret
    waiting.refresh_from_db()
    assert crypto.blob_version(waiting.sealed) == 2
    mail.outbox = []
    assert outbox.deliver_pending()["sent"] == 1  # the mail still goes out
    assert mail.outbox[0].body == "请在周五前归还档案。"
    party.refresh_from_db()
    assert party.nda_document.name != nda_before  # written again, under a new name
    assert not storages["default"].exists(nda_before)
    assert parties.open_nda(world.lawyer, party).data == PDF


def test_r30_a_sealed_value_that_does_not_open_keeps_its_key_version_in_use(settings):
    settings.BAOMI_RECORD_KEKS = f"1:{_key()}"
    world = build_world()
    issued = _crm(world)
    # A value sealed for another row (a copy pasted across rows) opens nowhere but there.
    copied = crypto.seal_blob(webhooks.secret_context(issued.client.pk + 1), b"whsec_x")
    type(issued.client).objects.filter(pk=issued.client.pk).update(webhook_secret=copied)
    settings.BAOMI_RECORD_KEKS = f"2:{_key()},{settings.BAOMI_RECORD_KEKS}"
    out = StringIO()
    call_command("rotate_keys", stdout=out)
    assert "1 did not open and keep their key version: keep it" in out.getvalue()
    assert "Key versions in use: [1]" in out.getvalue()


def test_r30_an_import_in_progress_and_a_group_robot_open_after_the_old_key_is_retired(
    settings, django_assert_max_num_queries
):
    from records.imports import sealing
    from records.imports.models import ImportBatch, ImportChunk
    from records.ops import chat
    from records.ops.models import ChatChannel

    settings.BAOMI_RECORD_KEKS = f"1:{_key()}"
    world = build_world()
    batch = ImportBatch.objects.create(
        department=world.dept, started_by=world.head, file_format="csv"
    )
    batch.sealed_upload = crypto.seal_blob(sealing.context(batch), b"x" * 1_000_000)
    batch.save()
    for number in range(12):
        ImportChunk.objects.create(
            batch=batch, number=number, rows=500,
            sealed=crypto.seal_blob(sealing.chunk_context(batch, number), b"[rows]"),
            sealed_rejects=crypto.seal_blob(sealing.rejects_context(batch, number), b"csv"),
        )  # fmt: skip
    channel = ChatChannel.objects.create(name="值班群", kind="wecom", created_by=world.officer)
    channel.sealed = crypto.seal_blob(chat._config_context(channel.pk), b'{"key": "k"}')
    channel.save()

    settings.BAOMI_RECORD_KEKS = f"2:{_key()},{settings.BAOMI_RECORD_KEKS}"
    from records.ops import rotation

    # A chunk's context comes from its batch's id: the 1 MB upload is read once, not per chunk.
    with django_assert_max_num_queries(40):
        assert rotation.rewrap_sealed().rewrapped == 1 + 12 + 12 + 1
    settings.BAOMI_RECORD_KEKS = settings.BAOMI_RECORD_KEKS.split(",")[0]
    batch.refresh_from_db()
    assert crypto.open_blob(sealing.context(batch), batch.sealed_upload) == b"x" * 1_000_000
    for chunk in batch.chunks.all():
        assert crypto.open_blob(sealing.chunk_context(batch, chunk.number), chunk.sealed)
        assert crypto.open_blob(sealing.rejects_context(batch, chunk.number), chunk.sealed_rejects)
    channel.refresh_from_db()
    assert crypto.open_blob(chat._config_context(channel.pk), channel.sealed) == b'{"key": "k"}'
    assert rotation.sealed_versions() == {2}


def test_r30_every_value_sealed_outside_the_files_is_named_for_rotation():
    """A new sealed column must be named in records/crypto/sealed.py, or a rotation would
    leave it under a KEK the operator is told may go."""
    from django.apps import apps
    from django.db import models

    from records.crypto import sealed

    named = {(c.model._meta.label, c.field) for c in sealed.COLUMNS}
    named |= {(f.model._meta.label, f.field) for f in sealed.FILES}
    not_seal_blob = {
        # A file's own columns, sealed with its data key (re-wrapped as the file's key).
        *(
            ("records.CustomerRecord", n)
            for n in (
                "wrapped_key",
                "sealed_identity",
                "sealed_financial",
                "sealed_transaction",
                "sealed_other",
                "sealed_communications",
                "sealed_review_comment",
            )
        ),
        ("records.Attachment", "sealed_name"),
        # Not secret: the audit chain's hashes, a destruction certificate without content.
        ("audit.SealBlock", "event_ids"),
        ("audit.SealBlock", "hashes"),
        ("disposal.DestructionCertificate", "pdf"),
    }
    ours = ("access", "audit", "core", "disposal", "records")
    stored = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        if model._meta.app_label in ours
        for field in model._meta.get_fields()
        if isinstance(field, models.BinaryField | models.FileField)
    }
    assert stored - not_seal_blob == named


def test_r30_an_nda_edited_after_a_rotation_keeps_its_scan(
    settings, django_capture_on_commit_callbacks
):
    """The edit page was loaded before the rotation wrote the scan anew; saving it must not
    put the old, deleted file's name back."""
    settings.BAOMI_RECORD_KEKS = f"1:{_key()}"
    world = build_world()
    party = _party_with_sealed_nda(world)
    on_the_page = ExternalParty.objects.get(pk=party.pk)  # as the edit form loaded it
    settings.BAOMI_RECORD_KEKS = f"2:{_key()},{settings.BAOMI_RECORD_KEKS}"
    from records.ops import rotation

    with django_capture_on_commit_callbacks(execute=True):
        rotation.rewrap_sealed()
        parties.save(
            world.lawyer, on_the_page, name="某某律师事务所", kind="law_firm",
            contact_name="李律师", contact_email="", nda_signed_on=None, nda_expires_on=None,
        )  # fmt: skip
    party.refresh_from_db()
    assert party.contact_name == "李律师"
    assert parties.open_nda(world.lawyer, party).data == PDF
