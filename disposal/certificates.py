"""Destruction certificates (R61, 凭证): the evidence kept after the files are gone.

The content is plain data (what, why, who, how, when, the audit event range), hashed with
SHA-256 over its canonical JSON; the PDF renders the same content with Chinese text. Issued once
per batch, when every file is destroyed and every paper folder shredded before a witness.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

import audit
from access.models import User
from audit.models import AuditEvent
from core.canonical import content_sha256
from disposal.models import DestructionCertificate, DisposalBatch
from records.classification import Tier
from records.paper import MARKS
from records.pdf import Column, Document


def _person(user: User | None) -> str:
    return user.audit_label() if user else ""


def content_of(batch: DisposalBatch) -> dict[str, Any]:
    items = list(
        batch.items.filter(active=True, executed_at__isnull=False)
        .select_related("record", "paper_shredded_by", "paper_witness")
        .order_by("record__archive_number")
    )
    removed = batch.items.filter(active=False).select_related("record")
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    tiers: dict[str, int] = {}
    for item in items:
        tiers[str(item.record.tier)] = tiers.get(str(item.record.tier), 0) + 1
    from access.models import CopyRegisterEntry

    copies = sorted(
        set(
            CopyRegisterEntry.objects.filter(
                request__items__record__in=[i.record for i in items], destroyed_at__isnull=True
            ).values_list("serial", flat=True)
        )
    )
    return {
        "batch": batch.number,
        "department": batch.department.name,
        "files": [
            {
                "archive_number": i.record.archive_number,
                "tier": i.record.tier,
                "policy": i.policy,
                "due_on": i.due_on.isoformat(),
                "destroyed_at": timezone.localtime(i.executed_at).isoformat(timespec="seconds"),
                "paper": (
                    {
                        "shredded_at": timezone.localtime(i.paper_shredded_at).isoformat(
                            timespec="seconds"
                        ),
                        "by": _person(i.paper_shredded_by),
                        "witness": _person(i.paper_witness),
                    }
                    if i.had_paper
                    else None
                ),
            }
            for i in items
        ],
        "counts": {"files": len(items), "by_tier": tiers},
        "kept_out": [
            {"archive_number": i.record.archive_number, "reason": i.removed_reason} for i in removed
        ],
        "approved_by": {
            "head": _person(batch.head_signed_by),
            "archivist": _person(batch.archivist_signed_by),
            "officer": _person(batch.officer_signed_by),
        },
        "executed_by": _person(batch.executed_by),
        "executed_at": timezone.localtime(batch.executed_at).isoformat(timespec="seconds"),
        "methods": [
            "crypto-shredding: per-file AES-256 data key destroyed, ciphertexts and blind "
            "indexes blanked",
            "attachment files deleted from storage",
            "paper folders cross-cut shredded before a witness",
        ],
        "copies_not_confirmed_destroyed": copies,
        "audit_events": {"first": batch.first_event_id, "last": last_event},
    }


def render(number: str, content: dict[str, Any], digest: str) -> bytes:
    doc = Document(
        f"{number} 客户档案销毁证明",
        heading="客户档案销毁证明",
        footer=f"{number} · SHA-256 {digest}",
    )
    approvers = content["approved_by"]
    for text in (
        f"证明编号：{number}    销毁批次：{content['batch']}    部门：{content['department']}",
        f"审批：部门负责人 {approvers['head']}；档案管理员 {approvers['archivist']}"
        + (f"；信息安全负责人 {approvers['officer']}" if approvers["officer"] else ""),
        f"执行：{content['executed_by']}  {content['executed_at']}",
        f"数量：{content['counts']['files']} 份",
        f"审计事件范围：#{content['audit_events']['first']} – #{content['audit_events']['last']}",
        "方式：电子档案加密销毁（销毁数据密钥，清除密文与检索索引）；附件文件删除；纸质档案见证粉碎。",
    ):
        doc.text(text)
    doc.space(3)
    rows = []
    for entry in content["files"]:
        paper = entry["paper"]
        tail = entry["destroyed_at"][:16].replace("T", " ")
        if paper:
            tail += f" / {paper['shredded_at'][:16].replace('T', ' ')} 见证 {paper['witness']}"
        rows.append(
            (entry["archive_number"] or "", MARKS[Tier(entry["tier"])], entry["policy"],
             entry["due_on"], tail)
        )  # fmt: skip
    doc.table(
        [Column("档案编号", 15), Column("密级", 45), Column("保存规则", 72),
         Column("到期日", 105), Column("销毁时间 / 纸质粉碎", 128)],
        rows,
        size=9,
    )  # fmt: skip
    if content["copies_not_confirmed_destroyed"]:
        doc.space(3)
        copies = "，".join(content["copies_not_confirmed_destroyed"])
        doc.text(f"尚未确认销毁的复制件（已催办）：{copies}", size=9)
    return doc.finish()


def issue_when_done(batch: DisposalBatch) -> DestructionCertificate | None:
    """Issue the certificate once every file is destroyed and every folder shredded."""
    with transaction.atomic():
        batch = (
            DisposalBatch.objects.select_for_update(of=("self",))
            .select_related(
                "department", "head_signed_by", "archivist_signed_by", "officer_signed_by",
                "executed_by",
            )
            .get(pk=batch.pk)
        )  # fmt: skip
        if batch.executed_at is None or hasattr(batch, "certificate"):
            return None
        active = batch.items.filter(active=True)
        if (
            active.filter(executed_at__isnull=True).exists()
            or active.filter(had_paper=True, paper_shredded_at__isnull=True).exists()
        ):
            return None
        content = content_of(batch)
        digest = content_sha256(content)
        number = f"{batch.number}-ZM"
        certificate = DestructionCertificate.objects.create(
            batch=batch,
            number=number,
            content=content,
            content_sha256=digest,
            pdf=render(number, content, digest),
        )
        audit.record(
            None,
            "disposal.certificate",
            certificate,
            batch=batch.number,
            files=content["counts"]["files"],
            sha256=digest,
        )
    return certificate
