"""The customer access report (PIPL Art. 45; issue 9 §1): for one client file, who registered,
approved, viewed, revealed, downloaded, copied, shared, was granted or handed it, when, and on
what basis (the approved request behind a grant, emergency access, or the person's role). Built
from the audit log alone, so it shows what happened, not what the rules would have allowed.

The customer receives it as a PDF in Chinese. Staff appear by role and department by default
(``BAOMI_ACCESS_REPORT_NAMES=roles``), by name and employee number with ``names``. It never
holds a customer value in clear: the customer's name is masked, revealed fields are named, not
shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import pgettext, pgettext_lazy

import audit
from access import policy
from access.models import Grant, User
from access.policy import Capability
from access.roles import Role
from audit.models import AuditEvent
from records.disclosure import COMMUNICATIONS_FIELD, masked_customer_name
from records.fields import ATTACHMENT_STANDS_FOR, BY_NAME
from records.models import AttachmentKind, CustomerRecord
from records.pdf import Column, Document

# What the customer is told, per kind of event. The customer's copy is in Chinese
# (``build_for_customer``); the page follows the reader's language (issue 16 §2).
KINDS: dict[str, tuple[str, Promise]] = {
    "record.create": ("registered", pgettext_lazy("access report", "Registered")),
    "record.approve": ("approved", pgettext_lazy("access report", "Approved and numbered")),
    "record.view": ("viewed", pgettext_lazy("access report", "File viewed (masked)")),
    "record.reveal": (
        "revealed",
        pgettext_lazy("access report", "Sensitive values shown in clear"),
    ),
    "record.attachment_download": (
        "downloaded",
        pgettext_lazy("access report", "Attachment downloaded"),
    ),
    "record.attachment_view": (
        "attachment_viewed",
        pgettext_lazy("access report", "Attachment viewed (watermarked)"),
    ),
    "record.export": ("exported", pgettext_lazy("access report", "Copy made")),
    "grant.issued": ("granted", pgettext_lazy("access report", "Access granted")),
    "record.transfer_received": (
        "transferred",
        pgettext_lazy("access report", "File handed over (receipt confirmed)"),
    ),
    "record.handed_over": (
        "transferred",
        pgettext_lazy("access report", "Reassigned in a hand-over"),
    ),
    "record.restricted": (
        "restricted",
        pgettext_lazy("access report", "Processing restricted (storage only)"),
    ),
    "record.destroy": ("destroyed", pgettext_lazy("access report", "Destroyed")),
}


@dataclass
class Row:
    at: datetime
    kind: str
    what: str
    who: str
    detail: str = ""
    basis: str = ""


@dataclass
class Report:
    record: CustomerRecord
    customer: str  # masked
    generated_at: datetime
    staff_as: str  # "roles" | "names"
    rows: list[Row] = field(default_factory=list)
    language: str = ""  # the language its rows were written in

    def count(self, kind: str) -> int:
        return sum(1 for row in self.rows if row.kind == kind)


def build(user: User, record: CustomerRecord) -> Report:
    """The report for one file; producing it is itself an audit event."""
    policy.require_can(user, Capability.CUSTOMER_RIGHTS)
    label = record.audit_label()
    staff_as = "names" if settings.BAOMI_ACCESS_REPORT_NAMES == "names" else "roles"
    since = record.created_at
    events = list(
        AuditEvent.objects.filter(
            Q(target_type="records.customerrecord", target_id=str(record.pk))
            | Q(action="record.export", occurred_at__gte=since)  # files listed in details
            | Q(action="grant.issued", target_type="access.grant", occurred_at__gte=since),
            action__in=KINDS,
        ).order_by("occurred_at", "id")
    )
    events = [e for e in events if _concerns(e, record, label)]
    actors = {e.actor_id for e in events if e.actor_id}
    people = {u.pk: u for u in User.objects.filter(pk__in=actors).prefetch_related("groups")}
    grants: dict[int, list[Grant]] = defaultdict(list)
    for grant in Grant.objects.filter(record=record).select_related("source_request"):
        grants[grant.grantee_id].append(grant)
    rows = [_row(e, people, grants, staff_as) for e in events]
    customer = masked_customer_name(record) or "—"
    audit.record(
        user, "record.access_report", target=record, rows=len(rows),
        staff_as=staff_as,
    )  # fmt: skip
    return Report(
        record, customer, timezone.now(), staff_as, rows, translation.get_language() or ""
    )


def _concerns(event: AuditEvent, record: CustomerRecord, label: str) -> bool:
    if event.target_type == "records.customerrecord":
        return True
    if event.action == "record.export":
        return label in (event.details.get("files") or [])
    return event.details.get("record") == label  # grant.issued


def _who(event: AuditEvent, people: dict[int, User], staff_as: str) -> str:
    if event.actor_id is None:
        party = event.details.get("party")
        return (
            pgettext("access report", "External recipient %(party)s") % {"party": party}
            if party
            else pgettext("access report", "System")
        )
    if staff_as == "names":
        if event.actor_number:
            return pgettext("access report", "%(name)s (%(number)s)") % {
                "name": event.actor_name,
                "number": event.actor_number,
            }
        return event.actor_name
    person = people.get(event.actor_id)
    held = policy.roles_of(person) if person else frozenset()
    roles = "、".join(str(role.label) for role in Role if role in held)
    return " ".join(
        part
        for part in (event.actor_department, roles or pgettext("access report", "Staff"))
        if part
    )


def _basis(event: AuditEvent, grants: dict[int, list[Grant]]) -> str:
    for grant in grants.get(event.actor_id or 0, []):
        ends = grant.revoked_at or grant.expires_at
        if grant.starts_at <= event.occurred_at <= ends:
            if grant.source == Grant.Source.BREAK_GLASS:
                return pgettext("access report", "Emergency access (reviewed afterwards)")
            number = grant.source_request.number if grant.source_request else ""
            return pgettext("access report", "Borrowing request %(number)s approved") % {
                "number": number
            }
    return pgettext("access report", "Duties of the role")


def _row(event: AuditEvent, people: dict[int, User], grants: dict, staff_as: str) -> Row:
    kind, what_label = KINDS[event.action]
    what = str(what_label)
    details = event.details
    detail, basis = "", ""
    if kind in {"viewed", "revealed", "downloaded", "attachment_viewed"}:
        basis = _basis(event, grants)
    if kind == "revealed":
        names = [
            str(
                pgettext("access report", "Communication records")
                if name == COMMUNICATIONS_FIELD
                else BY_NAME[name].label
            )
            for name in details.get("fields", [])
        ]
        detail = pgettext("access report", "Items: %(items)s") % {"items": "、".join(names)}
    elif kind in {"downloaded", "attachment_viewed"}:
        detail = _attachment_detail(details.get("kind", ""))
    elif kind == "exported":
        if event.actor_id is None:
            what = str(pgettext("access report", "Provided to an external party"))
            basis = pgettext("access report", "External provision request %(number)s approved") % {
                "number": event.target_label
            }
        else:
            detail = pgettext("access report", "Copy %(serial)s (%(format)s)") % {
                "serial": event.target_label,
                "format": details.get("format", "").upper(),
            }
            basis = str(pgettext("access report", "Copy request approved"))
    elif kind == "granted":
        number = details.get("request_number", "")
        detail = (
            pgettext("access report", "May read it for a set period (%(number)s)")
            % {"number": number}
            if number
            else str(pgettext("access report", "May read it for a set period"))
        )
        basis = str(
            pgettext("access report", "Emergency access")
            if details.get("source") == Grant.Source.BREAK_GLASS
            else pgettext("access report", "Request approved")
        )
        approved_by = pgettext("access report", "%(basis)s, approved by %(who)s") % {
            "basis": basis,
            "who": _who(event, people, staff_as),
        }
        return Row(event.occurred_at, kind, what, _grantee(details, staff_as), detail, approved_by)
    return Row(event.occurred_at, kind, what, _who(event, people, staff_as), detail, basis)


def _attachment_detail(kind: str) -> str:
    """Which attachment, and the data it shows when it stands for a field (an ID scan shows the
    ID number): the customer learns what left the system, not just that something did."""
    if kind not in AttachmentKind.values:
        return ""
    label = AttachmentKind(kind).label
    if kind in ATTACHMENT_STANDS_FOR:
        return pgettext("access report", "Attachment: %(kind)s (shows the %(field)s)") % {
            "kind": label,
            "field": BY_NAME[ATTACHMENT_STANDS_FOR[kind][0]].label,
        }
    return pgettext("access report", "Attachment: %(kind)s") % {"kind": label}


def _grantee(details: dict, staff_as: str) -> str:
    return (
        str(details.get("grantee", ""))
        if staff_as == "names"
        else str(pgettext("access report", "Approved staff"))
    )


def build_for_customer(user: User, record: CustomerRecord) -> Report:
    """The report as the customer receives it: in Chinese, whatever the staff member's page
    language (the PDF and the answer letter)."""
    with translation.override("zh-hans"):
        return build(user, record)


def render_pdf(report: Report) -> bytes:
    """The report in Chinese, one line per event, paged."""
    doc = Document(f"{report.record.archive_number or '—'} 个人信息处理情况说明")
    write(doc, report)
    return doc.finish()


def write(doc: Document, report: Report) -> None:
    """Write the report's pages into ``doc`` (also after the answer letter)."""
    if report.language != "zh-hans":
        raise ValueError("the customer's copy is built with build_for_customer (Chinese)")
    number = report.record.archive_number or "—"
    made = timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M")
    doc.section(
        heading="个人信息处理情况说明（查阅记录）", footer=f"档案编号 {number} · 生成于 {made}"
    )
    for text in (
        f"客户：{report.customer}    档案编号：{number}",
        "依据《个人信息保护法》第四十五条，本公司向您说明您的客户档案被处理的情况：",
        "谁在何时登记、审核、查阅、查看明文、复制、对外提供或移交了您的档案，以及依据。",
        "员工以岗位和部门表示。" if report.staff_as == "roles" else "员工以姓名和工号表示。",
    ):
        doc.text(text)
    doc.space(2)
    doc.table(
        [Column("时间", 15), Column("事项", 42), Column("人员", 78),
         Column("说明与依据", 130)],
        [
            (
                timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M"),
                row.what,
                row.who,
                "；".join(part for part in (row.detail, row.basis) if part),
            )
            for row in report.rows
        ],
    )  # fmt: skip
    if not report.rows:
        doc.text("暂无记录。", size=8)
    doc.space(6)
    doc.text("如有疑问，请联系本公司信息安全负责人。", size=9)
