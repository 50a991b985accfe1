"""The disposal part of ``seed_demo``: a due batch awaiting signatures, a destroyed batch with
its certificate, a legal hold; all through the services (real audit events)."""

from __future__ import annotations

from datetime import date

from access.demo import DemoContext, register_step
from disposal import batches, holds, sweep
from disposal.models import DisposalBatch
from records import outcome
from records.models import CustomerRecord


def seed_disposal(ctx: DemoContext) -> None:
    if DisposalBatch.objects.exists():
        ctx.out.write("disposal batches exist already; left as they are\n")
        return
    p = ctx.people
    seller, head, other_seller, other_head = (
        p["zhang.wei"], p["wang.fang"], p["li.na"], p["zhao.lei"]
    )  # fmt: skip
    keeper, officer, lawyer = p["liu.yang"], p["chen.jing"], p["huang.qiang"]
    quiet = (
        CustomerRecord.objects.filter(department__code="sales-1", status="approved")
        .filter(request_items__isnull=True, paper__isnull=True, disposal_review_requested_at=None)
        .order_by("archive_number")
    )
    due = list(quiet[:2])
    for record in due:  # deals whose contracts ended long ago: past the 5-year retention
        outcome.set_outcome(seller, record, "deal_closed", date(2020, 6, 30))
    old = CustomerRecord.objects.filter(department__code="sales-2", status="approved").first()
    if old is None:
        raise LookupError("the records demo step approves files in sales-2")
    outcome.set_outcome(other_seller, old, "deal_closed", date(2019, 12, 31))
    # The customer withdrew consent, but a lawsuit needs the file: held (kept, then restricted).
    held = CustomerRecord.objects.filter(disposal_review_requested_at__isnull=False).first()
    if held:
        holds.place(
            lawyer, reference="(2026)京0105民初8888号", reason="购房合同纠纷诉讼，保全证据",
            records=[held],
        )  # fmt: skip
    sweep.propose_due()
    waiting = DisposalBatch.objects.get(department__code="sales-1", state="proposed")
    batches.sign(head, waiting, "head")  # now waits for an archivist (and 陈静 for Level 1)
    done = DisposalBatch.objects.get(department__code="sales-2", state="proposed")
    batches.sign(other_head, done, "head")
    batches.sign(keeper, done, "archivist")
    if done.needed_signatures():
        batches.sign(officer, done, "officer")
    batches.execute(keeper, done)
    done.refresh_from_db()
    ctx.out.write(
        f"disposal: batch {waiting.number} (销售一部, {waiting.items.count()} files) signed by "
        f"王芳, awaiting the archivist; batch {done.number} destroyed with certificate "
        f"{done.certificate.number}; "
        + (f"legal hold on {held.archive_number}\n" if held else "\n")
    )


register_step(70, "disposal", seed_disposal)
