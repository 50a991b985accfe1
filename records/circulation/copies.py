"""Copies and excerpts of client files (R42): made from an approved copy request, watermarked,
entered in the copy register, downloadable a limited number of times, destroyed by a deadline.

A copy shows what its requester sees on screen (the same masking, no reveals): a copy never
carries more than the screen. Each download renders the copy afresh from the sealed file, with
the serial, the requester, the time and the request number on every page (PDF) or in the header
row (CSV); the register keeps the serial and the count, never the copy.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access import policy, requests
from access.models import AccessRequest, CopyFormat, CopyRegisterEntry, User
from access.policy import RecordAction
from access.workflow import transition
from core.csvsafe import row as csv_row
from core.refusals import Refused
from records import attachments, masking
from records import content as record_content
from records.classification import Tier
from records.models import CustomerRecord
from records.paper import MARKS
from records.pdf import Document, mm


@dataclass
class Copy:
    entry: CopyRegisterEntry
    filename: str
    content_type: str
    data: bytes


def _sections(wanted: list[str], viewer: User, record: CustomerRecord) -> list:
    shown = masking.show(record_content.read(record), clear=policy.clear_fields(viewer, record))
    return [s for s in shown if s.section.value in set(wanted)]


def _stamp(entry: CopyRegisterEntry, user: User, at: str) -> str:
    return (
        f"保密复制件 {entry.serial} · {user.get_full_name()} · {at} · 申请 {entry.request.number}"
    )


def render_pdf(
    *,
    title: str,
    stamp: str,
    watermark: str,
    viewer: User,
    records: list[CustomerRecord],
    sections: list[str],
) -> bytes:
    """The files as a PDF with ``stamp`` in the header and footer of every page and
    ``watermark`` across it; values masked as ``viewer`` sees them on screen."""
    doc = Document(
        title, stamp=stamp, footer=f"{stamp} · 用后销毁，不得留存或转交", watermark=watermark
    )
    left = 20 * mm
    for record in records:
        doc.new_page()
        doc.text(
            f"客户档案 {record.archive_number}  {MARKS[Tier(record.tier)]}",
            size=14,
            gap=9 * mm,
            x=left,
        )
        doc.text(
            f"所属部门：{record.department.name}  经手人：{record.handler.get_full_name()}", x=left
        )
        for section in _sections(sections, viewer, record):
            doc.text(str(section.label), size=12, gap=7 * mm, x=left)
            for shown in section.rows:
                doc.text(f"{shown.field.label}：{shown.text}", x=left)
    return doc.finish()


def _csv(entry: CopyRegisterEntry, user: User, records: list[CustomerRecord], at: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_row([_stamp(entry, user, at)]))
    writer.writerow(csv_row(["archive_number", "section", "field", "value"]))
    for record in records:
        for section in _sections(entry.request.sections, user, record):
            for shown in section.rows:
                writer.writerow(
                    csv_row([record.archive_number, section.label, shown.field.label, shown.text])
                )
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def _originals(
    entry: CopyRegisterEntry, user: User, records: list[CustomerRecord], at: str
) -> bytes:
    """The files' uploaded originals in a ZIP, with the copy's serial, holder and destruction
    date in a note beside them (a scan itself cannot carry a stamp without being altered)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "复制件说明.txt",
            f"{_stamp(entry, user, at)}\n用后销毁，不得留存或转交；"
            f"销毁期限 {entry.destroy_by:%Y-%m-%d}。\n",
        )
        for record in records:
            for number, attachment in enumerate(record.attachments.order_by("uploaded_at"), 1):
                opened = attachments.original(attachment)
                folder = record.archive_number or str(record.pk)
                archive.writestr(f"{folder}/{number:02d}-{opened.name}", opened.data)
    return out.getvalue()


def files_of(
    user: User, req: AccessRequest, action: str = RecordAction.COPY
) -> list[CustomerRecord]:
    """The request's files, each still allowed to ``user`` now (a borrow behind it may end)."""
    records = list(
        CustomerRecord.objects.filter(request_items__request=req)
        .select_related("department", "handler")
        .order_by("archive_number")
    )
    for record in records:
        policy.require(user, action, record)
    return records


def download(user: User, req: AccessRequest) -> Copy:
    """Make (first time) or download again the copy of an approved copy request."""
    with transaction.atomic():
        req = requests.lock_for(user, req, "download")
        records = files_of(user, req)
        entry = CopyRegisterEntry.objects.filter(request=req).first()
        first = entry is None
        if entry is None:
            entry = CopyRegisterEntry.objects.create(
                request=req,
                serial=f"{req.number}-C1",
                made_by=user,
                downloads_allowed=settings.BAOMI_COPY_DOWNLOADS,
                destroy_by=req.due_on,
            )
        if timezone.localdate() > entry.destroy_by:
            raise Refused({"__all__": [_("This copy was due for destruction already.")]})
        if not CopyRegisterEntry.objects.filter(
            pk=entry.pk, downloads__lt=F("downloads_allowed")
        ).update(downloads=F("downloads") + 1):
            raise Refused({"__all__": [_("This copy was downloaded as often as it may be.")]})
        entry.refresh_from_db()
        at = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        if req.copy_format == CopyFormat.CSV:
            data, content_type, ext = _csv(entry, user, records, at), "text/csv", "csv"
        elif req.copy_format == CopyFormat.ORIGINALS:
            data, content_type, ext = _originals(entry, user, records, at), "application/zip", "zip"
        else:
            data = render_pdf(
                title=f"{entry.serial} 客户档案复制件",
                stamp=_stamp(entry, user, at),
                watermark=f"{entry.serial} {user.get_full_name()}",
                viewer=user,
                records=records,
                sections=req.sections,
            )
            content_type, ext = "application/pdf", "pdf"
        exported = {
            "rows": len(records),
            "files": [r.audit_label() for r in records],
            "format": ext,
            "download": entry.downloads,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        if first:  # the first download makes the copy: the request is fulfilled
            req.fulfilled_at, req.fulfilled_by = timezone.now(), user
            fields = ["fulfilled_at", "fulfilled_by"]
            transition(req, "make_copy", by=user, target=entry, fields=fields, **exported)
        else:
            audit.record(user, "record.export", entry, **exported)
    return Copy(entry, f"{entry.serial}.{ext}", content_type, data)


def confirm_destroyed(user: User, req: AccessRequest, note: str) -> CopyRegisterEntry:
    """The requester confirms every copy (printouts included) was destroyed (R42)."""
    if not note.strip():
        raise Refused({"note": [_("Say how the copy was destroyed.")]})
    with transaction.atomic():
        req = requests.lock_for(user, req, "confirm_destroyed")
        entry = CopyRegisterEntry.objects.select_for_update().get(request=req)
        now = timezone.now()
        entry.destroyed_at = now
        entry.destruction_note = note.strip()[:200]
        entry.save(update_fields=["destroyed_at", "destruction_note"])
        req.closed_at, req.closed_by = now, user
        transition(
            req, "confirm_destroyed", by=user, target=entry, fields=["closed_at", "closed_by"],
            serial=entry.serial,
        )  # fmt: skip
    return entry
