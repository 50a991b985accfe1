"""Files, people and workflows under way for the workflow-engine tests, through the services."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from access import people, requests
from access.models import AccessRequest, Medium
from access.roles import Role
from access.workflow.table import MACHINES
from records import paper
from records.circulation import break_glass, copies, custody, lending, parties
from tests.factories import World, approved, build_world, make_person


def workflow_world() -> World:
    w = build_world()
    w.other = people.ensure_department("sales-2", "销售二部")
    w.head_b = make_person("zhao.lei", roles=[Role.DEPT_HEAD], department=w.other)
    people.set_head(w.other, w.head_b)
    w.colleague = make_person("sun.li", roles=[Role.SALES], department=w.dept)
    w.borrower = make_person("li.na", roles=[Role.SALES], department=w.other)
    w.manager = make_person("zhou.jun", roles=[Role.MANAGEMENT])
    w.auditor = make_person("yang.min", roles=[Role.AUDITOR])
    w.files = [
        approved(w.sales, w.head, {"full_name": f"客户{i}", "mobile": f"1390000{i:04d}"})
        for i in range(3)
    ]
    for n, record in enumerate(w.files):
        paper.register_location(
            w.keeper, record, room="档案室A", cabinet="1", shelf=str(n), custodian=w.keeper
        )
    today = timezone.localdate()
    w.party = parties.save(
        w.lawyer, None, name="北京匠心设计工作室", kind="design_team", contact_name="刘晓",
        contact_email="", nda_signed_on=today - timedelta(days=10),
        nda_expires_on=today + timedelta(days=300),
        nda_document=SimpleUploadedFile("nda.pdf", b"%PDF-1.4\n%%EOF\n"),
    )  # fmt: skip
    w.people = [
        w.sales, w.colleague, w.head, w.borrower, w.head_b, w.keeper, w.officer, w.lawyer,
        w.manager, w.auditor,
    ]  # fmt: skip
    return w


INITIAL = {machine.key: machine.initial for machine in MACHINES}


def states() -> dict[str, str]:
    """Every workflow object's state, by the key its audit events name it with."""
    found = {}
    for machine in MACHINES:
        rows = apps.get_model(machine.model)._default_manager.all()
        if machine.kind:
            rows = rows.filter(kind=machine.kind)
        for pk, state in rows.values_list("pk", "state"):
            found[f"{machine.key}:{pk}"] = state
    return found


def _ask(w: World, who, record, kind="borrow", medium=Medium.ELECTRONIC) -> AccessRequest:
    return lending.apply(
        who,
        lending.Ask(
            numbers=record.archive_number, purpose="测试", kind=kind, medium=medium,
            due_on=timezone.localdate() + timedelta(days=3),
            copy_format="pdf" if kind == "copy" else "",
            sections=["identity"] if kind != "borrow" else [],
            external_party=w.party if kind == "external_share" else None,
        ),
    )  # fmt: skip


def _approve(w: World, req: AccessRequest) -> AccessRequest:
    for person in (w.head, w.head_b, w.manager, w.officer):
        for step in requests.awaiting(person).filter(request=req):
            req = requests.sign(person, step, approve=True)
    return req


SETUPS = {
    "borrow asked": lambda w: _ask(w, w.borrower, w.files[0]),
    "borrow approved": lambda w: _approve(w, _ask(w, w.borrower, w.files[1])),
    "loan out": lambda w: lending.hand_out(w.keeper, _approve(w, _ask(w, w.colleague, w.files[2]))),
    "paper loan out": lambda w: lending.hand_out(
        w.keeper, _approve(w, _ask(w, w.borrower, w.files[0], medium=Medium.PAPER))
    ),
    "copy approved": lambda w: _approve(w, _ask(w, w.sales, w.files[1], kind="copy")),
    "copy made": lambda w: copies.download(
        w.sales, _approve(w, _ask(w, w.sales, w.files[2], kind="copy"))
    ),
    "share approved": lambda w: _approve(w, _ask(w, w.sales, w.files[0], kind="external_share")),
    "transfer offered": lambda w: custody.offer(w.sales, w.files[1], w.colleague, "交接"),
    "emergency open": lambda w: break_glass.open_file(
        w.head_b, w.files[2].archive_number, "customer_emergency", "客户紧急来电"
    ),
}
