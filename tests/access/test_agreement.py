"""R3: before first access a person signs the confidentiality agreement; version and time kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.models import Agreement, AgreementSignature
from tests.factories import PASSWORD, make_person
from tests.helpers import client_verified, give_authenticator, otp_code

pytestmark = pytest.mark.django_db

AGREEMENT = reverse("access:agreement")
HOME = reverse("home")


def test_r3_first_version_is_published_by_migration():
    current = Agreement.objects.current()
    assert current is not None
    assert current.version == 1
    assert "保密" in current.title
    assert current.body_en


def test_r3_unsigned_person_reaches_only_the_agreement_and_sign_out(sales_person):
    client = client_verified(sales_person, agreed=False)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(AGREEMENT)
    assert client.get(reverse("access:security"))["Location"].startswith(AGREEMENT)
    assert client.get(reverse("admin:index"))["Location"].startswith(AGREEMENT)
    assert client.post(reverse("access:password_change")).status_code == 403
    page = client.get(AGREEMENT)
    assert page.status_code == 200
    assert "客户信息保密承诺书" in page.content.decode()
    assert client.post(reverse("access:logout")).status_code == 302


def test_r3_signing_records_user_version_time_address_and_text_hash(sales_person):
    client = client_verified(sales_person, agreed=False)
    client.get(HOME)  # remembers where the person wanted to go
    before = timezone.now()
    response = client.post(
        AGREEMENT, {"accept": "on"}, REMOTE_ADDR="192.0.2.10", HTTP_USER_AGENT="UA-Test"
    )
    assert response.status_code == 302
    signature = AgreementSignature.objects.get(user=sales_person)
    current = Agreement.objects.current()
    assert signature.agreement == current
    assert signature.signed_at >= before
    assert signature.ip_address == "192.0.2.10"
    assert signature.user_agent == "UA-Test"
    assert signature.text_sha256 == current.text_sha256()
    assert client.get(HOME).status_code == 200


def test_r3_not_ticking_the_box_signs_nothing_and_explains_why(sales_person):
    client = client_verified(sales_person, agreed=False)
    response = client.post(AGREEMENT, {})
    assert response.status_code == 200
    assert "Tick the box" in response.content.decode()
    assert not AgreementSignature.objects.filter(user=sales_person).exists()


def test_r3_signing_twice_keeps_one_signature(sales_person):
    client = client_verified(sales_person, agreed=False)
    client.post(AGREEMENT, {"accept": "on"})
    client.post(AGREEMENT, {"accept": "on"})
    assert AgreementSignature.objects.filter(user=sales_person).count() == 1


def test_r3_a_new_version_makes_everyone_sign_again(sales_person):
    client = client_verified(sales_person)
    assert client.get(HOME).status_code == 200
    Agreement.objects.create(version=2, title="v2", body="新版本", published_at=timezone.now())
    response = client.get(HOME)
    assert response["Location"].startswith(AGREEMENT)
    page = client.get(AGREEMENT)
    assert "version 2" in page.content.decode()
    client.post(AGREEMENT, {"accept": "on"})
    assert client.get(HOME).status_code == 200
    versions = sorted(
        AgreementSignature.objects.filter(user=sales_person).values_list(
            "agreement__version", flat=True
        )
    )
    assert versions == [1, 2]


def test_r3_a_version_scheduled_for_later_does_not_apply_yet(sales_person):
    client = client_verified(sales_person)
    Agreement.objects.create(
        version=2, title="v2", body="以后", published_at=timezone.now() + timedelta(days=1)
    )
    assert client.get(HOME).status_code == 200


def test_r3_real_sign_in_journey_ends_at_the_agreement_then_home(sales_person):
    device = give_authenticator(sales_person)
    client = Client()
    client.post(reverse("access:login"), {"username": "zhang.wei", "password": PASSWORD})
    client.post(reverse("access:otp_verify"), {"token": otp_code(device)})
    assert client.get(HOME)["Location"].startswith(AGREEMENT)
    response = client.post(AGREEMENT, {"accept": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == HOME
    assert "You signed version 1" in response.content.decode()


def test_r3_signed_text_cannot_be_edited_in_the_admin(sales_person):
    admin_user = make_person("admin1", is_staff=True, is_superuser=True)
    sign_admin = client_verified(admin_user)
    agreement = Agreement.objects.current()
    url = reverse("admin:access_agreement_change", args=[agreement.pk])
    page = sign_admin.get(url)
    assert page.status_code == 200
    assert 'name="body"' not in page.content.decode()  # read-only once signed
    delete = sign_admin.post(
        reverse("admin:access_agreement_delete", args=[agreement.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert Agreement.objects.filter(pk=agreement.pk).exists()
