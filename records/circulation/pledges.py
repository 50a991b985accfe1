"""The exit confidentiality pledge (离职保密承诺书, R81; 003 §3.1.4, 002 ch.5 §2-3).

When someone leaves, the head who hands their files over prepares the pledge: its text names
the person and the duties that outlive their employment. The person signs it before the account
is closed, either in Baomi (they confirm it on their own page, which records the time and the
digest of the text they read) or on paper (the head uploads the signed scan, sealed like an NDA).
The hand-over of a leaver is refused until the pledge is signed; the signed pledge is then kept
with the hand-over and opens from its page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access import policy, snapshot
from access.models import ExitPledge, Handover, User
from core.canonical import content_sha256
from core.refusals import Refused
from records import crypto
from records.attachments import check_upload
from records.crypto import sealed
from records.pdf import Document, in_chinese

DUTIES = (
    "一、已将在职期间保管、使用的全部客户资料（包括纸质档案、电子文件、复制件及存储介质）完整交还"
    "公司指定人员，并办理书面交接手续；未私自带走、复制、留存或销毁任何客户资料。",
    "二、已清除个人电脑、手机、移动存储设备以及个人微信、QQ、电子邮箱等工具中存储的客户信息，"
    "并交回全部涉密载体。",
    "三、离职后，对在职期间知悉的客户资料（包括客户身份、联系方式、证件号码、财务状况、交易意向与"
    "谈判信息等）继续负有保密义务，该义务不因离职而终止。",
    "四、不以任何方式向任何第三方（包括新的工作单位和竞争对手）披露、提供客户资料，不利用客户资料为"
    "本人或他人谋取利益，不利用在职期间获取的客户信息联系、招揽公司客户。",
    "五、发现客户资料可能已经泄露时，及时告知公司信息安全负责人。",
    "六、如违反上述承诺，本人愿依照《中华人民共和国个人信息保护法》等法律法规及公司制度承担相应的"
    "法律责任和赔偿责任。",
)


def pledge_text(person: User, on: str) -> str:
    """The pledge as the person reads and signs it (Chinese, the language it is signed in)."""
    number = f"（工号 {person.employee_number}）" if person.employee_number else ""
    department = person.department.name if person.department else "公司"
    opening = (
        f"本人 {person.get_full_name()}{number}，原在{department}工作，"
        f"因离职于 {on} 办理客户资料交接。本人郑重承诺："
    )
    return "\n".join([opening, *DUTIES])


def _context(pledge: ExitPledge) -> str:
    return f"pledge:{pledge.pk}"


sealed.column(ExitPledge, "sealed_scan", _context, chunk=1)  # a scan of up to 10 MB


def waiting_for(person: User) -> ExitPledge | None:
    """The pledge prepared for ``person`` and not yet attached to a hand-over (signed or not)."""
    return ExitPledge.objects.filter(person=person, handover__isnull=True).first()


def prepare(user: User, person: User, reason: str = Handover.Reason.LEAVING) -> ExitPledge:
    """The person's pledge, prepared once: preparing again returns the one waiting. Only for
    someone leaving (``reason`` of their hand-over)."""
    if reason != Handover.Reason.LEAVING:
        raise Refused({"__all__": [_("An exit pledge is for someone leaving the company.")]})
    with transaction.atomic():
        found = waiting_for(person)
        if found is not None:
            decision = policy.decide_pledge(user, "prepare", found)
            if not decision.allowed:
                raise policy.Denied(decision)
            return found
        text = pledge_text(person, timezone.localdate().isoformat())
        pledge = ExitPledge(person=person, prepared_by=user, text=text)
        decision = policy.decide_pledge(user, "prepare", pledge)
        if not decision.allowed:
            raise policy.Denied(decision)
        pledge.text_sha256 = content_sha256({"text": text})
        try:
            with transaction.atomic():
                pledge.save()
        except IntegrityError:  # prepared at the same moment by another request
            return ExitPledge.objects.get(person=person, handover__isnull=True)
        audit.record(user, "pledge.prepared", person)
    return pledge


def require(user: User, action: str, pledge: ExitPledge) -> None:
    """Raise ``Denied`` unless the policy lets ``user`` do ``action`` to the pledge."""
    decision = policy.decide_pledge(user, action, pledge)
    if not decision.allowed:
        raise policy.Denied(decision)


def sign(user: User, pledge: ExitPledge) -> ExitPledge:
    """The person confirms the pledge in Baomi, themselves."""
    require(user, "sign", pledge)
    with transaction.atomic():
        updated = ExitPledge.objects.filter(pk=pledge.pk, signed_at__isnull=True).update(
            signed_at=timezone.now(), method=ExitPledge.Method.ACKNOWLEDGED
        )
        if updated:
            audit.record(user, "pledge.signed", pledge.person, method="acknowledged")
    snapshot.forget(user)  # the page after this asks whether a pledge still waits
    pledge.refresh_from_db()
    return pledge


def record_scan(user: User, pledge: ExitPledge, upload: UploadedFile) -> ExitPledge:
    """The head keeps the pledge signed on paper: the scan is sealed, never stored in clear."""
    require(user, "scan", pledge)
    content_type = check_upload(upload)
    upload.seek(0)
    with transaction.atomic():
        pledge.sealed_scan = crypto.seal_blob(_context(pledge), upload.read())
        pledge.scan_content_type = content_type
        pledge.method = ExitPledge.Method.SCAN
        pledge.signed_at = pledge.signed_at or timezone.now()
        pledge.recorded_by = user
        pledge.save(
            update_fields=["sealed_scan", "scan_content_type", "method", "signed_at", "recorded_by"]
        )
        audit.record(user, "pledge.signed", pledge.person, method="scan")
    return pledge


@dataclass(frozen=True)
class Scan:
    content_type: str
    data: bytes


def open_scan(user: User, pledge: ExitPledge) -> Scan | None:
    require(user, "read", pledge)
    if not pledge.sealed_scan:
        return None
    data = crypto.open_blob(_context(pledge), pledge.sealed_scan)
    audit.record(user, "pledge.read", pledge.person, format="scan")
    return Scan(pledge.scan_content_type, data)


@in_chinese
def pdf(user: User, pledge: ExitPledge) -> bytes:
    """The pledge to print and sign, or, once signed in Baomi, with when it was confirmed."""
    require(user, "read", pledge)
    doc = Document(
        "离职保密承诺书",
        heading="离职保密承诺书",
        footer="本承诺书与客户档案交接单一并存档。",
        stamp="内部资料 · 注意保密",
    )
    doc.new_page()
    for paragraph in pledge.text.split("\n"):
        doc.text(paragraph, size=11)
        doc.space(2)
    doc.space(6)
    if pledge.signed_at and pledge.method == ExitPledge.Method.ACKNOWLEDGED:
        when = timezone.localtime(pledge.signed_at).strftime("%Y-%m-%d %H:%M")
        digest = pledge.text_sha256[:16]
        doc.text(f"承诺人已于 {when} 在系统中阅读并确认本承诺书（文本摘要 {digest}）。")
    doc.signatures(["承诺人签字", "部门负责人签字"])
    data = doc.finish()
    audit.record(user, "pledge.read", pledge.person, format="pdf")
    return data
