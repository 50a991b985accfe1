"""客户信息登记表 (001 §1, issue 19 §4): the customer's information as the file holds it, printed
for the customer to check and sign, with the consent they gave.

It prints what the person printing may see on the file page and nothing more: a value masked
for them stays masked on paper (the customer checks it against the document they hold). The
form carries the file's confidentiality mark and a QR code of its archive number, and the
printing is an audit event, because personal data leaves the screen for paper.
"""

from __future__ import annotations

from django.utils import timezone

import audit
from access import policy
from access.models import User
from records import consents, masking
from records import content as record_content
from records.classification import Tier
from records.fields import CATEGORY_LABELS
from records.models import CustomerRecord
from records.paper import MARKS
from records.pdf import Column, Document, chinese, in_chinese

CONFIRMATION = (
    "本人确认以上信息真实、准确、完整，知悉并同意公司为上述目的、在上述范围内收集和使用本人信息。"
    "公司承诺对上述信息严格保密，未经本人同意不向第三方提供，法律法规另有规定的除外。"
)


def _categories(codes: list[str]) -> str:
    known = {str(category): label for category, label in CATEGORY_LABELS.items()}
    labels = [chinese(known[code]) for code in codes if code in known]
    return "；".join(labels) or "—"


def registration_form(user: User, record: CustomerRecord) -> bytes:
    """The form for the customer to confirm and sign; the handler and the head print it. A
    refusal is told in the person's language; the form itself is in Chinese."""
    decision = policy.decide_registration_form(user, record)
    if not decision.allowed:
        raise policy.Denied(decision)
    return _drawn(user, record)


@in_chinese
def _drawn(user: User, record: CustomerRecord) -> bytes:
    content = record_content.read(record)
    sections = masking.show(content, clear=policy.clear_fields(user, record))
    mark = MARKS[Tier(record.tier)]
    doc = Document(
        f"客户信息登记表 {record.archive_number or ''}".strip(),
        heading="客户信息登记表",
        footer=f"{mark} · 本表含客户个人信息，请妥善保管，用后归档，不得复制或带离公司。",
        stamp=f"{mark} · 注意保密",
    )
    doc.new_page()
    if record.archive_number:
        doc.qr(record.archive_number)
    printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    doc.facts(
        [
            ("档案编号", record.archive_number or "尚未编号（待审核）"),
            ("客户类型", chinese(record.get_kind_display())),
            ("所属部门", record.department.name),
            ("经手人", record.handler.get_full_name()),
            ("信息来源", chinese(record.get_source_display())),
            ("获取日期", record.acquired_at.isoformat()),
            ("密级", f"{mark}（{chinese(Tier(record.tier).label)}）"),
            ("打印", f"{user.get_full_name()} {printed}"),
        ],
        size=10,
        at=45,
    )
    masked = False
    for section in sections:
        doc.space(4)
        doc.text(chinese(section.label), size=12)
        rows = [[chinese(row.field.label), chinese(row.text)] for row in section.rows]
        masked = masked or any(row.masked for row in section.rows)
        doc.table([Column("项目", 20), Column("内容", 70)], rows, size=9)
    if masked:
        doc.space(2)
        doc.text("注：带星号或圆点的内容按打印人的权限已遮蔽；请客户对照本人证件核对。", size=8)
    consent = consents.current(record)
    doc.space(4)
    doc.text("客户授权（同意）", size=12)
    if consent and consent.is_active:
        rows = [
            ["处理目的", consent.purpose],
            ["同意的信息类别", _categories(consent.scope)],
            ["单独同意的敏感信息", _categories(consent.sensitive_scope)],
            ["同意方式", chinese(consent.get_method_display())],
            ["同意日期", consent.obtained_at.isoformat()],
        ]
        doc.table([Column("项目", 20), Column("内容", 70)], rows, size=9)
    else:
        doc.text("本档案尚无有效的客户同意记录：请客户在下方签字确认后，由经手人登记。", size=9)
    doc.space(4)
    doc.text(CONFIRMATION, size=10)
    doc.space(2)
    doc.signatures(["客户（或授权代表）签字", "经手人签字"])
    data = doc.finish()
    audit.record(user, "record.registration_form", target=record, tier=record.tier)
    return data
