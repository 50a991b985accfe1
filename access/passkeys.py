"""Passkeys (WebAuthn) as a second factor (issue 21 §1), on django-otp-webauthn.

The library runs the ceremonies (challenges kept in the session and used once, attestation and
assertion checked by py_webauthn, origins against ``OTP_WEBAUTHN_ALLOWED_ORIGINS``); Baomi adds
what its other factors already have: enrolment only right after re-authentication, a failed
passkey counted by django-axes like a wrong code, every step in the audit log, names a person
chooses, removal after a confirmation, and the administrator's reset removing them too
(``access.enrolment``). A passkey is never a way in without the password
(``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils.translation import gettext as _
from django_otp_webauthn.models import WebAuthnCredential

import audit
from access.models import User
from core.refusals import Refused

NAME_LENGTH = 60


def relying_party_id(request: HttpRequest) -> str:
    """The host name the passkeys belong to: the site's own (``get_host`` has checked it
    against ALLOWED_HOSTS), without a port, lower case, without a trailing dot."""
    domain, _port = split_domain_port(request.get_host())
    return domain.rstrip(".")


def passkeys_of(user: User) -> QuerySet[WebAuthnCredential]:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def has_passkey(user: User) -> bool:
    return passkeys_of(user).exists()


def _clean_name(name: str) -> str:
    name = " ".join(name.split())[:NAME_LENGTH]
    if not name:
        raise Refused({"name": [_("Give the passkey a name you will recognise.")]})
    return name


@transaction.atomic
def enrolled(user: User, credential: WebAuthnCredential, name: str) -> None:
    """Name a passkey just registered and record it."""
    number = passkeys_of(user).count()
    credential.name = " ".join(name.split())[:NAME_LENGTH] or _("Passkey %(n)s") % {"n": number}
    credential.save(update_fields=["name"])
    audit.record(user, "auth.passkey_enrolled", target=user, passkey=credential.name)


@transaction.atomic
def rename(user: User, credential: WebAuthnCredential, name: str) -> None:
    before, credential.name = credential.name, _clean_name(name)
    credential.save(update_fields=["name"])
    audit.record(user, "auth.passkey_renamed", target=user, passkey=credential.name, was=before)


@transaction.atomic
def remove(user: User, credential: WebAuthnCredential) -> None:
    name = credential.name
    credential.delete()
    audit.record(user, "auth.passkey_removed", target=user, passkey=name)


def remove_all(user: User) -> int:
    """Every passkey of a person (an administrator's reset of the second factor)."""
    _total, kinds = WebAuthnCredential.objects.filter(user=user).delete()
    return kinds.get(WebAuthnCredential._meta.label, 0)  # not counting their attestations
