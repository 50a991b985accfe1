"""The report of an inventory round: a PDF to sign and file (in Chinese, like every paper form
of the archive) and an xlsx workbook of every folder, for the archive's own follow-up. Archive
numbers, locations and results only: never customer content."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

import audit
from access import policy
from access.models import User
from access.policy import Capability
from core.csvsafe import neutralise
from records.inventory.models import InventoryRound, RoundItem, RoundStatus
from records.inventory.rounds import progress
from records.models import InventoryResult
from records.pdf import Column, Document, chinese, in_chinese


def _items(found: InventoryRound) -> list[RoundItem]:
    return list(
        found.items.select_related(
            "paper_file__record", "settled_by__checked_by", "paper_file__custodian"
        ).order_by("paper_file__room", "paper_file__cabinet", "paper_file__shelf")
    )


def _when(item: RoundItem) -> str:
    check = item.settled_by
    return timezone.localtime(check.checked_at).strftime("%Y-%m-%d %H:%M") if check else ""


def pdf(user: User, found: InventoryRound) -> bytes:
    policy.require_can(user, Capability.PAPER_ARCHIVE)
    done = progress(found)
    state = "已结束" if found.status == RoundStatus.CLOSED else "进行中（未结束）"
    doc = Document(
        f"盘点报告 {found.name}",
        heading=f"档案盘点报告：{found.name}",
        footer="本报告只列档案编号、位置与结果，不含客户信息。",
    )
    doc.new_page()
    printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    doc.facts(
        [
            ("范围", "、".join(found.rooms) or "全部档案室"),
            ("档案柜", "、".join(found.cabinets) or "全部"),
            ("计划人", found.planned_by.get_full_name()),
            ("状态", state),
            ("应盘点", f"{done.total} 卷"),
            *[
                (chinese(InventoryResult(code).label), f"{n} 卷")
                for code, n in sorted(done.results.items())
            ],
            ("打印", f"{user.get_full_name()} {printed}"),
        ]
    )
    doc.space(6)
    doc.text("差异清单（每一项均已登记为事件，交信息安全负责人处理）", size=12)
    doc.space(2)
    columns = [Column("档案编号", 20), Column("位置", 55), Column("结果", 100),
               Column("说明", 125), Column("记录", 165)]  # fmt: skip
    rows = [
        [
            item.paper_file.record.archive_number or "",
            f"{item.paper_file.room} / {item.paper_file.cabinet} / {item.paper_file.shelf}",
            chinese(InventoryResult(item.settled_by.result).label),
            item.settled_by.note,
            f"{item.settled_by.checked_by.get_full_name()} {_when(item)}",
        ]
        for item in _items(found)
        if item.settled_by and item.settled_by.result != InventoryResult.FOUND
    ]
    doc.table(columns, rows or [["—", "", "无差异", "", ""]])
    doc.space(12)
    doc.text("盘点人签字：____________　　复核人签字：____________　　日期：____________")
    data = doc.finish()
    audit.record(user, "inventory.report", target=found, format="pdf")
    return data


@in_chinese
def worksheet(user: User, found: InventoryRound) -> bytes:
    """盘点表: the due list on paper, by room, cabinet and shelf, a box to tick per result, for a
    walk where a phone is not at hand; folders already recorded show their result."""
    policy.require_can(user, Capability.PAPER_ARCHIVE)
    doc = Document(
        f"盘点表 {found.name}",
        heading=f"档案盘点表：{found.name}",
        footer="本表只列档案编号与位置，不含客户信息；盘点后录入系统，与盘点报告一并存档。",
        stamp="内部资料 · 注意保管",
    )
    doc.new_page()
    printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    doc.facts(
        [
            ("范围", "、".join(found.rooms) or "全部档案室"),
            ("档案柜", "、".join(found.cabinets) or "全部"),
            ("应完成日期", found.due_on.isoformat() if found.due_on else "—"),
            ("打印", f"{user.get_full_name()} {printed}"),
        ],
        size=10,
    )
    doc.space(4)
    columns = [Column("档案编号", 20), Column("原编号", 52), Column("位置", 80),
               Column("盘点结果", 118), Column("备注", 170)]  # fmt: skip
    boxes = "□完好 □缺失 □损坏 □错位"
    rows = [
        [
            item.paper_file.record.archive_number or "",
            item.paper_file.record.old_number,
            f"{item.paper_file.room} / {item.paper_file.cabinet} / {item.paper_file.shelf}",
            chinese(InventoryResult(item.settled_by.result).label) if item.settled_by else boxes,
            "",
        ]
        for item in _items(found)
    ]
    doc.table(columns, rows or [["—", "", "", "", ""]], size=9)
    doc.space(8)
    doc.signatures(["盘点人签字", "复核人签字"])
    data = doc.finish()
    audit.record(user, "inventory.worksheet", target=found)
    return data


def workbook(user: User, found: InventoryRound) -> bytes:
    policy.require_can(user, Capability.PAPER_ARCHIVE)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Inventory"))
    sheet.append(
        [_("Archive number"), _("Old archive number"), _("Archive room"), _("Cabinet"),
         _("Shelf"), _("Result"), _("Note"), _("Checked by"), _("Checked at")]
    )  # fmt: skip
    for item in _items(found):
        folder, check = item.paper_file, item.settled_by
        sheet.append(
            [
                neutralise(value)
                for value in (
                    folder.record.archive_number,
                    folder.record.old_number,
                    folder.room,
                    folder.cabinet,
                    folder.shelf,
                    check.get_result_display() if check else _("Not yet checked"),
                    check.note if check else "",
                    check.checked_by.get_full_name() if check else "",
                    _when(item),
                )
            ]
        )
    out = io.BytesIO()
    book.save(out)
    audit.record(user, "inventory.report", target=found, format="xlsx")
    return out.getvalue()
