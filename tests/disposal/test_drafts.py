"""Abandoned drafts are purged after a notice to their handler (issue 6 item 8, R60)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from audit.models import AuditEvent
from disposal import drafts
from records import intake
from records.models import CustomerRecord
from tests.factories import register


def _age(record, days: int) -> None:
    CustomerRecord.objects.filter(pk=record.pk).update(
        updated_at=timezone.now() - timedelta(days=days)
    )


def test_an_abandoned_draft_is_noticed_once_then_purged(archive_staff, mailoutbox, settings):
    archive_staff.sales.email = "zhang@example.cn"
    archive_staff.sales.save()
    draft = register(archive_staff.sales, {"full_name": "草稿客户", "mobile": "13977778888"})
    fresh = register(archive_staff.sales, {"full_name": "新草稿", "mobile": "13977779999"})
    _age(draft, settings.BAOMI_DRAFT_PURGE_DAYS - settings.BAOMI_DRAFT_NOTICE_DAYS + 1)
    assert drafts.notify() == 1
    assert drafts.notify() == 0  # once
    assert mailoutbox[0].to == ["zhang@example.cn"]
    assert drafts.purge() == 0  # not before the notice period has passed
    CustomerRecord.objects.filter(pk=draft.pk).update(
        purge_notice_at=timezone.now() - timedelta(days=settings.BAOMI_DRAFT_NOTICE_DAYS + 1),
        updated_at=timezone.now() - timedelta(days=settings.BAOMI_DRAFT_PURGE_DAYS + 1),
    )
    assert drafts.purge() == 1
    draft.refresh_from_db()
    fresh.refresh_from_db()
    assert draft.status == "destroyed"
    assert not draft.wrapped_key
    assert not draft.attachments.exists()
    assert fresh.status == "draft"
    assert AuditEvent.objects.filter(action="record.draft_purged").count() == 1


def test_editing_after_the_notice_keeps_the_draft(archive_staff, settings):
    draft = register(archive_staff.sales, {"full_name": "草稿客户", "mobile": "13977778888"})
    _age(draft, settings.BAOMI_DRAFT_PURGE_DAYS + 1)
    drafts.notify()
    draft.refresh_from_db()
    editing = intake.editing(archive_staff.sales, draft)
    intake.update(archive_staff.sales, draft, editing.meta, editing.content, editing.terms)
    assert drafts.purge() == 0
    draft.refresh_from_db()
    assert draft.status == "draft"
