"""Deny by default: which URLs may be reached before sign-in is complete.

Sign-in has stages (password, second factor, signed agreement). Every URL requires the last
stage unless it is named in ``ALLOW_LIST`` below. Anything not listed, including every URL a
later feature adds, is closed until the person has signed in with both factors and signed the
current confidentiality agreement (R2, R3).
"""

from __future__ import annotations

from enum import IntEnum

from django.http import HttpRequest

from access.models import Agreement


class Stage(IntEnum):
    ANONYMOUS = 0
    PASSWORD = 1  # password accepted, second factor outstanding
    VERIFIED = 2  # both factors, current agreement not yet signed
    AGREED = 3  # fully signed in


ALLOW_LIST: dict[str, Stage] = {
    "access:login": Stage.ANONYMOUS,
    "access:logout": Stage.ANONYMOUS,
    "health": Stage.ANONYMOUS,
    "ready": Stage.ANONYMOUS,  # readiness: status and ages only (issue 18 §1)
    "set_language": Stage.ANONYMOUS,
    "access:otp_verify": Stage.PASSWORD,
    "access:otp_setup": Stage.PASSWORD,
    "access:agreement": Stage.VERIFIED,
    # A one-time enrolment link is the key: its page sets the person's own password, and then
    # (only in that session) their first authenticator (access/enrolment.py).
    "access:enrol": Stage.ANONYMOUS,
    # An external recipient has no account: the single-use token and the passcode given out of
    # band are the key (records/circulation/sharing.py); the page shows no customer content.
    "share_link": Stage.ANONYMOUS,
}

_STAGE_ATTR = "_baomi_stage"


def required_stage(view_name: str) -> Stage:
    return ALLOW_LIST.get(view_name, Stage.AGREED)


def stage_of(request: HttpRequest) -> Stage:
    """How far this request's session has come through sign-in (cached per request)."""
    cached = getattr(request, _STAGE_ATTR, None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        stage = Stage.ANONYMOUS
    elif not getattr(user, "is_verified", lambda: False)():
        stage = Stage.PASSWORD
    else:
        current = Agreement.objects.current_with_signature_of(user)
        stage = Stage.AGREED if current is not None and current.signed else Stage.VERIFIED
    setattr(request, _STAGE_ATTR, stage)
    return stage


def forget_stage(request: HttpRequest) -> None:
    """Drop the cached stage after sign-in, sign-out or signing the agreement."""
    if hasattr(request, _STAGE_ATTR):
        delattr(request, _STAGE_ATTR)
