"""The circulation part of ``seed_demo``: requests in every state, a transfer, an external share,
an emergency access and an access review, made through the services people use."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from access import reviews
from access.demo import DemoContext, register_step
from records.circulation import break_glass, copies, custody, lending, parties
from records.demo import EVIDENCE
from records.models import CustomerRecord


def seed_requests(ctx: DemoContext) -> None:
    """Borrow requests in every state: on loan, waiting for the head, waiting at the desk,
    returned, rejected."""
    from access import requests
    from access.models import AccessRequest, Medium

    if AccessRequest.objects.exists():
        ctx.out.write("requests exist already; left as they are\n")
        return
    p = ctx.people
    borrower, head, keeper, lawyer = p["li.na"], p["wang.fang"], p["liu.yang"], p["huang.qiang"]
    approved = CustomerRecord.objects.filter(department__code="sales-1", status="approved")
    by_tier = {r.tier: r for r in approved.filter(paper__isnull=False)}
    due = timezone.localdate() + timedelta(days=7)

    def ask(user, record, medium=Medium.ELECTRONIC, purpose="客户回访，核对合同条款"):
        form = lending.Ask(record.archive_number, purpose, due, medium)
        return lending.apply(user, form)

    def approve(req):
        for step in requests.awaiting(head).filter(request=req):
            requests.sign(head, step, approve=True, comment="同意，按期归还")
        return req

    on_loan = approve(ask(borrower, by_tier[3]))
    lending.hand_out(keeper, on_loan)
    waiting = ask(borrower, by_tier[2], Medium.PAPER, "核对纸质合同原件")
    at_desk = approve(ask(lawyer, by_tier[1], Medium.PAPER, "合同纠纷法律审查"))
    returned = approve(ask(borrower, by_tier[4], purpose="参考公开案例"))
    lending.hand_out(keeper, returned)
    item = returned.items.get()
    lending.take_back(keeper, returned, {item.pk: ("intact", "")})
    rejected = ask(borrower, by_tier[2], purpose="了解客户情况")
    requests.sign(
        head, requests.awaiting(head).get(request=rejected), approve=False, comment="目的不明确"
    )
    seller = p["zhang.wei"]

    def ask_copy(record, sections):
        form = lending.Ask(
            record.archive_number, "签约前核对客户需求", due, kind="copy", copy_format="pdf",
            sections=sections,
        )  # fmt: skip
        return lending.apply(seller, form)

    copied = approve(ask_copy(by_tier[2], ["identity", "transaction"]))
    copies.download(seller, copied)  # in the copy register, awaiting destruction
    top_copy = approve(ask_copy(by_tier[1], ["transaction"]))  # now awaits 陈静 (Level 1)
    today = timezone.localdate()
    design = parties.save(
        lawyer, None, name="北京匠心设计工作室", kind="design_team", contact_name="刘晓",
        contact_email="liuxiao@jiangxin.example.cn", nda_signed_on=today - timedelta(days=60),
        nda_expires_on=today + timedelta(days=305),
        nda_document=SimpleUploadedFile("保密协议.pdf", EVIDENCE, content_type="application/pdf"),
    )  # fmt: skip
    parties.save(
        lawyer,
        None,
        name="上海速达家具供应链有限公司",
        kind="supplier",
        contact_name="陈先生",
        contact_email="",
        nda_signed_on=today - timedelta(days=400),
        nda_expires_on=today - timedelta(days=35),
        nda_document=SimpleUploadedFile("保密协议.pdf", EVIDENCE, content_type="application/pdf"),
    )  # fmt: skip  (NDA expired: shares to them are refused)
    share = approve(
        lending.apply(
            seller,
            lending.Ask(
                by_tier[3].filed_number,
                "提供给设计团队做户型方案",
                due,
                kind="external_share",
                sections=["identity", "transaction"],
                external_party=design,
            ),
        )
    )  # fmt: skip  (approved by 王芳, now awaits 陈静)
    break_glass.open_file(
        p["zhao.lei"],
        by_tier[2].filed_number,
        "customer_emergency",
        "客户深夜来电称房屋漏水，经手人无法联系，需核实联系方式",
    )  # fmt: skip  (waits in the emergency access review queue)
    campaign = reviews.open_campaign(
        p["chen.jing"], f"{today.year} 年度权限复核", today + timedelta(days=14)
    )
    for item in reviews.my_items(head).filter(kind="role"):
        reviews.decide(head, item, keep=True)  # 王芳 confirmed her staff's roles; others wait
    moving = approved.filter(handler=seller, paper__isnull=True).order_by("archive_number").first()
    if moving is None:
        raise LookupError("the records demo step approves files of 张伟 without a paper folder")
    custody.offer(seller, moving, head, "客户要求由部门负责人直接跟进")  # awaits 王芳's receipt
    ctx.out.write(
        f"borrow requests: {on_loan.number} on loan to 李娜, {waiting.number} awaiting 王芳, "
        f"{at_desk.number} approved and waiting at the lending desk, {returned.number} "
        f"returned, {rejected.number} rejected; copies: {copied.number} downloaded by 张伟 "
        f"(to be destroyed by {due:%Y-%m-%d}), {top_copy.number} awaiting the security officer; "
        f"{moving.archive_number} being handed from 张伟 to 王芳; external share {share.number} "
        "to 北京匠心设计工作室 awaiting the security officer (a second party's NDA has expired); "
        f"an emergency access by 赵磊 awaiting review; access review '{campaign.name}' open\n"
    )


register_step(60, "requests", seed_requests)


def seed_pledge(ctx: DemoContext) -> None:
    """R81: 李娜 is leaving; 赵磊 prepared her exit pledge, which waits for her signature (and
    her hand-over for the folder she still has on loan)."""
    from records.circulation import pledges

    leaver = ctx.people["li.na"]
    pledge = pledges.prepare(ctx.people["zhao.lei"], leaver)
    state = "signed" if pledge.signed else "awaiting her signature"
    ctx.out.write(f"exit pledge of 李娜 prepared by 赵磊, {state}\n")


register_step(62, "exit pledge", seed_pledge)
