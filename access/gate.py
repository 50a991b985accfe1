"""Deny by default: which URLs may be reached before sign-in is complete.

Sign-in has stages (password, second factor, signed agreement). Every URL requires the last
stage unless it is named in ``ALLOW_LIST`` below. Anything not listed, including every URL a
later feature adds, is closed until the person has signed in with both factors and signed the
current confidentiality agreement (R2, R3).
"""

from __future__ import annotations

from enum import IntEnum

from django.http import HttpRequest

from access import snapshot
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
    # The second factor with a passkey (issue 21 §1): the ceremony's two steps.
    "access:passkey_verify_begin": Stage.PASSWORD,
    "access:passkey_verify_complete": Stage.PASSWORD,
    "access:agreement": Stage.VERIFIED,
    # A one-time enrolment link is the key: its page sets the person's own password, and then
    # (only in that session) their first authenticator (access/enrolment.py).
    "access:enrol": Stage.ANONYMOUS,
    # An external recipient has no account: the single-use token and the passcode given out of
    # band are the key (records/circulation/sharing.py); the page shows no customer content.
    "share_link": Stage.ANONYMOUS,
    # The integration API: a client's token is the key, checked by the API itself
    # (records/api/auth.py) on every call; no session is read. Its schema and reference page
    # are not listed: they are for people signed in.
    "api:drafts": Stage.ANONYMOUS,
    "api:record_status": Stage.ANONYMOUS,
    "api:outcome": Stage.ANONYMOUS,
    "api:reference_status": Stage.ANONYMOUS,
}

_STAGE_ATTR = "_baomi_stage"
_AGREEMENT_ATTR = "_baomi_agreement"


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
        state = getattr(user, snapshot.AGREEMENT_ATTR, None)
        if state is None:  # a user the session did not load (just signed in): ask
            current = Agreement.objects.current_with_signature_of(user)
            state = snapshot.AgreementState(
                current.version if current else None, current.signed_at if current else None
            )
        setattr(request, _AGREEMENT_ATTR, state)
        stage = Stage.AGREED if state.signed else Stage.VERIFIED
    setattr(request, _STAGE_ATTR, stage)
    return stage


def signed_agreement(request: HttpRequest) -> snapshot.AgreementState | None:
    """The current agreement's version and when this person signed it, as the gate read them
    for this request: pages that show it (home) do not read it again."""
    if stage_of(request) < Stage.AGREED:
        return None
    return getattr(request, _AGREEMENT_ATTR, None)


def forget_stage(request: HttpRequest) -> None:
    """Drop the cached stage after sign-in, sign-out or signing the agreement."""
    for attr in (_STAGE_ATTR, _AGREEMENT_ATTR):
        if hasattr(request, attr):
            delattr(request, attr)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        snapshot.forget(user)
