"""Borrowing client files (R41): the request form (shared with copies), the hand-out and the
return at the archive desk.

The request and its approvals live in access/requests.py; what is handed out lives here,
because it is the files': an electronic loan is a read grant until the end of the return date,
a paper loan checks the folder out of its cabinet. On return the archivist checks every file;
a damaged folder or missing pages open an incident (R73) at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import grants, policy, requests
from access.models import (
    AccessRequest,
    AccessRequestItem,
    ExternalParty,
    Grant,
    Medium,
    User,
)
from access.policy import RecordAction
from access.requests import Application
from access.workflow import transition
from audit import incidents
from core.refusals import Message, Refused
from records.models import CustomerRecord, PaperFile

_NUMBER = re.compile(r"^KH-\d{4}-\d{6}$")


def parse_numbers(text: str) -> tuple[list[str], list[str]]:
    """Archive numbers from what was typed (spaces, commas, Chinese commas, new lines)."""
    tokens = [t.strip().upper() for t in re.split(r"[\s,，;；、]+", text or "") if t.strip()]
    valid = list(dict.fromkeys(t for t in tokens if _NUMBER.match(t)))
    return valid, [t for t in tokens if not _NUMBER.match(t)]


@dataclass
class Ask:
    """A request form as typed: archive numbers as text, the rest as the form cleaned it."""

    numbers: str
    purpose: str
    due_on: date | None
    medium: str = Medium.ELECTRONIC
    kind: str = "borrow"
    copy_format: str = ""
    sections: list[str] = field(default_factory=list)
    external_party: ExternalParty | None = None


def apply(user: User, form: Ask) -> AccessRequest:
    """File a borrow or copy request for the archive numbers typed in the form.

    A number that does not exist, and a file the person may neither see nor ask for (another
    department's Level 1 file, a destroyed or restricted one), get the same answer: the form
    cannot be used to find out which files exist, or their level or status. Files the person
    sees are refused with the reason.
    """
    valid, invalid = parse_numbers(form.numbers)
    errors: dict[str, list[Message]] = {}
    if invalid:
        errors["records"] = [
            _("Not an archive number (KH-YYYY-NNNNNN): %(items)s") % {"items": ", ".join(invalid)}
        ]
    named = CustomerRecord.objects.filter(archive_number__in=valid)
    seen = set(policy.visible_records(user, named).values_list("pk", flat=True))
    action = requests.action_for(form.kind)
    found = {
        r.archive_number: r for r in named if r.pk in seen or policy.decide(user, action, r).allowed
    }
    unknown = [n for n in valid if n not in found]
    if unknown:
        errors.setdefault("records", []).append(
            _("No file you can ask for has the number %(items)s.") % {"items": ", ".join(unknown)}
        )
    records = [found[n] for n in valid if n in found]
    if form.kind == "borrow" and form.medium == Medium.PAPER:
        with_paper = set(
            PaperFile.objects.filter(record__in=records).values_list("record_id", flat=True)
        )
        lacking = [r.filed_number for r in records if r.pk not in with_paper]
        if lacking:
            errors.setdefault("records", []).append(
                _("These files have no paper folder in the archive: %(items)s")
                % {"items": ", ".join(lacking)}
            )
    application = Application(
        kind=form.kind,
        purpose=form.purpose,
        due_on=form.due_on,
        medium=form.medium if form.kind == "borrow" else Medium.ELECTRONIC,
        records=records,
        copy_format=form.copy_format,
        sections=form.sections,
        external_party=form.external_party,
    )
    if errors:
        for key, messages in requests.problems(user, application).items():
            errors.setdefault(key, []).extend(str(m) for m in messages)
        raise Refused(errors)
    return requests.create(user, application)


def hand_out(user: User, req: AccessRequest) -> AccessRequest:
    """The archive hands the approved files to the borrower (once: the request row is locked)."""
    with transaction.atomic():
        req = requests.lock_for(user, req, "hand_out")
        items = list(req.items.select_related("record"))
        for item in items:  # the files may have been destroyed or restricted since approval
            policy.require(req.requester, RecordAction.BORROW, item.record)
        now = timezone.now()
        if req.medium == Medium.PAPER:
            folders = PaperFile.objects.select_for_update().filter(
                record_id__in=[i.record_id for i in items]
            )
            out = [f.record.filed_number for f in folders if f.checked_out_to_id]
            if out:
                raise Refused(
                    {"__all__": [_("Already lent out: %(items)s") % {"items": ", ".join(out)}]}
                )
            folders.update(checked_out_to=req.requester, checked_out_at=now)
        else:
            for item in items:
                grants.issue(
                    grantee=req.requester,
                    record=item.record,
                    expires_at=requests.end_of_day(req.due_on),
                    reason=req.purpose,
                    granted_by=user,
                    source=Grant.Source.BORROW,
                    source_request=req,
                )
        AccessRequestItem.objects.filter(request=req).update(handed_out_at=now)
        req.fulfilled_at, req.fulfilled_by = now, user
        transition(
            req,
            "hand_out",
            by=user,
            fields=["fulfilled_at", "fulfilled_by"],
            medium=req.medium,
            files=[i.record.audit_label() for i in items],
            borrower=req.requester.audit_label(),
        )
    return req


def items_out(req: AccessRequest) -> list[AccessRequestItem]:
    """The files of a loan still out: a file whose part ended (destroyed, restricted) is off it."""
    return list(req.items.filter(returned_at__isnull=True).select_related("record"))


def take_back(
    user: User,
    req: AccessRequest,
    conditions: dict[int, tuple[str, str]],
) -> AccessRequest:
    """The archive takes the files back and records each one's condition (item id -> (condition,
    note)). Every file must be checked; anything but "intact" opens an incident."""
    with transaction.atomic():
        req = requests.lock_for(user, req, "take_back")
        items = items_out(req)
        unchecked = [i.record.filed_number for i in items if i.pk not in conditions]
        if unchecked:
            raise Refused(
                {"__all__": [_("Check every file: %(items)s") % {"items": ", ".join(unchecked)}]}
            )
        now = timezone.now()
        damaged = []
        for item in items:
            condition, note = conditions[item.pk]
            item.returned_at = now
            item.return_condition = condition
            item.return_note = note.strip()[:200]
            item.save(update_fields=["returned_at", "return_condition", "return_note"])
            if condition != AccessRequestItem.Condition.INTACT:
                damaged.append(item)
        if req.medium == Medium.PAPER:
            PaperFile.objects.filter(record_id__in=[i.record_id for i in items]).update(
                checked_out_to=None, checked_out_at=None
            )
        grants.revoke_all(req.grants.all(), by=user, reason=f"returned ({req.number})")
        req.closed_at, req.closed_by = now, user
        transition(
            req,
            "take_back",
            by=user,
            fields=["closed_at", "closed_by"],
            files=[i.record.audit_label() for i in items],
            damaged=[i.record.audit_label() for i in damaged],
        )
        if damaged:
            incidents.report(
                user,
                kind="loss",
                description=f"借阅归还检查发现问题（{req.number}）："
                + "；".join(
                    f"{i.record.archive_number} {i.get_return_condition_display()}"
                    + (f"（{i.return_note}）" if i.return_note else "")
                    for i in damaged
                ),
                occurred_at=now,
                archive_numbers=[i.record.filed_number for i in damaged],
            )
    return req
