"""The words of records/' codes for the audit console and pages (audit/wording.py): levels,
data categories, statuses, kinds, channels, reveal reasons, file formats. Registered once from
``RecordsConfig.ready`` because audit/ may not import records/."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.wording import register_values


def register() -> None:
    from records.classification import Tier
    from records.disclosure import RevealReason
    from records.fields import CATEGORY_LABELS, FIELDS
    from records.forms import CommunicationForm
    from records.models import (
        FILE_FORMATS,
        AttachmentKind,
        ConsentMethod,
        CustomerKind,
        InventoryResult,
        Outcome,
        RecordStatus,
    )
    from records.reports.tables import TITLES
    from records.rights.models import SubjectRequest

    register_values("tier", Tier.choices)
    register_values("categories", CATEGORY_LABELS.items())
    register_values("fields", [(field.name, field.label) for field in FIELDS])
    register_values("state", RecordStatus.choices)
    register_values("state", SubjectRequest.State.choices, scope="subject_request")
    register_values("kind", CustomerKind.choices)
    register_values("kind", AttachmentKind.choices)
    register_values("kind", SubjectRequest.Kind.choices)
    register_values("channel", CommunicationForm.CHANNELS)
    register_values("channel", SubjectRequest.Channel.choices)
    register_values("reason", RevealReason.choices, scope="record.reveal")
    register_values("outcome", Outcome.choices)
    register_values("outcome", SubjectRequest.Outcome.choices)
    register_values("result", InventoryResult.choices)
    from core.announcements import TOPIC_LABELS
    from records.ops.models import ChatChannel

    register_values("kind", ChatChannel.Kind.choices)
    register_values("topics", TOPIC_LABELS.items())
    from access.policy import SCOPE_LABELS

    register_values("scopes", SCOPE_LABELS.items())
    register_values(
        "webhook_event",
        [
            ("file.approved", _("File approved")),
            ("file.returned", _("File returned for correction")),
            ("file.destroyed", _("File destroyed")),
            ("request.approved", _("Request approved")),
            ("request.rejected", _("Request rejected")),
        ],
    )
    register_values(
        "endpoint",
        [
            ("drafts", _("Hand over an intake draft")),
            ("record_status", _("Read a file's status")),
            ("reference_status", _("Read a file's status by the client's reference")),
            ("outcome", _("Set a deal outcome")),
        ],
    )
    register_values(
        "format",
        [("pdf", _("PDF document")), ("xlsx", _("Excel workbook"))],
        scope="inventory.report",
    )
    register_values(
        "format",
        [("page", _("On screen")), ("pdf", _("PDF document")), ("xlsx", _("Excel workbook"))],
        scope="report.management",
    )
    register_values("table", TITLES.items())
    register_values("method", ConsentMethod.choices)
    register_values("content_type", FILE_FORMATS.items())
    register_values(
        "by",
        [
            ("archive_number", _("Archive number")),
            ("name", _("Name")),
            ("mobile", _("Mobile number")),
            ("id", _("ID number or credit code")),
        ],
    )
