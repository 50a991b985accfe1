"""R30/R13: envelope encryption that fails closed, rotation, shredding, blind indexes."""

from __future__ import annotations

import base64
import os
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from records import content as record_content
from records import crypto
from records.models import CustomerRecord
from tests.factories import PERSON, register


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def test_r30_sealed_values_open_only_with_their_record_and_purpose():
    dek = os.urandom(crypto.KEY_BYTES)
    cipher_a = crypto.RecordCipher(uuid.uuid4(), dek)
    sealed = cipher_a.seal("identity", "欧阳晓梅".encode())
    assert cipher_a.open("identity", sealed).decode() == "欧阳晓梅"
    with pytest.raises(crypto.DecryptionFailed):
        cipher_a.open("financial", sealed)  # another section of the same record
    same_key_other_record = crypto.RecordCipher(uuid.uuid4(), dek)
    with pytest.raises(crypto.DecryptionFailed):
        same_key_other_record.open("identity", sealed)


def test_r30_every_flipped_bit_of_a_ciphertext_fails_to_open():
    cipher, _wrapped = crypto.new_record_key(uuid.uuid4())
    sealed = bytearray(cipher.seal("identity", b"13912345678"))
    for index in range(len(sealed)):
        for bit in (0, 7):
            tampered = bytearray(sealed)
            tampered[index] ^= 1 << bit
            with pytest.raises(crypto.DecryptionFailed):
                cipher.open("identity", bytes(tampered))
    for junk in (b"", b"13912345678", bytes(sealed[:20])):
        with pytest.raises(crypto.DecryptionFailed):
            cipher.open("identity", junk)


def test_r30_ciphertexts_swapped_between_records_fail_to_decrypt(sales_org):
    first = register(sales_org.sales)
    second = register(sales_org.sales, {**PERSON, "full_name": "李四", "mobile": "13800000001"})
    CustomerRecord.objects.filter(pk=second.pk).update(sealed_identity=first.sealed_identity)
    second.refresh_from_db()
    with pytest.raises(crypto.DecryptionFailed):
        record_content.read(second)
    # Swapping the wrapped data keys as well does not help: the key is bound to its record.
    CustomerRecord.objects.filter(pk=second.pk).update(wrapped_key=first.wrapped_key)
    second.refresh_from_db()
    with pytest.raises(crypto.DecryptionFailed):
        record_content.read(second)


def test_r30_rotation_rewraps_every_key_and_keeps_every_record_readable(sales_org, settings):
    settings.BAOMI_RECORD_KEKS = f"1:{_key()}"
    records = [register(sales_org.sales) for _ in range(3)]
    settings.BAOMI_RECORD_KEKS = f"2:{_key()},{settings.BAOMI_RECORD_KEKS}"
    for record in records:
        wrapped = crypto.rewrap(record.id, record.key_version, record.wrapped_key)
        assert wrapped.version == 2
        CustomerRecord.objects.filter(pk=record.pk).update(
            key_version=wrapped.version, wrapped_key=wrapped.blob
        )
    # The old KEK can now be retired: only version 2 is configured.
    settings.BAOMI_RECORD_KEKS = settings.BAOMI_RECORD_KEKS.split(",")[0]
    for record in CustomerRecord.objects.all():
        assert record_content.read(record)["mobile"] == PERSON["mobile"]


def test_r30_a_record_whose_key_version_is_not_loaded_fails_closed(sales_org, settings):
    settings.BAOMI_RECORD_KEKS = f"1:{_key()}"
    record = register(sales_org.sales)
    settings.BAOMI_RECORD_KEKS = f"2:{_key()}"
    with pytest.raises(crypto.DecryptionFailed, match="version 1 is not loaded"):
        record_content.read(CustomerRecord.objects.get(pk=record.pk))


def test_r30_a_destroyed_data_key_makes_the_content_unrecoverable(sales_org):
    record = register(sales_org.sales)
    CustomerRecord.objects.filter(pk=record.pk).update(wrapped_key=b"")
    with pytest.raises(crypto.KeyShredded):
        record_content.read(CustomerRecord.objects.get(pk=record.pk))


def test_r30_production_refuses_to_derive_keys_from_a_file(settings):
    settings.PRODUCTION = True
    settings.BAOMI_RECORD_KEKS = ""
    with pytest.raises(ImproperlyConfigured, match="BAOMI_RECORD_KEKS"):
        crypto.configured_keks()
    settings.BAOMI_RECORD_KEKS = "1:not-base64-and-short"
    with pytest.raises(ImproperlyConfigured):
        crypto.configured_keks()


def test_r30_blind_indexes_are_keyed_truncated_and_separate_per_kind(settings):
    first = crypto.blind_index("mobile", "13912345678")
    assert len(first) == 2 * crypto.BLIND_INDEX_BYTES
    assert first == crypto.blind_index("mobile", "13912345678")
    assert first != crypto.blind_index("name", "13912345678")
    settings.BAOMI_INDEX_KEY = _key()
    assert crypto.blind_index("mobile", "13912345678") != first  # the key matters


def test_r30_rotate_keys_command_rewraps_in_chunks_and_reports_progress(sales_org, settings):
    from io import StringIO

    from django.core.management import call_command

    from audit.models import AuditEvent

    settings.BAOMI_RECORD_KEKS = f"1:{_key()}"
    for _ in range(3):
        register(sales_org.sales)
    settings.BAOMI_RECORD_KEKS = f"2:{_key()},{settings.BAOMI_RECORD_KEKS}"
    out = StringIO()
    call_command("rotate_keys", chunk=2, stdout=out)
    text = out.getvalue()
    assert "3 data keys to re-wrap under key version 2" in text
    assert "2/3" in text
    assert "3/3" in text
    assert "Key versions in use: [2]" in text
    assert set(CustomerRecord.objects.values_list("key_version", flat=True)) == {2}
    assert AuditEvent.objects.filter(action="record.keys_rotated").exists()
    # Running again finds nothing to do (resumable, idempotent).
    out = StringIO()
    call_command("rotate_keys", stdout=out)
    assert "0 data keys to re-wrap" in out.getvalue()
    settings.BAOMI_RECORD_KEKS = settings.BAOMI_RECORD_KEKS.split(",")[0]
    for record in CustomerRecord.objects.all():
        assert record_content.read(record)["full_name"] == PERSON["full_name"]
