"""Enrolment links (issue 17 §4, §20): the one way a password and an authenticator are set for
someone who has none, or whose sign-in an administrator resets.

Nobody but the person ever knows their password: the administrator issues a link with a short
life (``BAOMI_ENROLMENT_LINK_HOURS``), stored only as a hash and sent to the person's mailbox
(handed over in person only when there is none). For anyone holding a role above sales a
security officer approves first. Opening the link, the person sets their own password, their
old authenticator and backup codes are removed, every session of theirs ends, and they enrol a
new authenticator on the spot. They are told by mail when a reset is asked for, and by a banner
after their next sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

import audit
from access import passkeys, policy
from access.gate import forget_stage
from access.models import BackupCodeDevice, EnrolmentLink, User
from access.people import end_sessions
from access.policy import Denied
from access.signin import LAST_SEEN, SIGNED_IN_AT
from core.refusals import Refused

# Set in the session of the person who opened a valid link: their first authenticator may be
# enrolled in it (access.views.signin.otp_setup_view). Without it, nobody enrols at sign-in.
ENROLMENT_SESSION = "baomi_may_enrol"
BANNER_DAYS = 7


@dataclass(frozen=True)
class Issued:
    link: EnrolmentLink
    # The link itself, only when it must be handed over in person (the person has no mailbox).
    hand_over: str | None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> timedelta:
    return timedelta(hours=settings.BAOMI_ENROLMENT_LINK_HOURS)


def purpose_for(person: User) -> str:
    first = not person.has_usable_password() and not TOTPDevice.objects.filter(user=person).exists()
    return EnrolmentLink.Purpose.FIRST if first else EnrolmentLink.Purpose.RESET


@transaction.atomic
def issue(admin: User, person: User, reason: str, base_url: str) -> Issued:
    decision = policy.decide_enrolment_issue(admin, person)
    if not decision:
        raise Denied(decision)
    link = _new_link(person, reason, by=admin, needs_approval=policy.needs_second_approver(person))
    if link.purpose == EnrolmentLink.Purpose.RESET:
        _tell(person, link)
    return Issued(link, None if link.needs_approval else _send(link, base_url))


@transaction.atomic
def issue_by_operator(person: User, reason: str, base_url: str) -> str:
    """The link for the server's operator to hand over (manage.py enrolment_link): the way in
    for the first administrator. No approval step: shell access is above every role."""
    return arm(_new_link(person, reason, by=None, needs_approval=False, via="command"), base_url)


def _new_link(
    person: User, reason: str, *, by: User | None, needs_approval: bool, **why: str
) -> EnrolmentLink:
    """A new link for ``person`` (earlier unused ones are cancelled), with its event."""
    reason = reason.strip()
    if not reason:
        raise Refused({"reason": [_("Say why: the person and the audit log are told.")]})
    person.enrolment_links.filter(used_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now()
    )
    link = EnrolmentLink.objects.create(
        user=person,
        purpose=purpose_for(person),
        reason=reason[:300],
        created_by=by,
        needs_approval=needs_approval,
    )
    audit.record(
        by,
        "account.enrolment_link_issued",
        target=person,
        purpose=link.purpose,
        needs_approval=link.needs_approval,
        reason=link.reason,
        **why,
    )
    return link


def arm(link: EnrolmentLink, base_url: str) -> str:
    """Give the link its token (only the hash is kept) and its life; returns the URL."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    link.token_hash, link.sent_at, link.expires_at = _digest(token), now, now + _lifetime()
    link.save(update_fields=["token_hash", "sent_at", "expires_at"])
    return base_url.rstrip("/") + reverse("access:enrol", args=[token])


def lifetime_hours() -> int:
    return int(settings.BAOMI_ENROLMENT_LINK_HOURS)


@transaction.atomic
def approve(officer: User, link: EnrolmentLink, base_url: str) -> Issued:
    link = EnrolmentLink.objects.select_for_update().get(pk=link.pk)
    decision = policy.decide_enrolment_approval(officer, link)
    if not decision:
        raise Denied(decision)
    link.approved_by, link.approved_at = officer, timezone.now()
    link.save(update_fields=["approved_by", "approved_at"])
    audit.record(officer, "account.enrolment_link_approved", target=link.user, purpose=link.purpose)
    return Issued(link, _send(link, base_url))


