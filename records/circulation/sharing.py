"""Providing client files to an external party (R52, R50, R51): delivery of an approved share.

The requester creates the delivery once the head and the security officer have approved: an
expiring, single-use download link for the recipient and a passcode that the requester gives
out of band (by phone, never in the same e-mail). Only hashes of both are stored. The recipient
opens the link, enters the passcode, downloads the watermarked PDF once, and confirms receipt on
the same page. Wrong passcodes lock the link after five tries. The party's NDA is checked again
at delivery and at download: an NDA that ran out in between stops the share.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

import audit
from access import requests
from access.models import AccessRequest, ExternalParty, RequestState, ShareLink, User
from access.policy import RecordAction
from access.requests import nda_problem
from access.workflow import transition
from core.refusals import Refused
from records.circulation.copies import files_of, render_pdf

MAX_ATTEMPTS = 5


def _recipient(req: AccessRequest) -> ExternalParty:
    """Whom an external share goes to: every one names its party (access.requests.problems)."""
    party = req.external_party
    if party is None:  # reading the name of None would fail the same way
        raise AttributeError(f"{req.number} names no external party")
    return party


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _passcode_hash(link_token_hash: str, passcode: str) -> str:
    return salted_hmac("baomi.share-passcode", f"{link_token_hash}:{passcode}").hexdigest()


@dataclass
class Delivery:
    link: ShareLink
    token: str  # shown once, to build the URL for the recipient
    passcode: str  # shown once, to give out of band


def create_link(user: User, req: AccessRequest) -> Delivery:
    with transaction.atomic():
        req = requests.lock_for(user, req, "create_link")
        problem = nda_problem(req.external_party)
        if problem:
            raise Refused({"__all__": [problem]})
        files_of(user, req, RecordAction.SHARE_EXTERNAL)
        token = secrets.token_urlsafe(32)
        passcode = f"{secrets.randbelow(10**8):08d}"
        token_hash = _token_hash(token)
        link = ShareLink.objects.create(
            request=req,
            token_hash=token_hash,
            passcode_hash=_passcode_hash(token_hash, passcode),
            created_by=user,
            expires_at=timezone.now() + timedelta(hours=settings.BAOMI_SHARE_LINK_HOURS),
        )
        req.fulfilled_at, req.fulfilled_by = timezone.now(), user
        transition(
            req,
            "deliver",
            by=user,
            fields=["fulfilled_at", "fulfilled_by"],
            party=_recipient(req).name,
            expires_at=link.expires_at.isoformat(),
        )
    return Delivery(link, token, passcode)


def find(token: str) -> ShareLink | None:
    return (
        ShareLink.objects.select_related("request", "request__external_party")
        .filter(token_hash=_token_hash(token))
        .first()
    )


def state_problem(link: ShareLink) -> str | None:
    """Why the link cannot be used for a download now, in the recipient's words."""
    if link.locked_at:
        return _("This link was locked after too many wrong passcodes. Ask your contact.")
    if link.downloaded_at:
        return _("This link was used already: it works once.")
    if timezone.now() >= link.expires_at:
        return _("This link has expired. Ask your contact for a new one.")
    if link.request.state != RequestState.FULFILLED:  # closed: its files were destroyed
        return _("This delivery was withdrawn. Ask your contact.")
    return None


def _check_passcode(token: str, passcode: str) -> ShareLink:
    """The link, if usable and the passcode is right. A wrong passcode is counted (and the link
    locked at the fifth) in its own committed transaction, so the refusal cannot undo it."""
    wrong = False
    with transaction.atomic():
        found = find(token)
        if found is None:
            raise Refused({"__all__": [_("This link does not exist.")]})
        link = ShareLink.objects.select_for_update().get(pk=found.pk)
        problem = state_problem(link)
        if problem:
            raise Refused({"__all__": [problem]})
        expected = _passcode_hash(link.token_hash, passcode.strip())
        if not hmac.compare_digest(expected, link.passcode_hash):
            wrong = True
            link.failed_attempts += 1
            fields = ["failed_attempts"]
            if link.failed_attempts >= MAX_ATTEMPTS:
                link.locked_at = timezone.now()
                fields.append("locked_at")
            link.save(update_fields=fields)
            audit.record(
                None,
                "share.passcode_failed",
                found.request,
                attempts=link.failed_attempts,
                locked=bool(link.locked_at),
            )
    if wrong:
        raise Refused({"passcode": [_("Wrong passcode.")]})
    return found


def download(token: str, passcode: str) -> tuple[ShareLink, bytes]:
    """Check the passcode and hand out the PDF, once."""
    found = _check_passcode(token, passcode)
    with transaction.atomic():
        link = ShareLink.objects.select_for_update().get(pk=found.pk)
        problem = state_problem(link)  # again, under the lock: two tabs cannot both download
        if problem:
            raise Refused({"__all__": [problem]})
        req = found.request
        if nda_problem(req.external_party):
            raise Refused({"__all__": [_("This delivery is no longer allowed.")]})
        requester = req.requester
        records = files_of(requester, req, RecordAction.SHARE_EXTERNAL)
        party = _recipient(req).name
        at = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        data = render_pdf(
            title=f"{req.number} 客户资料（对外提供）",
            stamp=(
                f"对外提供 {req.number} · 接收方 {party} · {at} · 经办 {requester.get_full_name()}"
            ),
            watermark=f"{req.number} {party}",
            viewer=requester,
            records=records,
            sections=req.sections,
        )
        link.downloaded_at = timezone.now()
        link.save(update_fields=["downloaded_at"])
        audit.record(
            None,
            "record.export",
            req,
            rows=len(records),
            files=[r.audit_label() for r in records],
            format="pdf",
            party=party,
            sha256=hashlib.sha256(data).hexdigest(),
        )
    return link, data


def confirm_receipt(token: str, name: str, *, passcode_given: bool) -> ShareLink:
    """The recipient confirms on the link page that the files arrived (R51), from the browser
    session that gave the passcode (``passcode_given``): the link alone is not enough."""
    if not name.strip():
        raise Refused({"name": [_("Give the name of the person who received it.")]})
    if not passcode_given:
        raise Refused(
            _("Enter the passcode and download the files in this browser first; the receipt is "
              "confirmed from there.")
        )  # fmt: skip
    with transaction.atomic():
        found = find(token)
        if found is None:
            raise Refused({"__all__": [_("This link does not exist.")]})
        link = ShareLink.objects.select_for_update().get(pk=found.pk)
        if not link.downloaded_at:
            raise Refused({"__all__": [_("Download the files first.")]})
        if link.receipt_confirmed_at:
            raise Refused({"__all__": [_("Receipt was confirmed already.")]})
        link.receipt_confirmed_at = timezone.now()
        link.receipt_name = name.strip()[:100]
        link.save(update_fields=["receipt_confirmed_at", "receipt_name"])
        req = link.request
        req.closed_at = timezone.now()
        transition(
            req,
            "confirm_receipt",
            by=None,
            fields=["closed_at"],
            party=_recipient(req).name,
            received_by=link.receipt_name,
        )
    return link
