"""The client-file part of ``seed_demo``: files in every tier and status, made through the
services people use, so the audit log tells the same story the pages show."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from access import reviews
from access.demo import DemoContext, register_step
from records import (
    break_glass,
    consents,
    copies,
    custody,
    disclosure,
    intake,
    lending,
    listing,
    paper,
    parties,
    review,
)
from records.consents import ConsentTerms
from records.fields import Category
from records.models import CustomerRecord
from records.samples import Samples

EVIDENCE = b"%PDF-1.4\n% Baomi demo: scanned consent form\n%%EOF\n"
GENERAL = [c.value for c in Category if c.value not in {"id_number", "bank_account", "special"}]


def _terms(public: bool = False) -> ConsentTerms:
    return ConsentTerms(
        purpose="购房及相关服务",
        scope=GENERAL,
        sensitive_scope=["id_number", "bank_account"],
        method="paper",
        obtained_at=timezone.localdate() - timedelta(days=3),
        public_disclosure=public,
    )


def _register(user, content, kind="person", public=False, tier=None) -> CustomerRecord:
    return intake.create(
        user,
        intake.Metadata(
            kind=kind,
            source="walk_in",
            acquired_at=timezone.localdate() - timedelta(days=3),
            tier=tier,
        ),
        content,
        _terms(public),
        evidence=SimpleUploadedFile("同意书.pdf", EVIDENCE, content_type="application/pdf"),
    )


def _approve(handler, head, record) -> CustomerRecord:
    intake.submit(handler, record)
    review.approve(head, record)
    record.refresh_from_db()
    return record


def seed_records(ctx: DemoContext) -> None:
    if CustomerRecord.objects.exists():
        ctx.out.write("client files exist already; left as they are\n")
        return
    p = ctx.people
    sales, head, other_sales, other_head = p["zhang.wei"], p["wang.fang"], p["li.na"], p["zhao.lei"]
    samples = Samples(seed=2026)

    top = _approve(sales, head, _register(sales, samples.person(1)))
    second = _approve(sales, head, _register(sales, samples.person(2)))
    third = _approve(sales, head, _register(sales, samples.person(3)))
    company = _approve(
        sales,
        head,
        _register(
            sales,
            {
                "full_name": "北京安居装饰工程有限公司",
                "address_region": "北京市朝阳区",
                "needs": "样板间软装合作，公开案例",
            },
            kind="company",
            public=True,
        ),
    )
    pending = _register(sales, samples.person(1))
    intake.submit(sales, pending)  # awaits wang.fang
    returned = _register(sales, samples.person(2))
    intake.submit(sales, returned)
    review.return_for_correction(head, returned, "预算与谈判记录不一致，请与客户确认后修改。")
    _register(sales, samples.person(3))  # a draft, still being written
    raised = _approve(sales, head, _register(sales, samples.person(3), tier=2))
    withdrawn = _approve(sales, head, _register(sales, samples.person(2)))
    consents.withdraw(sales, withdrawn)

    intake.add_communication(
        sales,
        top,
        occurred_at=date.today(),
        channel="visit",
        summary="带看两套房源，客户倾向 A 户型",
    )
    disclosure.view(head, top)
    disclosure.reveal(head, top, ["mobile"], "customer_contact", "回访客户")
    listing.search(sales, top.archive_number)

    archivist = p["liu.yang"]
    for shelf, record in enumerate((top, second, third, company), start=1):
        folder = paper.register_location(
            archivist, record, room="档案室A", cabinet="03", shelf=str(shelf), custodian=archivist
        )
    paper.check(archivist, folder, "found")
    paper.cover_sheet(archivist, top)

    other = _approve(other_sales, other_head, _register(other_sales, samples.person(1)))
    intake.submit(other_sales, _register(other_sales, samples.person(2)))  # awaits zhao.lei

    made = CustomerRecord.objects.count()
    ctx.out.write(
        f"{made} client files: approved {top.archive_number} (Level 1), {second.archive_number} "
        f"(Level 2), {third.archive_number} (Level 3), {company.archive_number} (public), "
        f"{raised.archive_number} (raised to Level 2), {withdrawn.archive_number} (consent "
        f"withdrawn), {other.archive_number} (销售二部); two awaiting review, one returned, "
        "one draft; four folders placed in 档案室A\n"
    )


register_step(50, "records", seed_records)


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
                by_tier[3].archive_number,
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
        by_tier[2].archive_number,
        "customer_emergency",
        "客户深夜来电称房屋漏水，经手人无法联系，需核实联系方式",
    )  # fmt: skip  (waits in the emergency access review queue)
    campaign = reviews.open_campaign(
        p["chen.jing"], f"{today.year} 年度权限复核", today + timedelta(days=14)
    )
    for item in reviews.my_items(head).filter(kind="role"):
        reviews.decide(head, item, keep=True)  # 王芳 confirmed her staff's roles; others wait
    moving = approved.filter(handler=seller, paper__isnull=True).order_by("archive_number").first()
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


def seed_customer_rights(ctx: DemoContext) -> None:
    """A customer asked who saw their file: 陈静 (security officer) made the access report for
    the file on loan to 李娜, so the report has a borrow, its grant and views to show."""
    from access import policy
    from access.models import Grant
    from access.policy import RecordAction
    from audit.models import AuditEvent
    from records import access_report

    if AuditEvent.objects.filter(action="record.access_report").exists():
        ctx.out.write("an access report exists already; left as it is\n")
        return
    loans = Grant.objects.active().filter(source_request__isnull=False).select_related("record")
    grant = next(
        (g for g in loans if policy.decide(g.grantee, RecordAction.VIEW, g.record).allowed), None
    )
    if grant is None:
        return
    from datetime import timedelta

    from django.utils import timezone

    from records import subject_requests

    officer = ctx.people["chen.jing"]
    disclosure.view(grant.grantee, grant.record)  # 李娜 reads the borrowed file
    report = access_report.build(officer, grant.record)

    def ask(kind: str, record: CustomerRecord, days_ago: int, check: str):
        return subject_requests.register(
            officer,
            subject_requests.Intake(
                kind=kind, channel="in_person",
                received_on=timezone.localdate() - timedelta(days=days_ago),
                identity_check=check, record=record,
            ),
        )  # fmt: skip

    seen = ask("access", grant.record, 2, "柜台核对身份证原件，与档案一致")
    subject_requests.answer(officer, seen, "如需复印件，请携带身份证到门店领取。")
    others = CustomerRecord.objects.filter(status="approved").exclude(pk=grant.record.pk)
    late = ask("withdraw", others.first(), 30, "回拨档案中的手机号核对")
    waiting = ask("delete", others.last(), 1, "客户来信，附身份证复印件")
    ctx.out.write(
        f"customer rights: access report for {grant.record.archive_number} "
        f"({len(report.rows)} entries) answered as {seen.number}; {late.number} (withdrawal) "
        f"overdue; {waiting.number} (deletion) open\n"
    )


register_step(75, "customer rights", seed_customer_rights)
