"""What the system stops doing once keeping the data no longer serves (R10, R11, PIPL Art. 15
and 19), as the people meet it, in Chinese and English, at desktop width and on a 390 px phone:
the handler of a file whose customer withdrew consent is not offered the registration form and,
asking for it by its address, is told why; a department head opens an import nobody started
within the period and reads that it was cancelled, its upload destroyed, and what to do; and
an import whose handler left after the check, and reads that the files came to her."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import User
from records import consents
from records.imports import expiry, samples, service
from records.imports.models import ImportBatch, ImportStatus
from tests.e2e.journey_checks import Words, assert_fits_and_reads, on_every_screen
from tests.factories import approved, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@on_every_screen
def test_r11_r10_a_withdrawn_consent_prints_nothing_and_a_stale_import_is_gone(
    live_server, signed_in, width, say: Words
):
    world = build_world()
    record = approved(world.sales, world.head)
    consents.withdraw(world.sales, record)
    sales = signed_in(world.sales, locale=say.locale, width=width)
    sales.goto(f"{live_server.url}/records/{record.pk}/")
    assert sales.locator("[data-testid=registration-form]").count() == 0
    assert_fits_and_reads(sales, say, allowed=("example.cn",))  # the customer's (masked) e-mail
    refused = sales.goto(f"{live_server.url}/records/{record.pk}/registration.pdf")
    assert refused.status == 403
    assert say("撤回", "withdrew consent") in sales.inner_text("main")
    assert_fits_and_reads(sales, say)

    register = samples.build({"person": samples.person_rows(3, [world.sales.username])})
    batch = service.check(world.head, world.dept, register)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=15))
    assert expiry.expire_unstarted() == 1
    head = signed_in(world.head, locale=say.locale, width=width)
    head.goto(f"{live_server.url}/records/imports/{batch.pk}/")
    status = head.inner_text("[data-testid=import-status]")
    assert say("逾期未导入", "Not imported in time") in status
    assert say("请重新上传登记簿", "Upload the register again") in status
    assert head.locator("[data-testid=import-start]").count() == 0
    assert_fits_and_reads(head, say)

    late = service.check(world.head, world.dept, register)
    world.sales.employment_status = User.EmploymentStatus.LEFT
    world.sales.save(update_fields=["employment_status"])
    # The commit's own body, as the worker runs it (no broker needed in either leg).
    ImportBatch.objects.filter(pk=late.pk).update(status=ImportStatus.IMPORTING)
    service.run(str(late.pk))
    head.goto(f"{live_server.url}/records/imports/{late.pk}/")
    given = head.inner_text("[data-testid=reassigned-rows]")
    assert say("已离职或调岗", "left or moved since the check") in given
    assert_fits_and_reads(head, say)
