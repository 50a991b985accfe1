"""Abandoned drafts (R60, issue 6 item 8): a draft or a file returned for correction that nobody
touched for ``BAOMI_DRAFT_PURGE_DAYS`` is purged (crypto-shredded like any destruction), after
its handler was told ``BAOMI_DRAFT_NOTICE_DAYS`` before. Editing the draft after the notice
starts the clock again (and a later abandonment gets a new notice)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

import audit
from disposal import shredding
from records.models import CustomerRecord

DRAFTS = ("draft", "returned")


def notify() -> int:
    now = timezone.now()
    stale = now - timedelta(days=settings.BAOMI_DRAFT_PURGE_DAYS - settings.BAOMI_DRAFT_NOTICE_DAYS)
    due = CustomerRecord.objects.filter(status__in=DRAFTS, updated_at__lte=stale).filter(
        Q(purge_notice_at__isnull=True) | Q(purge_notice_at__lt=F("updated_at"))
    )
    sent = 0
    for record in due.select_related("handler"):
        # Conditional UPDATE, and updated_at untouched: the notice is not activity.
        if not CustomerRecord.objects.filter(pk=record.pk, updated_at=record.updated_at).update(
            purge_notice_at=now
        ):
            continue
        if record.handler.email:
            send_mail(
                "[Baomi] 草稿将被删除 / Draft will be deleted",
                f"您的客户档案草稿（{record.audit_label()}）已超过 "
                f"{settings.BAOMI_DRAFT_PURGE_DAYS - settings.BAOMI_DRAFT_NOTICE_DAYS} 天未更新，"
                f"将于 {settings.BAOMI_DRAFT_NOTICE_DAYS} 天后删除。如仍需要，请打开并保存。\n"
                f"Your draft {record.audit_label()} has not changed for a long time and will be "
                f"deleted in {settings.BAOMI_DRAFT_NOTICE_DAYS} days. Open and save it to keep it.",
                None,
                [record.handler.email],
            )
        audit.record(None, "record.draft_purge_notice", record)
        sent += 1
    return sent


def purge() -> int:
    now = timezone.now()
    abandoned = now - timedelta(days=settings.BAOMI_DRAFT_PURGE_DAYS)
    noticed_before = now - timedelta(days=settings.BAOMI_DRAFT_NOTICE_DAYS)
    due = CustomerRecord.objects.filter(
        status__in=DRAFTS,
        updated_at__lte=abandoned,
        purge_notice_at__lte=noticed_before,
        purge_notice_at__gte=F("updated_at"),
        on_hold=False,
    )
    purged = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            record = CustomerRecord.objects.select_for_update().get(pk=pk)
            if record.status not in DRAFTS or record.updated_at > abandoned or record.on_hold:
                continue  # changed since the query
            done = shredding.shred(
                [record], now=now, why="draft purged", by=None, grant_reason="draft purged"
            )
            if record.pk in done.kept:
                continue
            audit.record(
                None,
                "record.draft_purged",
                record,
                attachments_deleted=done.attachments.get(record.pk, 0),
            )
            purged += 1
    return purged
