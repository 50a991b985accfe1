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


def test_r30_rotation_rewraps_sealed_secrets_mail_and_scans_so_the_old_key_can_go(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "records.ops.outbox.OutboxBackend"  # production's mail path
    settings.BAOMI_MAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr(outbox, "deliver_soon", lambda: None)  # the mail stays waiting
    settings.BAOMI_RECORD_KEKS = f"1:{_key()}"
    world = build_world()
    issued = clients.issue(
        world.officer, name="CRM", scopes=["webhooks:receive"], departments=[world.dept],
        expires_on=None, rate_per_minute=60, webhook_url="https://8.8.8.8/hook",
    )  # fmt: skip
    with transaction.atomic():
        mail.send_mail("提醒", "请在周五前归还档案。", None, ["li.na@example.cn"])
    waiting = OutboxMessage.objects.get(sent_at=None, client=None)
    party = ExternalParty.objects.create(
        name="某某律师事务所", kind="law_firm", contact_name="王律师", updated_by=world.officer
    )
    party.nda_document.name = storages["default"].save("nda/clear.pdf", ContentFile(PDF))
    party.save()
    assert parties.seal_existing(party)
    party.refresh_from_db()
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
    issued = clients.issue(
        world.officer, name="CRM", scopes=["webhooks:receive"], departments=[world.dept],
        expires_on=None, rate_per_minute=60, webhook_url="https://8.8.8.8/hook",
    )  # fmt: skip
    # A value sealed for another row (a copy pasted across rows) opens nowhere but there.
    copied = crypto.seal_blob(webhooks.secret_context(issued.client.pk + 1), b"whsec_x")
    type(issued.client).objects.filter(pk=issued.client.pk).update(webhook_secret=copied)
    settings.BAOMI_RECORD_KEKS = f"2:{_key()},{settings.BAOMI_RECORD_KEKS}"
    out = StringIO()
    call_command("rotate_keys", stdout=out)
    assert "1 did not open and keep their key version: keep it" in out.getvalue()
    assert "Key versions in use: [1]" in out.getvalue()
