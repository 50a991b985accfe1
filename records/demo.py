"""The client-file part of ``seed_demo``: files in every tier and status, made through the
services people use, so the audit log tells the same story the pages show."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from access.demo import DemoContext, register_step
from records import consents, disclosure, intake, listing, paper, review
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
    listing.search(sales, top.filed_number)

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
