"""销毁清单 (R61, issue 19 §4): a disposal batch's files on paper, for the signers to check
against the folders before anything is destroyed, and to file with the certificate after.

Archive numbers, levels, the retention rule and due date of each file, and the signatures the
batch needs: never customer content. The highest level among the files sets the mark; a QR code
carries the batch number.
"""

from __future__ import annotations

from django.utils import timezone

import audit
from access import policy
from access.models import User
from disposal.models import DisposalBatch, DisposalItem, RetentionPolicy
from records.classification import Tier
from records.paper import MARKS
from records.pdf import Column, Document, chinese, in_chinese, minute

SIGNERS = {
    "head": "部门负责人签字",
    "archivist": "档案管理员签字",
    "officer": "信息安全负责人签字",
}


@in_chinese
def destruction_list(user: User, batch: DisposalBatch) -> bytes:
    """The list as the batch stands, for those who see the batch (its signers)."""
    if not policy.disposal_batches(user, DisposalBatch.objects.filter(pk=batch.pk)).exists():
        raise policy.Denied(policy.refusal(policy.Capability.DISPOSAL_DESK))
    items = list(
        batch.items.filter(active=True)
        .select_related("record", "record__paper")
        .order_by("record__archive_number")
    )
    top = min((item.record.tier for item in items), default=Tier.SENSITIVE)
    mark = MARKS[Tier(top)]
    doc = Document(
        f"销毁清单 {batch.number}",
        heading="客户档案销毁清单",
        footer=f"{mark} · 本清单只列档案编号，不含客户信息；销毁后与销毁凭证一并存档。",
        stamp=f"{mark} · 注意保密",
    )
    doc.new_page()
    doc.qr(batch.number)
    doc.facts(
        [
            ("批次编号", batch.number),
            ("所属部门", batch.department.name),
            ("状态", chinese(batch.get_state_display())),
            ("提出时间", minute(batch.proposed_at)),
            ("档案数量", f"{len(items)} 份"),
            ("打印", f"{user.get_full_name()} {minute(timezone.now())}"),
        ],
        size=10,
    )
    doc.space(4)
    columns = [Column("档案编号", 20), Column("密级", 52), Column("保存规则", 78),
               Column("到期日", 130), Column("纸质档案", 152), Column("销毁时间", 172)]  # fmt: skip
    rows = [
        [
            item.record.archive_number or "",
            MARKS[Tier(item.record.tier)],
            RetentionPolicy.words_for(item.policy) or item.policy,
            item.due_on.isoformat(),
            _paper(item),
            minute(item.executed_at),
        ]
        for item in items
    ]
    doc.table(columns, rows or [["—", "", "", "", "", ""]], size=8)
    doc.space(4)
    doc.text(
        "签字人须逐份核对清单与实物；纸质档案须在监销人见证下粉碎，电子档案由系统销毁其密钥。",
        size=9,
    )
    signed = {
        "head": (batch.head_signed_by, batch.head_signed_at),
        "archivist": (batch.archivist_signed_by, batch.archivist_signed_at),
        "officer": (batch.officer_signed_by, batch.officer_signed_at),
    }
    required = ["head", "archivist", *(["officer"] if batch.needs_officer() else [])]
    for role in required:
        who, when = signed[role]
        if who:
            doc.text(f"{SIGNERS[role]}：{who.get_full_name()}（系统签批 {minute(when)}）", size=10)
    doc.signatures([SIGNERS[role] for role in required if not signed[role][0]] + ["监销人签字"])
    data = doc.finish()
    audit.record(user, "disposal.list_printed", target=batch)
    return data


def _paper(item: DisposalItem) -> str:
    if item.paper_shredded_at:
        return "已粉碎"
    # A file without a folder has no ``paper`` (the reverse one-to-one raises AttributeError).
    return "有" if item.had_paper or hasattr(item.record, "paper") else "无"
