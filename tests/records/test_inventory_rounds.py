"""Issue 19 §2 (R33, R85): inventory rounds. The archivist plans a round for a room, records
folders by their numbers, closes it; every discrepancy becomes an incident, and the report
lists them."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from audit.models import AuditEvent, Incident
from core.refusals import Refused
from records import paper
from records.inventory import report, rounds
from records.inventory.models import RoundStatus
from tests.factories import approved, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    """Five approved files: four folders in 档案室A (cabinets 03 and 04), one in 档案室B."""
    world = build_world()
    folders = []
    for n, (room, cabinet) in enumerate(
        [
            ("档案室A", "03"),
            ("档案室A", "03"),
            ("档案室A", "04"),
            ("档案室A", "04"),
            ("档案室B", "01"),
        ]
    ):
        record = approved(world.sales, world.head)
        folders.append(
            paper.register_location(
                world.keeper,
                record,
                room=room,
                cabinet=cabinet,
                shelf=str(n),
                custodian=world.keeper,
            )
        )
    return world, folders


def _number(folder):
    return folder.record.archive_number


def test_r33_a_round_covers_the_planned_rooms_and_cabinets(archive):
    world, _folders = archive
    whole = rounds.plan(
        world.keeper, name="2026 年度盘点", rooms=["档案室A"], cabinets=[], due_on=None
    )
    assert rounds.progress(whole).total == 4
    one = rounds.plan(
        world.keeper, name="03 柜抽查", rooms=["档案室A"], cabinets=["03"], due_on=None
    )
    places = rounds.progress(one).places
    assert [(p.room, p.cabinet, len(p.remaining)) for p in places] == [("档案室A", "03", 2)]
    with pytest.raises(Refused, match="No folder"):
        rounds.plan(world.keeper, name="x", rooms=["档案室C"], cabinets=[], due_on=None)
    assert AuditEvent.objects.filter(action="inventory.round_planned").count() == 2


def test_r33_r85_recording_and_closing_turns_every_discrepancy_into_an_incident(archive):
    world, folders = archive
    found = rounds.plan(world.keeper, name="盘点", rooms=["档案室A"], cabinets=[], due_on=None)
    rounds.record(world.keeper, found, _number(folders[0]), "found", "")
    rounds.record(world.keeper, found, _number(folders[1]).lower(), "damaged", "封面受潮")
    rounds.record(world.keeper, found, _number(folders[2]), "misplaced", "在 05 柜找到")
    with pytest.raises(Refused, match="already recorded"):
        rounds.record(world.keeper, found, _number(folders[0]), "found", "")
    with pytest.raises(Refused, match="is due in this round"):
        rounds.record(world.keeper, found, _number(folders[4]), "found", "")  # 档案室B
    assert rounds.progress(found).checked == 3
    assert Incident.objects.count() == 2
    assert rounds.close(world.keeper, found) == 1  # folders[3] was never found
    found.refresh_from_db()
    assert found.status == RoundStatus.CLOSED
    assert Incident.objects.count() == 3
    assert _number(folders[3]) in Incident.objects.order_by("-id").first().archive_numbers
    with pytest.raises(Refused, match="closed"):
        rounds.record(world.keeper, found, _number(folders[3]), "found", "")
    closed = AuditEvent.objects.get(action="inventory.round_closed").details
    assert (closed["found"], closed["damaged"], closed["misplaced"], closed["missing"]) == (
        1,
        1,
        1,
        1,
    )


def test_r33_the_round_report_lists_the_discrepancies(archive):
    world, folders = archive
    found = rounds.plan(world.keeper, name="盘点", rooms=["档案室A"], cabinets=[], due_on=None)
    rounds.record(world.keeper, found, _number(folders[0]), "found", "")
    rounds.close(world.keeper, found)
    pdf = report.pdf(world.keeper, found)
    assert pdf.startswith(b"%PDF")
    sheet = load_workbook(io.BytesIO(report.workbook(world.keeper, found))).worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    assert len(lines) == 5
    assert sorted(line[5] for line in lines[1:]) == ["Found intact"] + ["Missing"] * 3


def test_r85_the_yearly_round_is_due_until_one_is_held(archive):
    world, _folders = archive
    assert rounds.yearly_round_due()
    rounds.plan(world.keeper, name="年度", rooms=[], cabinets=[], due_on=None)
    assert not rounds.yearly_round_due()


def test_r33_only_the_archive_runs_rounds(archive):
    world, _folders = archive
    from access.policy import Denied

    with pytest.raises(Denied):
        rounds.plan(world.head, name="x", rooms=[], cabinets=[], due_on=None)


def test_r33_an_old_number_two_folders_share_asks_for_the_archive_number(archive):
    world, folders = archive
    for folder in folders[:2]:
        type(folder.record).objects.filter(pk=folder.record_id).update(old_number="0001")
    found = rounds.plan(world.keeper, name="盘点", rooms=["档案室A"], cabinets=[], due_on=None)
    with pytest.raises(Refused, match="Several folders"):
        rounds.record(world.keeper, found, "0001", "found", "")
    assert rounds.progress(found).checked == 0


def test_r33_a_folder_destroyed_during_the_round_does_not_stop_its_closing(archive):
    world, folders = archive
    found = rounds.plan(world.keeper, name="盘点", rooms=["档案室A"], cabinets=[], due_on=None)
    type(folders[0].record).objects.filter(pk=folders[0].record_id).update(status="destroyed")
    with pytest.raises(Refused, match="destroyed"):
        rounds.record(world.keeper, found, _number(folders[0]), "found", "")
    assert rounds.close(world.keeper, found) == 3  # the other three, never found
    assert Incident.objects.count() == 3


def test_r33_the_export_keeps_a_formula_in_an_old_number_as_text(archive):
    world, folders = archive
    type(folders[0].record).objects.filter(pk=folders[0].record_id).update(
        old_number='=HYPERLINK("http://evil.example","x")'
    )
    found = rounds.plan(world.keeper, name="盘点", rooms=["档案室A"], cabinets=[], due_on=None)
    sheet = load_workbook(io.BytesIO(report.workbook(world.keeper, found))).worksheets[0]
    olds = [line[1] for line in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil.example","x")' in olds
