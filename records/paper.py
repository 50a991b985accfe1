"""Paper files (R22, R33): where each folder is, who keeps it, its cover sheet and inventory.

The cover sheet carries the confidentiality mark of the file's level and the archive number,
never customer content, so printing it reveals nothing about the customer. A folder found
missing or damaged at an inventory check is reported as an incident at once (R73).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

import audit
from access import policy
from access.models import User
from access.policy import RecordAction
from audit import incidents
from records.classification import Tier
from records.imports.models import DeclaredLocation
from records.models import CustomerRecord, InventoryCheck, InventoryResult, PaperFile
from records.pdf import CONFIDENTIAL_RED, HEIGHT, WIDTH, Document, chinese, mm

# The mark printed on the folder, as the classification rules name it (003 §3.3).
MARKS = {
    Tier.TOP_SECRET: "绝密 ★ 一级",
    Tier.CONFIDENTIAL: "机密 ★ 二级",
    Tier.SENSITIVE: "敏感 ★ 三级",
    Tier.PUBLIC: "公开",
}


def register_location(
    user: User,
    record: CustomerRecord,
    *,
    room: str,
    cabinet: str,
    shelf: str,
    custodian: User,
) -> PaperFile:
    policy.require(user, RecordAction.MANAGE_PAPER, record)
    if not policy.custodians().filter(pk=custodian.pk).exists():
        raise ValueError("the custodian of a paper file must be an active archivist")
    with transaction.atomic():
        paper, created = PaperFile.objects.update_or_create(
            record=record,
            defaults={"room": room, "cabinet": cabinet, "shelf": shelf, "custodian": custodian},
        )
        audit.record(
            user,
            "record.paper_registered",
            target=record,
            room=room,
            cabinet=cabinet,
            shelf=shelf,
            custodian=custodian.get_full_name(),
            first=created,
        )
        # An imported file's folder, placed: the register's word for it is no longer needed.
        DeclaredLocation.objects.filter(record=record).delete()
    return paper


def declared_location(record: CustomerRecord) -> DeclaredLocation | None:
    """Where the imported register said the folder is, until the archive places it."""
    return DeclaredLocation.objects.filter(record=record).first()


def check(
    user: User,
    paper: PaperFile,
    result: str,
    note: str = "",
) -> InventoryCheck:
    record = paper.record
    policy.require(user, RecordAction.MANAGE_PAPER, record)
    with transaction.atomic():
        row = InventoryCheck.objects.create(
            paper_file=paper, result=result, note=note.strip(), checked_by=user
        )
        audit.record(
            user,
            "record.inventory_check",
            target=record,
            result=result,
        )
        if row.reported:
            incidents.report(
                user,
                kind="loss",
                description=(
                    f"盘点发现纸质档案{chinese(InventoryResult(result).label)}："
                    f"{record.archive_number}，{paper.room} {paper.cabinet} {paper.shelf}。"
                    + (f"备注：{row.note}" if row.note else "")
                ),
                occurred_at=timezone.now(),
                archive_numbers=[record.filed_number],
            )
    return row


def cover_sheet(user: User, record: CustomerRecord) -> bytes:
    """A one-page A4 PDF for the folder: mark, archive number, department, handler, location."""
    policy.require(user, RecordAction.MANAGE_PAPER, record)
    paper = PaperFile.objects.filter(record=record).select_related("custodian").first()
    doc = Document(
        f"{record.archive_number} 档案封面",
        footer="本档案属公司保密资料，未经批准不得借阅、复制或带离档案室。",
        numbered=False,
    )
    doc.new_page()
    mark = MARKS[Tier(record.tier)]
    box = doc.canvas
    box.setStrokeColorRGB(*CONFIDENTIAL_RED)
    box.setLineWidth(3)
    box.rect(20 * mm, HEIGHT - 70 * mm, WIDTH - 40 * mm, 40 * mm)
    doc.y = HEIGHT - 57 * mm
    doc.text(mark, size=40, centred=True, red=True, gap=43 * mm)
    doc.text("客户档案", size=26, centred=True, gap=18 * mm)
    doc.text(record.archive_number or "", size=22, centred=True, gap=27 * mm)
    lines = [
        ("密级", f"{mark}（{chinese(Tier(record.tier).label)}）"),
        ("所属部门", record.department.name),
        ("经手人", record.handler.get_full_name()),
        ("入库日期", record.reviewed_at.strftime("%Y-%m-%d") if record.reviewed_at else ""),
    ]
    if paper:
        lines += [
            ("存放位置", f"{paper.room} / {paper.cabinet} / {paper.shelf}"),
            ("保管人", paper.custodian.get_full_name()),
        ]
    printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    lines.append(("打印", f"{user.get_full_name()} {printed}"))
    doc.facts(lines, size=14, at=70, indent=20)
    data = doc.finish()
    audit.record(user, "record.cover_sheet", target=record)
    return data
