"""Sign-in services: password, second factor, enrolment, backup codes, re-authentication (R2).

Views call these; they never talk to django-otp or django-axes themselves. A failed second
factor counts towards the same lockout as a failed password (django-axes, on username + IP), and
the lockout counter is only reset once *both* factors succeeded: otherwise re-entering a known
password would buy an attacker a fresh set of OTP guesses.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

import audit
from access import passkeys
from access.gate import forget_stage
from access.http import signed_in_user
from access.models import BackupCode, BackupCodeDevice, User

SIGNED_IN_AT = "baomi_signed_in_at"
LAST_SEEN = "baomi_last_seen"
REAUTH_AT = "baomi_reauth_at"

BACKUP_CODE_COUNT = 10
_BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/i/l: read off paper safely
TOTP_DEVICE_NAME = "authenticator"


class LockedOut(Exception):
    """Too many failed attempts for this username from this address."""


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    backup_codes: list[str]


def _credentials(username: str) -> dict[str, str]:
    return {"username": username}


def is_locked_out(request: HttpRequest, username: str) -> bool:
    return not AxesProxyHandler.is_allowed(request, _credentials(username))


def _count_failure(request: HttpRequest, user: User, stage: str = "otp") -> None:
    """Report a failed second factor to django-axes exactly like a failed password."""
    user_login_failed.send(
        sender=__name__, credentials=_credentials(user.get_username()), request=request
    )
    audit.record(
        user,
        "auth.sign_in_failed",
        target=user,
        stage=stage,
        username_known=True,
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )
    if getattr(request, "axes_locked_out", False):
        sign_out(request, reason="locked_out")


def sign_in_with_password(request: HttpRequest, username: str, password: str) -> User | None:
    """First factor. On success the session is new (fixation-safe) but not yet verified."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        _record_failure(request, username, stage="password")
        return None
    auth_login(request, user)  # rotates the session key
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    forget_stage(request)
    return user


def away_from_work(username: str, password: str) -> str:
    """The employment status behind a refused sign-in ("on_leave", "left") when it was the right
    password of a person away from work, else "": they are told why instead of "not correct"
    (only with the right password, so an account's status is never told to someone guessing)."""
    from access.backends import at_work

    account = User.objects.filter(username=username, is_active=True).first()
    if account is None or at_work(account) or not account.check_password(password):
        return ""
    return str(account.employment_status)


def _record_failure(request: HttpRequest, username: str, stage: str) -> None:
    """A failed attempt names the account it was aimed at only if that account exists.

    The typed text itself is never stored: people type passwords into the username field.
    """
    account = User.objects.filter(username=username).first()
    audit.record(
        None,
        "auth.sign_in_failed",
        target=account,
        stage=stage,
        username_known=account is not None,
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )


def sign_out(request: HttpRequest, reason: str = "") -> None:
    """End the session. ``reason`` ("user", "idle", "absolute", ...) is audited when given."""
    user = getattr(request, "user", None)
    if reason and user is not None and user.is_authenticated:
        audit.record(user, "auth.sign_out", target=user, reason=reason)
    auth_logout(request)  # flushes the session and its key
    forget_stage(request)


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _matching_device(user: User, token: str) -> Device | None:
    """Check a code against the person's authenticator, or else their backup codes."""
    token = token.strip().replace(" ", "")
    if token.isdigit() and len(token) in (6, 8):
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(token):
                return device
        return None
    for device in BackupCodeDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


def verify_second_factor(request: HttpRequest, token: str) -> Device | None:
    """Second factor with an authenticator code or a backup code. Raises LockedOut."""
    user = signed_in_user(request)
    if is_locked_out(request, user.get_username()):
        sign_out(request, reason="locked_out")
        raise LockedOut
    with transaction.atomic():
        device = _matching_device(user, token)
    if device is None:
        _count_failure(request, user)
        if getattr(request, "axes_locked_out", False):
            raise LockedOut
        return None
    _complete_sign_in(request, device)
    return device


def _complete_sign_in(request: HttpRequest, device: Device) -> None:
    otp_login(request, device)
    request.session.cycle_key()  # privilege changed: new session key
    user = device.user
    if isinstance(device, BackupCodeDevice):
        audit.record(user, "auth.backup_code_used", target=user, left=device.remaining())
    factor = (
        "backup_code"
        if isinstance(device, BackupCodeDevice)
        else "passkey"
        if isinstance(device, WebAuthnCredential)
        else "totp"
    )
    audit.record(user, "auth.sign_in", target=user, factor=factor)
    AxesProxyHandler.reset_attempts(
        ip_address=getattr(request, "axes_ip_address", None), username=device.user.get_username()
    )
    forget_stage(request)


