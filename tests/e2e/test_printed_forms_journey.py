"""Issue 19 §4 in a browser: each standard form is offered on the page it belongs to and prints
as a Chinese PDF, in either page language, at desktop width and on a 390 px phone: the handler
prints the customer registration form from the file, the borrower the borrow form from the
request, the archivist the inventory worksheet from the round and the destruction list from the
batch."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from disposal import sweep
from disposal.models import DisposalBatch
from records import paper
from records.circulation import lending
from records.inventory import rounds
from tests.e2e.journey_checks import (
    Words,
    assert_fits_and_reads,
    on_every_screen,
)
from tests.factories import approved, build_world, make_due

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _printed(page, live_server, testid: str) -> str:
    """Follow the page's print link as the browser would (same session) and read the PDF."""
    link = page.locator(f"[data-testid={testid}]")
    assert link.is_visible()
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.body())).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


@on_every_screen
def test_r19_4_each_form_prints_from_its_page(live_server, signed_in, width, say: Words):
    world = build_world()
    record = approved(world.sales, world.head)
    paper.register_location(
        world.keeper, record, room="档案室A", cabinet="01", shelf="1", custodian=world.keeper
    )
    req = lending.apply(
        world.sales,
        lending.Ask(
            numbers=record.archive_number,
            purpose="核对合同附件",
            due_on=timezone.localdate() + timedelta(days=5),
            medium="paper",
        ),
    )
    sales = signed_in(world.sales, locale=say.locale, width=width)
    sales.goto(f"{live_server.url}/records/{record.pk}/")
    assert say("打印客户信息登记表", "Print the registration form") in sales.inner_text(
        "[data-testid=registration-form]"
    )
    assert_fits_and_reads(sales, say, allowed=("example.cn",))  # the customer's (masked) e-mail
    form = _printed(sales, live_server, "registration-form")
    assert "客户信息登记表" in form
    assert record.archive_number in form

    sales.goto(f"{live_server.url}/requests/{req.pk}/")
    assert_fits_and_reads(sales, say)
    assert "客户档案借阅申请表" in _printed(sales, live_server, "request-form")

    found = rounds.plan(world.keeper, name="年度盘点", rooms=["档案室A"], cabinets=[], due_on=None)
    keeper = signed_in(world.keeper, locale=say.locale, width=width)
    keeper.goto(f"{live_server.url}/records/inventory/{found.pk}/")
    assert_fits_and_reads(keeper, say)
    sheet = _printed(keeper, live_server, "round-worksheet")
    assert "档案盘点表" in sheet
    assert record.archive_number in sheet

    make_due(approved(world.sales, world.head))
    sweep.propose_due()
    batch = DisposalBatch.objects.get()
    keeper.goto(f"{live_server.url}/disposal/batches/{batch.pk}/")
    assert_fits_and_reads(keeper, say)
    assert "客户档案销毁清单" in _printed(keeper, live_server, "destruction-list")
