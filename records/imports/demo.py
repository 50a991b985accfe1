"""The import part of ``seed_demo``: 王芳 brings in 销售一部's old register (issue 19 §1).

Through the services a head uses: the check refuses two rows, the commit saves the rest, she
approves the import, and the files without the place of their signed consent wait with their
handlers. The commit is the Celery task's own body, run here so the demo is complete at once."""

from __future__ import annotations

from access.demo import DemoContext, register_step
from records.imports import approval, samples, service
from records.imports.models import ImportBatch, ImportStatus


def seed_import(ctx: DemoContext) -> None:
    if ImportBatch.objects.exists():
        ctx.out.write("a register import exists already; left as it is\n")
        return
    head = ctx.people["wang.fang"]
    department = head.department
    if department is None:  # the demo's people step puts her in 销售一部
        return
    rows = samples.person_rows(24, ["zhang.wei"], seed=2018)
    rows[5]["mobile"] = "1390000"  # a mistyped mobile
    rows[11]["handler"] = "王小二"  # someone who never worked here
    batch = service.check(head, department, samples.build({"person": rows}))
    service.start(head, batch)
    batch.refresh_from_db()
    if batch.status == ImportStatus.IMPORTING:  # a broker is configured: do the worker's part
        service.run(str(batch.pk))
        batch.refresh_from_db()
    approved = approval.approve(head, batch)
    ctx.out.write(
        f"register import: {batch.total_rows} rows, {batch.rejected_rows} refused, "
        f"{approved.approved} files approved with their old numbers (2019-0001...), "
        f"{batch.awaiting_consent} waiting for consent evidence with zhang.wei\n"
    )


register_step(55, "imports", seed_import)
