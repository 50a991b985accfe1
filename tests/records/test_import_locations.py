"""Issue 19 §1: the register's paper-location column. The import keeps where the register says
a folder is; the archive checks the cabinet and places the folder from its page, which starts
from the register's word."""

from __future__ import annotations

import pytest

from records import review
from records.imports import samples, service, sorting
from records.imports.models import DeclaredLocation
from records.models import CustomerRecord, PaperFile
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


def test_r15_r22_the_registers_paper_location_waits_for_the_archive_to_place_the_folder(
    world, start
):
    rows = samples.person_rows(3, ["zhang.wei"])
    rows[1]["paper_location"] = "档案室B 07"  # no cabinet and shelf apart: refused, told how
    rows[2]["paper_location"] = "张三 / 13912345678 / 2"  # kept in clear: never a phone number
    batch = service.check(world.head, world.dept, samples.build({"person": rows}))
    assert batch.rejected_rows == 2
    shown = " ".join(p for item in sorting.shown_problems(batch) for p in item["problems"])
    assert "Paper folder location" in shown  # the column, and how to write it
    assert "for example 档案室A / 03 / 2" in shown
    start(world.head, batch)
    first = CustomerRecord.objects.get(old_number="2019-0001")
    declared = DeclaredLocation.objects.get(record=first)
    assert (declared.room, declared.cabinet, declared.shelf) == ("档案室A", "01", "1")
    review.approve(world.head, first)

    keeper = client_verified(world.keeper)
    page = keeper.get(f"/records/{first.pk}/paper/").content.decode()
    assert "档案室A / 01 / 1" in page  # the register's word, to check against the cabinet
    assert 'value="档案室A"' in page  # the form starts from it
    assert "register says" in keeper.get("/records/archive/?placed=no").content.decode()
    keeper.post(
        f"/records/{first.pk}/paper/",
        {"form": "location", "room": "档案室A", "cabinet": "01", "shelf": "1",
         "custodian": world.keeper.pk},
    )  # fmt: skip
    assert PaperFile.objects.filter(record=first, room="档案室A").exists()
    assert not DeclaredLocation.objects.filter(record=first).exists()
