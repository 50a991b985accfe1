"""Issue 19 §4: the printable standard forms (客户信息登记表, 借阅申请表, 复制申请表, 盘点表,
销毁清单): Chinese PDFs generated from the file or the request, with the confidentiality mark, a
signature line and, for a file's or a request's form, its number under a QR code; each shows no
value its reader may not see, is refused to whoever may not see the page it belongs to, and is
an audit event."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from access.models import Department
from access.roles import Role
from audit.models import AuditEvent
from disposal import sweep
from disposal.models import BatchState, DisposalBatch
from records import consents, paper
from records.circulation import lending
from records.inventory import rounds
from records.models import InventoryResult
from tests.factories import PERSON, approved, make_due, make_person, read_grant
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _printed(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_R19_4_the_registration_form_prints_what_the_handler_sees_for_the_customer_to_sign(
    archive_staff,
):
    w = archive_staff
    record = approved(w.sales, w.head)
    text = _text(
        client_verified(w.sales).get(reverse("records:registration_form", args=[record.pk]))
    )
    assert "客户信息登记表" in text
    assert "机密 ★ 二级" in text or "绝密 ★ 一级" in text  # the file's mark
    assert text.count(record.archive_number) >= 2  # the facts and the number under the QR code
    assert "客户（或授权代表）签字" in text
    assert "购房及相关服务" in text  # the consent's purpose, for the customer to confirm
    # The ID number and the bank card are masked for everyone until revealed: not on paper.
    assert PERSON["id_number"] not in text
    assert PERSON["bank_card"] not in text
    assert PERSON["id_number"][-4:] in text or "*" in text
    assert _printed("record.registration_form") == 1


def test_R19_4_the_registration_form_is_refused_to_someone_who_does_not_collect_consent(
    archive_staff,
):
    w = archive_staff
    record = approved(w.sales, w.head)
    other = Department.objects.create(code="deco", name="装饰部")
    stranger = make_person("li.na", roles=[Role.SALES], department=other)
    url = reverse("records:registration_form", args=[record.pk])
    # Someone who may not know of the file gets the page of a file that does not exist, as on
    # the file page; someone who reads it on loan is told they do not collect its consent.
    assert client_verified(stranger).get(url).status_code == 404
    read_grant(stranger, record, w.head)
    assert client_verified(stranger).get(url).status_code == 403
    assert _printed("record.registration_form") == 0


def test_R11_a_withdrawn_consent_is_not_printed_for_the_customer_to_sign(archive_staff):
    """The form asks the customer to confirm the consent on it; after they withdrew it the file
    is kept, not processed (PIPL Art. 15): no printing, the reason given, no link to print."""
    w = archive_staff
    record = approved(w.sales, w.head)
    consents.withdraw(w.sales, record)
    sales = client_verified(w.sales)
    response = sales.get(reverse("records:registration_form", args=[record.pk]))
    assert response.status_code == 403
    assert "withdrew consent" in response.content.decode()
    assert _printed("record.registration_form") == 0
    page = sales.get(reverse("records:detail", args=[record.pk])).content.decode()
    assert 'data-testid="registration-form"' not in page


def _ask(w, kind: str = "borrow", **extra):
    record = approved(w.sales, w.head)
    paper.register_location(
        w.keeper, record, room="档案室A", cabinet="01", shelf="1", custodian=w.keeper
    )
    return record, lending.apply(
        w.sales,
        lending.Ask(
            numbers=record.archive_number,
            purpose="核对合同附件",
            due_on=timezone.localdate() + timedelta(days=5),
            kind=kind,
            **extra,
        ),
    )


def test_R19_4_the_borrow_form_carries_the_request_as_004_asks(archive_staff):
    w = archive_staff
    record, req = _ask(w, medium="paper")
    text = _text(client_verified(w.sales).get(reverse("requests:form_pdf", args=[req.pk])))
    assert "客户档案借阅申请表" in text
    assert text.count(req.number) >= 2
    for expected in (record.archive_number, "核对合同附件", "预计归还日期", "纸质档案",
                     "部门负责人签字", "归还清点人签字", "待审批"):  # fmt: skip
        assert expected in text, expected
    assert PERSON["full_name"] not in text  # archive numbers, never customer content
    assert _printed("request.form_printed") == 1
    stranger = make_person("li.na", roles=[Role.SALES], department=w.dept)
    refused = client_verified(stranger).get(reverse("requests:form_pdf", args=[req.pk]))
    assert refused.status_code == 403


def test_R19_4_the_copy_form_names_the_format_and_the_excerpt(archive_staff):
    w = archive_staff
    _record, req = _ask(w, kind="copy", copy_format="pdf", sections=["contact"])
    text = _text(client_verified(w.head).get(reverse("requests:form_pdf", args=[req.pk])))
    assert "客户档案复制申请表" in text
    assert "复制格式" in text
    assert "复制件销毁确认人签字" in text


def test_R19_4_the_inventory_worksheet_lists_every_folder_with_boxes_to_tick(archive_staff):
    w = archive_staff
    numbers = []
    for shelf in ("1", "2"):
        record = approved(w.sales, w.head)
        paper.register_location(
            w.keeper, record, room="档案室A", cabinet="03", shelf=shelf, custodian=w.keeper
        )
        numbers.append(record.archive_number)
    found = rounds.plan(w.keeper, name="年度盘点", rooms=["档案室A"], cabinets=[], due_on=None)
    rounds.record(w.keeper, found, numbers[0], InventoryResult.FOUND, "")
    text = _text(
        client_verified(w.keeper).get(reverse("records:inventory_worksheet", args=[found.pk]))
    )
    assert "档案盘点表" in text
    assert all(number in text for number in numbers)
    assert "□完好 □缺失 □损坏 □错位" in text  # the folder still to check
    assert "盘点人签字" in text
    assert _printed("inventory.worksheet") == 1
    assert (
        client_verified(w.sales)
        .get(reverse("records:inventory_worksheet", args=[found.pk]))
        .status_code
        == 403
    )


def test_R19_4_the_destruction_list_names_the_batch_files_and_its_signers(archive_staff):
    w = archive_staff
    due = make_due(approved(w.sales, w.head))
    sweep.propose_due()
    batch = DisposalBatch.objects.get(state=BatchState.PROPOSED)
    text = _text(client_verified(w.keeper).get(reverse("disposal:list_pdf", args=[batch.pk])))
    assert "客户档案销毁清单" in text
    assert text.count(batch.number) >= 2
    assert due.archive_number in text
    assert "部门负责人签字" in text
    assert "监销人签字" in text
    assert PERSON["full_name"] not in text
    assert _printed("disposal.list_printed") == 1
    assert (
        client_verified(w.sales).get(reverse("disposal:list_pdf", args=[batch.pk])).status_code
        == 403
    )
