"""The customer-rights part of ``seed_demo``: an access report and customers' requests."""

from __future__ import annotations

from access.demo import DemoContext, register_step
from records import disclosure
from records.models import CustomerRecord


def seed_customer_rights(ctx: DemoContext) -> None:
    """A customer asked who saw their file: 陈静 (security officer) made the access report for
    the file on loan to 李娜, so the report has a borrow, its grant and views to show."""
    from access import policy
    from access.models import Grant
    from access.policy import RecordAction
    from audit.models import AuditEvent
    from records.rights import access_report

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

    from records.rights import subject_requests

    officer = ctx.people["chen.jing"]
    disclosure.view(grant.grantee, grant.record)  # 李娜 reads the borrowed file
    report = access_report.build(officer, grant.record)

    def ask(kind: str, record: CustomerRecord | None, days_ago: int, check: str):
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
