"""The paper form of a request (issue 19 §4): 客户档案借阅申请表 (004 §3: purpose, which files and
how many, when they come back, the head's approval, the archive's hand-out and return check),
复制申请表 and 对外提供审批表, printed from the request as it stands, to sign and file.

It names archive numbers, people and dates, never customer content: what the request page shows
its reader. It carries the highest mark among its files and a QR code of the request number.
"""

from __future__ import annotations

from django.utils import timezone

import audit
from access import policy
from access.models import AccessRequest, CopyFormat, Medium, RequestKind, User
from access.policy import RequestAction
from access.roles import Role
from records.classification import Tier
from records.fields import SECTION_LABELS
from records.paper import MARKS
from records.pdf import Column, Document, chinese, in_chinese, minute

TITLES = {
    RequestKind.BORROW: "客户档案借阅申请表",
    RequestKind.COPY: "客户档案复制申请表",
    RequestKind.EXTERNAL_SHARE: "客户档案对外提供审批表",
}
DESK = "档案管理部门经办人签字"
SIGNERS = {
    RequestKind.BORROW: ["借阅人签字", "部门负责人签字", DESK, "归还清点人签字"],
    RequestKind.COPY: ["申请人签字", "部门负责人签字", DESK, "复制件销毁确认人签字"],
    RequestKind.EXTERNAL_SHARE: ["申请人签字", "部门负责人签字", "信息安全负责人签字"],
}
NOTICES = {
    RequestKind.BORROW: (
        "借阅人须在指定地点查阅，不得擅自复制、传播、篡改档案信息；如需摘录，须经档案管理部门同意。"
        "借阅结束后及时归还，档案管理部门当面清点检查。"
    ),
    RequestKind.COPY: (
        "复制件只用于上述用途，每页带有复制编号和水印；不得再复制或转交他人，"
        "使用期限届满后销毁，并在系统中确认销毁。"
    ),
    RequestKind.EXTERNAL_SHARE: (
        "对外提供须先与对方签订保密协议；只提供上述档案和范围，通过系统的一次性链接交付，"
        "对方确认收到后存档。"
    ),
}


def _asked(req: AccessRequest) -> list[tuple[str, str]]:
    requester = req.requester
    department = requester.department.name if requester.department else ""
    lines = [
        ("申请编号", req.number),
        ("申请人", f"{requester.get_full_name()} {department}".strip()),
        ("申请时间", minute(req.created_at)),
        ("当前状态", chinese(req.get_state_display())),
    ]
    if req.kind == RequestKind.BORROW:
        lines.append(("借阅方式", "纸质档案" if req.medium == Medium.PAPER else "系统内电子查阅"))
        lines.append(("预计归还日期", req.due_on.isoformat()))
    else:
        lines.append(("使用期限", req.due_on.isoformat()))
    if req.kind == RequestKind.COPY:
        lines.append(
            ("复制格式", chinese(CopyFormat(req.copy_format).label) if req.copy_format else "—")
        )
        known = {str(section): label for section, label in SECTION_LABELS.items()}
        parts = [chinese(known[s]) for s in req.sections if s in known]
        lines.append(("复制范围", "、".join(parts) or "全部内容"))
    if req.external_party:
        lines.append(("提供对象", req.external_party.name))
    return lines


@in_chinese
def request_form(user: User, req: AccessRequest) -> bytes:
    """The form of ``req`` as it stands today: blank lines where nobody has signed yet."""
    policy.require_request(user, RequestAction.VIEW, req)
    items = list(req.items.select_related("record__department").order_by("record__archive_number"))
    top = min((item.record.tier for item in items), default=Tier.SENSITIVE)
    mark = MARKS[Tier(top)]
    title = TITLES[RequestKind(req.kind)]
    doc = Document(
        f"{title} {req.number}",
        heading=title,
        footer=f"{mark} · 本表只列档案编号，不含客户信息；审批后交档案管理部门留存。",
        stamp=f"{mark} · 注意保密",
    )
    doc.new_page()
    doc.qr(req.number)
    doc.facts(_asked(req), size=10, at=50)
    doc.space(3)
    doc.text(f"用途：{req.purpose}", size=10)
    doc.space(4)
    doc.text(f"申请的档案（共 {len(items)} 份）", size=12)
    # What the request page shows of each file, no more (its handler is not on it).
    columns = [Column("档案编号", 20), Column("所属部门", 58), Column("密级", 95),
               Column("借出", 128), Column("归还", 160)]  # fmt: skip
    rows = [
        [
            item.record.archive_number or "",
            item.record.department.name,
            MARKS[Tier(item.record.tier)],
            minute(item.handed_out_at),
            " ".join(
                part
                for part in (minute(item.returned_at), chinese(item.get_return_condition_display()))
                if part
            ),
        ]
        for item in items
    ]
    doc.table(columns, rows or [["—", "", "", "", ""]], size=8)
    doc.space(4)
    doc.text("审批记录", size=12)
    approvals = [
        [
            str(step.step),
            " · ".join(
                part
                for part in (step.department.name if step.department else "",
                             chinese(Role(step.role).label))
                if part
            ),
            step.decided_by.get_full_name() if step.decided_by else "",
            chinese(step.get_decision_display()),
            minute(step.decided_at),
            step.comment,
        ]
        for step in req.approvals.select_related("department", "decided_by")
    ]  # fmt: skip
    columns = [Column("步骤", 20), Column("审批人", 32), Column("签批人", 80), Column("决定", 105),
               Column("时间", 130), Column("意见", 160)]  # fmt: skip
    doc.table(columns, approvals or [["—", "", "", "", "", ""]], size=8)
    doc.space(4)
    doc.text(NOTICES[RequestKind(req.kind)], size=9)
    doc.signatures(SIGNERS[RequestKind(req.kind)])
    printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    doc.space(2)
    doc.text(f"打印：{user.get_full_name()} {printed}", size=8)
    data = doc.finish()
    audit.record(user, "request.form_printed", target=req)
    return data
