"""Records of processing activities and the impact assessment (PIPL Art. 54-56, GB/T 35273
§11.3; issue 9 §4), generated from what the system itself knows: the data categories and fields
it holds (records/fields.py), the purposes customers consented to, the classification levels,
the external parties files may be delivered to (with their NDAs), the retention policies in
force, and the safeguards it applies. It lives in the disposal app because that app sits above
the others (it may read records, access and audit; none of them may read it).

A new version is stored when that description changes (a retention policy, a party, a purpose or
a field), not when only the figures (how many files, deliveries, requests) move: the figures are
a snapshot taken with each version. Versions are never deleted here (kept at least 3 years).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

import audit
from access import policy, purge
from access.models import AccessRequest, ExternalParty, RequestKind, User
from access.policy import Capability
from core.canonical import content_sha256
from disposal.models import ProcessingRecord, RetentionPolicy
from records.classification import Tier
from records.fields import (
    ATTACHMENT_STANDS_FOR,
    CATEGORY_LABELS,
    FIELDS,
    SENSITIVE_CATEGORIES,
    Category,
)
from records.models import Consent, CustomerRecord
from records.pdf import chinese
from records.rights.models import SubjectRequest

SAFEGUARDS = [
    "每份档案以独立数据密钥 AES-256-GCM 加密，数据密钥由分版本的主密钥封装；附件及其文件名同样加密",
    "默认脱敏显示，查看明文须说明理由并记入审计日志",
    "按岗位、部门、密级和经批准的限时授权决定访问（默认拒绝）",
    "所有查阅、明文查看、导出、审批、销毁均记入防篡改审计日志（哈希链，库外锚点）",
    "借阅、复制、对外提供须审批；对外提供仅限签有有效保密协议的单位，一次性链接加提取码",
    "双因素登录、保密承诺、会话超时、异常行为告警",
    "保存期限届满即销毁（密钥销毁），诉讼保全除外；出具销毁证明",
    "每日加密备份、异地存放、每周恢复演练",
]


def describe() -> dict[str, Any]:
    """What is processed, why, for whom, how long, how protected: the part that versions."""
    categories = []
    for category in Category:
        fields = [f for f in FIELDS if f.category == category]
        categories.append(
            {
                "code": category.value,
                "name": chinese(CATEGORY_LABELS[category]),
                "sensitive": category in SENSITIVE_CATEGORIES,
                "fields": [f.name for f in fields],
                # Attachments that show a field of this category count as this category too.
                "attachments": sorted(
                    kind
                    for kind, (name, _why) in ATTACHMENT_STANDS_FOR.items()
                    if any(f.name == name for f in fields)
                ),
            }
        )
    purposes = sorted(
        {p.strip() for p in Consent.objects.values_list("purpose", flat=True).distinct() if p}
    )
    recipients = [
        {
            "name": party.name,
            "kind": party.kind,
            "nda_valid_until": party.nda_expires_on.isoformat() if party.nda_expires_on else "",
        }
        for party in ExternalParty.objects.order_by("name")
    ]
    retention = [
        {
            "code": rule.code, "version": rule.version, "name": rule.name,
            "category": rule.category, "tier": rule.tier, "trigger": rule.trigger,
            "months": rule.months, "then": rule.end_action, "note": rule.note,
        }
        for rule in RetentionPolicy.objects.current().order_by("code")
    ]  # fmt: skip
    return {
        "activity": (
            "客户档案管理（房地产销售、中介、家装客户的登记、跟进、借阅、复制、对外提供与销毁）"
        ),
        "purposes": purposes,
        "categories": categories,
        "levels": [int(t) for t in Tier],
        "recipients": recipients,
        "retention": retention,
        # Personal data outside the files (sign-in logs, sessions, field history; issue 18 §9).
        "other_retention": [
            *purge.periods(),
            {
                "what": "已检查但未开始导入的登记表（加密保存的上传文件及检查结果）",
                "days": settings.BAOMI_KEEP_UNSTARTED_IMPORTS_DAYS,
            },
        ],
        "cross_border": "无（数据存放于境内，不向境外提供）",
        "safeguards": SAFEGUARDS,
    }


def figures() -> dict[str, Any]:
    """A snapshot of volumes for the assessment (changes daily; not versioned on its own)."""
    year_ago = timezone.now() - timedelta(days=365)
    by_level = dict(
        CustomerRecord.objects.exclude(status="destroyed")
        .values_list("tier")
        .annotate(n=Count("id"))
        .values_list("tier", "n")
    )
    sensitive = Consent.objects.exclude(sensitive_scope=[]).values("record").distinct().count()
    return {
        "files_by_level": {str(k): v for k, v in sorted(by_level.items())},
        "files_with_sensitive_data": sensitive,
        "external_deliveries_last_year": AccessRequest.objects.filter(
            kind=RequestKind.EXTERNAL_SHARE, created_at__gte=year_ago
        ).count(),
        "customer_requests_last_year": SubjectRequest.objects.filter(
            registered_at__gte=year_ago
        ).count(),
    }


def assessment(shape: dict[str, Any], counts: dict[str, Any]) -> list[str]:
    """The impact assessment's findings (PIPL Art. 55-56), in Chinese, from the facts."""
    sensitive = [c["name"] for c in shape["categories"] if c["sensitive"]]
    purposes = "；".join(shape["purposes"]) or "（尚无登记）"
    deliveries = counts["external_deliveries_last_year"]
    notes = [
        f"处理目的：{purposes}。目的明确、与客户服务直接相关。",
        f"敏感个人信息：{'、'.join(sensitive)}；须取得单独同意后方可登记（系统在保存时校验），"
        f"目前涉及 {counts['files_with_sensitive_data']} 份档案。",
        f"对外提供：{len(shape['recipients'])} 家接收方，均须有效保密协议；"
        f"过去一年对外提供 {deliveries} 次，每次经部门负责人和信息安全负责人审批。",
        "保存期限：按业务结果和密级分别设定，期满销毁（见保存规则）。",
        "风险与措施：内部人员越权查阅与批量导出为主要风险，已通过最小授权、脱敏、审计与告警控制；"
        "备份失窃风险通过独立备份密钥与档案级加密控制。",
        "结论：在上述措施下，处理活动对个人权益的影响可控。",
    ]
    return notes


def refresh(user: User | None = None, reason: str = "scheduled check") -> ProcessingRecord | None:
    """Store a new version when the description changed; None when it did not."""
    shape = describe()
    digest = content_sha256(shape)
    with transaction.atomic():
        latest = ProcessingRecord.objects.select_for_update().first()
        if latest is not None and latest.sha256 == digest:
            return None
        counts = figures()
        made = ProcessingRecord.objects.create(
            version=(latest.version + 1) if latest else 1,
            created_by=user if getattr(user, "pk", None) else None,
            reason=reason[:200],
            sha256=digest,
            content={
                **shape,
                "figures": counts,
                "assessment": assessment(shape, counts),
                "generated_at": timezone.now().isoformat(),
            },
        )
        audit.record(user, "processing.recorded", made, version=made.version, reason=reason[:200])
    return made


def exported(user: User, made: ProcessingRecord) -> bytes:
    """The version as JSON for the authority or an auditor; the export is audited."""
    policy.require_can(user, Capability.PROCESSING_RECORD)
    audit.record(user, "processing.exported", made, version=made.version)
    return json.dumps(made.content, ensure_ascii=False, indent=2, sort_keys=True).encode()
