"""The department head's review (R14, R15): approve and number, or return with a comment."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access import policy
from access.models import User
from access.policy import Capability, RecordAction
from core.refusals import Refused
from records import consents
from records import content as record_content
from records.models import ArchiveCounter, CustomerRecord, RecordStatus
from records.signals import retention_inputs_changed

ARCHIVE_PREFIX = "KH"


def next_archive_number(year: int) -> str:
    """``KH-2026-000123``: gap-free per year; the counter row is locked until commit."""
    ArchiveCounter.objects.get_or_create(year=year)
    counter = ArchiveCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{ARCHIVE_PREFIX}-{year}-{counter.last:06d}"


def approve(user: User, record: CustomerRecord) -> str:
    """Approve a submitted file: it is numbered and enters formal storage."""
    with transaction.atomic():
        record = CustomerRecord.objects.select_for_update().get(pk=record.pk)
        policy.require(user, RecordAction.REVIEW, record)
        problems = consents.submission_problems(record)
        if problems:  # consent withdrawn while the file waited
            raise Refused({"__all__": [str(p) for p in problems]})
        if not record.archive_number:  # a corrected file keeps the number it had
            record.archive_number = next_archive_number(timezone.localdate().year)
        record.status = RecordStatus.APPROVED
        record.reviewed_by, record.reviewed_at = user, timezone.now()
        record_content.write_review_comment(record, record_content.cipher_of(record), "")
        record.save()
        audit.record(
            user,
            "record.approve",
            target=record,
            tier=record.tier,
        )
        retention_inputs_changed.send(sender=CustomerRecord, record=record)
    return record.archive_number


def return_for_correction(user: User, record: CustomerRecord, comment: str) -> None:
    """Send the file back to its handler; the comment is sealed (it may quote the content)."""
    comment = comment.strip()
    if not comment:
        raise Refused({"comment": [_("Say what the handler must correct.")]})
    with transaction.atomic():
        record = CustomerRecord.objects.select_for_update().get(pk=record.pk)
        policy.require(user, RecordAction.REVIEW, record)
        record.status = RecordStatus.RETURNED
        record.reviewed_by, record.reviewed_at = user, timezone.now()
        record_content.write_review_comment(record, record_content.cipher_of(record), comment)
        record.save()
        audit.record(
            user,
            "record.return",
            target=record,
        )


def returned_to(user: User) -> QuerySet[CustomerRecord]:
    """The files returned to ``user`` for correction: their to-do until submitted again."""
    return CustomerRecord.objects.filter(handler=user, status=RecordStatus.RETURNED)


def reopen_for_correction(user: User, record: CustomerRecord, comment: str) -> None:
    """A customer asked for a correction (PIPL Art. 46): the approved file goes back to its
    handler, who corrects it and submits it; the head reviews it again, and it keeps its number."""
    policy.require_can(user, Capability.CUSTOMER_RIGHTS)
    with transaction.atomic():
        record = CustomerRecord.objects.select_for_update().get(pk=record.pk)
        if record.status != RecordStatus.APPROVED:
            return
        record.status = RecordStatus.RETURNED
        record_content.write_review_comment(record, record_content.cipher_of(record), comment)
        record.save()
        audit.record(
            user,
            "record.reopened",
            target=record,
        )
