"""Issue 16 §3, §6: a decider sees what they decide on, above the buttons, and pages explain what
the system decided (a level, a status, a mask)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from access import requests
from records import intake, review
from records.circulation import copies, lending
from tests.factories import approved, register
from tests.helpers import client_verified
from tests.records.circulation.test_borrowing import approve_all, borrow
from tests.records.circulation.test_copies import ask_copy


def test_r16_the_review_queue_tells_two_files_apart_and_says_why_their_level(sales_org):
    first = register(sales_org.sales, {"full_name": "欧阳晓梅", "id_number": "11010519491231002X"})
    second = register(sales_org.sales, {"full_name": "李雷", "mobile": "13912345678"})
    for record in (first, second):
        intake.submit(sales_org.sales, record)
    review.return_for_correction(sales_org.head, second, "请补充")
    intake.submit(sales_org.sales, second)
    page = client_verified(sales_org.head).get(reverse("records:review_queue")).content.decode()
    assert "欧**" in page  # masked customer names tell the rows apart
    assert "欧阳晓梅" not in page  # Level 1: masked even for the head
    assert "李雷" in page
    assert "ID number is filled in, which requires Level 1" in page  # why this level
    assert "returned 1 time before" in page
    assert page.index("欧**") < page.index("Open and decide")


def test_r16_the_file_page_explains_its_level_status_and_masking_and_decides_at_the_bottom(
    sales_org,
):
    record = register(sales_org.sales, {"full_name": "欧阳晓梅", "mobile": "13912345678"})
    intake.submit(sales_org.sales, record)
    page = client_verified(sales_org.head).get(reverse("records:detail", args=[record.pk]))
    body = page.content.decode()
    assert "Mobile phone is filled in, which requires Level 2" in body
    assert "the department head checks it" in body  # what "Awaiting review" means
    assert 'data-testid="masking-note"' in body
    assert body.index('data-testid="section-') < body.index('data-testid="approve"')


def test_r16_an_approver_sees_the_requesters_loans_and_refusals(lending_org):
    out = borrow(lending_org)
    approve_all(out, lending_org.head_a, lending_org.head_b)
    lending.hand_out(lending_org.archivist, out)
    out.due_on = timezone.localdate() - timedelta(days=1)
    out.save(update_fields=["due_on"])
    asked = borrow(lending_org)
    decider = next(
        person
        for person in (lending_org.head_a, lending_org.head_b)
        if requests.awaiting(person).filter(request=asked).exists()
    )
    head = client_verified(decider)
    page = head.get(reverse("requests:detail", args=[asked.pk])).content.decode()
    history = page.split('data-testid="requester-history"')[1].split("</dl>")[0]
    assert "1 loan out" in history
    assert "1 overdue" in history
    assert page.index('data-testid="requester-history"') > page.index("客户回访")


def test_r16_a_copy_shows_its_format_and_reads_delivered_after_download(lending_org):
    record = approved(lending_org.owner, lending_org.head_a, {"full_name": "欧阳晓梅"})
    copy = approve_all(ask_copy(lending_org.owner, record), lending_org.head_a)
    copies.download(lending_org.owner, copy)
    page = client_verified(lending_org.owner).get(reverse("requests:detail", args=[copy.pk]))
    body = page.content.decode()
    assert "PDF, watermarked" in body.split('data-testid="copy-format"')[1][:60]
    state = body.split('data-testid="state"')[1][:40]
    assert "Delivered" in state
    assert "Handed out" not in state
