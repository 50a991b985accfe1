"""Issue 17 §19: authenticator seeds are sealed at rest; a database dump alone passes nobody's
second factor, and a sealed seed copied onto another person's device opens nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import sealed_seeds
from tests.factories import PASSWORD, make_person
from tests.helpers import give_authenticator

pytestmark = pytest.mark.django_db

SEED_HEX = "3132333435363738393031323334353637383930"


def _code(seed_hex: str) -> str:
    totp = TOTP(bytes.fromhex(seed_hex), 30, 0, 6, 0)
    return f"{totp.token():06d}"


def test_p19_the_stored_key_is_sealed_and_the_phones_code_still_signs_in(sales_person):
    TOTPDevice.objects.create(user=sales_person, name="authenticator", confirmed=True, key=SEED_HEX)
    stored = TOTPDevice.objects.values_list("key", flat=True).get()
    assert stored.startswith("s1:")
    assert SEED_HEX not in stored
    assert len(stored) <= 80  # django-otp's column
    client = Client()
    client.post(reverse("access:login"), {"username": "zhang.wei", "password": PASSWORD})
    response = client.post(reverse("access:otp_verify"), {"token": _code(SEED_HEX)})
    assert response.status_code == 302
    assert not response["Location"].endswith("/otp/verify/")


def test_p19_a_sealed_seed_copied_to_another_persons_device_opens_nothing(sales_person):
    mine = TOTPDevice.objects.create(
        user=sales_person, name="authenticator", confirmed=True, key=SEED_HEX
    )
    other = make_person("li.na")
    theirs = give_authenticator(other)
    TOTPDevice.objects.filter(pk=theirs.pk).update(key=TOTPDevice.objects.get(pk=mine.pk).key)
    theirs.refresh_from_db()
    assert not theirs.verify_token(_code(SEED_HEX))


def test_p19_seeds_stored_in_clear_before_are_sealed_by_the_migration_step(sales_person):
    device = TOTPDevice.objects.create(user=sales_person, name="authenticator", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(key=SEED_HEX)  # as django-otp stored it
    device.refresh_from_db()
    assert sealed_seeds.seal_key(device)
    device.save()
    device.refresh_from_db()
    assert device.key.startswith("s1:")
    assert device.verify_token(_code(SEED_HEX))