def awaiting_approval() -> list[EnrolmentLink]:
    return list(
        EnrolmentLink.objects.filter(
            needs_approval=True, approved_at__isnull=True, cancelled_at__isnull=True
        ).select_related("user", "created_by")
    )


def _send(link: EnrolmentLink, base_url: str) -> str | None:
    """Make the token, keep its hash, mail the link; the link is returned only to be handed
    over in person when the person has no mailbox. ``base_url``: the site as the issuer sees it
    (scheme and host of their request)."""
    url = arm(link, base_url)
    person = link.user
    if not person.email:
        return url
    hours = settings.BAOMI_ENROLMENT_LINK_HOURS
    # Into the sealed outbox, in the caller's transaction: it commits with it.
    send_mail(
        "[Baomi] 设置密码和验证器 / Set your password and authenticator",
        f"{person.get_full_name()}，请在 {hours} 小时内打开以下链接，"
        f"设置您自己的密码并绑定验证器（只能使用一次）：\n{url}\n\n"
        f"Open this link within {hours} hours to set your own password and authenticator "
        f"(it works once):\n{url}\n\n"
        "如非本人申请，请立即告知信息安全负责人。If you did not ask for this, tell the "
        "information-security officer at once.",
        None,
        [person.email],
    )
    return None


def _tell(person: User, link: EnrolmentLink) -> None:
    """The person hears at once that their sign-in is being reset, by whom and why."""
    if not person.email:
        return
    admin = link.created_by
    # Into the sealed outbox, in the caller's transaction: it commits with it.
    send_mail(
        "[Baomi] 您的登录将被重置 / Your sign-in is being reset",
        f"账号管理员 {admin} 申请重置您的密码和验证器，原因：{link.reason}\n"
        f"The account administrator {admin} asked to reset your password and "
        f"authenticator. Reason: {link.reason}\n\n"
        "如非本人申请，请立即告知信息安全负责人。If you did not ask for this, tell the "
        "information-security officer at once.",
        None,
        [person.email],
    )


def find(token: str) -> EnrolmentLink:
    """The usable link behind ``token``; ``Refused`` with a reason the person can act on."""
    link = (
        EnrolmentLink.objects.select_related("user").filter(token_hash=_digest(token)).first()
        if token
        else None
    )
    if link is None or not link.usable() or not link.user.is_active:
        raise Refused(
            _(
                "This link is not valid: it was used already, has expired or was replaced by a "
                "newer one. Ask your account administrator for a new link."
            )
        )
    return link


def complete(request: HttpRequest, token: str, password: str) -> User:
    """Set the person's own password, remove their old second factors, end every session of
    theirs, and sign them in to enrol a new authenticator here and now."""
    with transaction.atomic():
        link = find(token)
        link = EnrolmentLink.objects.select_for_update().select_related("user").get(pk=link.pk)
        if not link.usable():
            raise Refused(_("This link was used a moment ago."))
        person = link.user
        try:
            validate_password(password, person)
        except ValidationError as error:
            raise Refused({"new_password1": list(error.messages)}) from None
        person.set_password(password)
        person.save(update_fields=["password"])
        TOTPDevice.objects.filter(user=person).delete()
        BackupCodeDevice.objects.filter(user=person).delete()
        passkeys_removed = passkeys.remove_all(person)  # a reset replaces every factor
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        ended = end_sessions(person)
        audit.record(
            person,
            "account.enrolment_completed",
            target=person,
            purpose=link.purpose,
            issued_by=link.created_by_id,
            sessions_ended=ended,
            passkeys_removed=passkeys_removed,
        )
    auth_login(request, person, backend="access.backends.AtWorkModelBackend")
    now = timezone.now().timestamp()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    request.session[ENROLMENT_SESSION] = person.pk
    forget_stage(request)
    return person


def may_enrol(request: HttpRequest, person: User) -> bool:
    return request.session.get(ENROLMENT_SESSION) == person.pk


def recent_reset(person: User) -> EnrolmentLink | None:
    """A reset used in the last days, for the banner after sign-in."""
    since = timezone.now() - timedelta(days=BANNER_DAYS)
    return (
        person.enrolment_links.filter(purpose=EnrolmentLink.Purpose.RESET, used_at__gte=since)
        .select_related("created_by")
        .first()
    )