def pending_authenticator(user: User) -> TOTPDevice:
    """The not-yet-confirmed authenticator being enrolled; the same one until confirmed."""
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False, name=TOTP_DEVICE_NAME)
        .order_by("-id")
        .first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def confirm_authenticator(request: HttpRequest, token: str) -> Enrolment | None:
    """Confirm the pending authenticator with a code from it; it replaces any earlier one.

    Returns the new backup codes (shown once, never stored in clear) or None for a wrong code.
    """
    user = signed_in_user(request)
    if is_locked_out(request, user.get_username()):
        sign_out(request, reason="locked_out")
        raise LockedOut
    device = pending_authenticator(user)
    if not device.verify_token(token.strip().replace(" ", "")):
        _count_failure(request, user, stage="enrolment")
        if getattr(request, "axes_locked_out", False):
            raise LockedOut
        return None
    with transaction.atomic():
        replaced = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()[0]
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(user, "auth.otp_enrolled", target=user, replaced=replaced > 0)
        codes = issue_backup_codes(user)
    _complete_sign_in(request, device)
    return Enrolment(device=device, backup_codes=codes)


def issue_backup_codes(user: User) -> list[str]:
    """Replace the person's backup codes with a fresh set and return them in clear, once."""
    with transaction.atomic():
        device, _created = BackupCodeDevice.objects.get_or_create(
            user=user, defaults={"name": "backup codes", "confirmed": True}
        )
        device.codes.all().delete()
        codes = [_new_backup_code() for _ in range(BACKUP_CODE_COUNT)]
        BackupCode.objects.bulk_create(
            BackupCode(device=device, code_hash=BackupCodeDevice.digest(code)) for code in codes
        )
        audit.record(user, "auth.backup_codes_issued", target=user, count=len(codes))
    return codes


def _new_backup_code() -> str:
    raw = "".join(secrets.choice(_BACKUP_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def backup_codes_left(user: User) -> int:
    device = BackupCodeDevice.objects.filter(user=user).first()
    return device.remaining() if device else 0


def passkey_signed_in(request: HttpRequest, device: Device) -> None:
    """The person's passkey was checked (django-otp-webauthn): their second factor is done."""
    if device.user_id != signed_in_user(request).pk:  # the library checks; so do we
        raise PermissionDenied
    _complete_sign_in(request, device)


def passkey_refused(request: HttpRequest) -> bool:
    """A passkey that did not verify counts like a wrong code; True once that locked the
    account out (the person is then signed out)."""
    user = signed_in_user(request)
    if is_locked_out(request, user.get_username()):
        sign_out(request, reason="locked_out")
        return True
    _count_failure(request, user, stage="passkey")
    return bool(getattr(request, "axes_locked_out", False))


def remove_passkey(request: HttpRequest, credential: WebAuthnCredential) -> None:
    """Remove one of the person's passkeys. If this session was signed in with it, the session
    stays verified by the code the person just confirmed (removing needs a re-authentication
    with password and code): removing a passkey does not send them back to the code step."""
    user = signed_in_user(request)
    used_now = getattr(user, "otp_device", None)
    was_this = used_now is not None and used_now.persistent_id == credential.persistent_id
    passkeys.remove(user, credential)
    if was_this:
        fallback = (
            TOTPDevice.objects.filter(user=user, confirmed=True).first()
            or BackupCodeDevice.objects.filter(user=user, confirmed=True).first()
        )
        if fallback is None:  # no other factor at all: start again from the password
            sign_out(request, reason="second_factor_removed")
            return
        otp_login(request, fallback)
        request.session.cycle_key()


def reauthenticate(request: HttpRequest, password: str, token: str) -> bool:
    """Ask again for both factors before a security change (password, authenticator)."""
    user = request.user
    username = user.get_username()
    if is_locked_out(request, username):
        sign_out(request, reason="locked_out")
        raise LockedOut
    checked = authenticate(request, username=username, password=password)
    if checked is None or checked.pk != user.pk:
        _record_failure(request, username, stage="reauth")
        if getattr(request, "axes_locked_out", False):
            sign_out(request, reason="locked_out")
            raise LockedOut
        return False
    with transaction.atomic():
        device = _matching_device(user, token)
    if device is None:
        _count_failure(request, user, stage="reauth")
        if getattr(request, "axes_locked_out", False):
            raise LockedOut
        return False
    request.session[REAUTH_AT] = time.time()
    request.session.cycle_key()
    audit.record(user, "auth.reauthenticated", target=user)
    return True


def recently_reauthenticated(request: HttpRequest) -> bool:
    done_at = request.session.get(REAUTH_AT)
    window = settings.BAOMI_REAUTH_WINDOW.total_seconds()
    return done_at is not None and time.time() - float(done_at) <= window


def change_password(request: HttpRequest, user: User, new_password: str) -> None:
    """Set a new password and keep this session (only this one) signed in."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)  # also rotates the session key
    audit.record(user, "auth.password_changed", target=user)
