"""Sign-in helpers: authenticators, their codes, clients at each sign-in stage (people and files
come from tests/factories.py)."""

from __future__ import annotations

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import Agreement, AgreementSignature, User


def give_authenticator(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def otp_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current step, or the next one if this step was used.

    django-otp refuses a code whose time step was already used (replay protection), and accepts
    one step of clock drift either way, so a test may use at most two codes per 30 s window.
    """
    device.refresh_from_db()
    now_step = int((time.time() - device.t0) // device.step)
    step = max(now_step, device.last_t + 1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = int(otp_code(device))
    return f"{(right + 500_000) % 1_000_000:06d}"


def sign_current_agreement(user: User) -> AgreementSignature:
    agreement = Agreement.objects.current()
    return AgreementSignature.objects.create(
        user=user, agreement=agreement, text_sha256=agreement.text_sha256()
    )


def client_with_password_only(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def client_verified(user: User, *, agreed: bool = True) -> Client:
    """A client past both factors (and, by default, past the agreement) without the UI steps.

    Tests of the sign-in pages themselves go through the real forms instead.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or give_authenticator(
        user
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    if (
        agreed
        and not AgreementSignature.objects.filter(
            user=user, agreement=Agreement.objects.current()
        ).exists()
    ):
        sign_current_agreement(user)
    return client


NEW_PASSWORD = "Mein-Eigenes-Passwort-77"


def enrolment_token(user: User) -> str:
    """A fresh one-time enrolment link's token for ``user``, as the mail would carry it."""
    from access import enrolment
    from access.models import EnrolmentLink

    link = EnrolmentLink.objects.create(
        user=user, purpose=enrolment.purpose_for(user), reason="test"
    )
    return enrolment.arm(link, "http://testserver/").rstrip("/").rsplit("/", 1)[1]


def open_enrolment_link(user: User, client: Client | None = None) -> Client:
    """A client that opened a one-time enrolment link for ``user`` and set its own password
    (NEW_PASSWORD): the only way to a first authenticator (issue 17 §20)."""
    from django.urls import reverse

    client = client or Client()
    response = client.post(
        reverse("access:enrol", args=[enrolment_token(user)]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def admin_user_form(client: Client, person: User) -> tuple[str, dict]:
    """The admin's change page of ``person``: its URL and the form as it stands (to post back
    with some fields changed)."""
    from django.urls import reverse

    url = reverse("admin:access_user_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    skipped = ("password", "groups", "last_login", "date_joined")
    data = {k: v for k, v in form.initial.items() if v is not None and k not in skipped}
    return url, data
