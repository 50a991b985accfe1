"""R13/R21/P2/P3: who sees a file, masked how; reveals need a right and are audited; search."""

from __future__ import annotations

import itertools

import pytest

from access import policy
from access.policy import Denied, RecordAction
from audit.models import AuditEvent
from records import disclosure, intake, listing, review
from records.masking import mask_bank_card, mask_id_number, mask_mobile, mask_name
from records.models import CustomerRecord, RecordStatus
from tests.factories import PERSON, full_consent, register


def _approved(sales_org, content=None, tier=None) -> CustomerRecord:
    record = register(sales_org.sales, content, tier=tier)
    intake.submit(sales_org.sales, record)
    review.approve(sales_org.head, record)
    record.refresh_from_db()
    return record


def _shown(dossier) -> dict[str, tuple[str, bool]]:
    return {row.field.name: (str(row.text), row.masked) for s in dossier.sections for row in s.rows}


def test_r13_masks_keep_only_what_recognises_a_customer():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_mobile("13912345678") == "139****5678"
    assert mask_bank_card("6222020200112233446") == "**** 3446"
    assert mask_name("欧阳晓梅") == mask_name("欧阳") == "欧**"  # the length is not revealed


def test_r21_level_1_file_is_masked_even_for_its_head_and_handler(sales_org):
    record = _approved(sales_org)
    for viewer in (sales_org.sales, sales_org.head):
        shown = _shown(disclosure.view(viewer, record))
        assert shown["id_number"] == ("110105********002X", True)
        assert shown["bank_card"] == ("**** 3446", True)
        assert shown["mobile"] == ("139****5678", True)
        assert shown["address_detail"][1]
        assert "建国路" not in shown["address_detail"][0]
        assert shown["address_region"] == ("北京市朝阳区", False)  # to the district
        assert shown["needs"] == ("三居室，近地铁", False)
    assert _shown(disclosure.view(sales_org.sales, record))["full_name"] == ("欧阳晓梅", False)
    assert _shown(disclosure.view(sales_org.head, record))["full_name"] == ("欧**", True)


def test_p3_lower_tiers_show_more_to_the_people_who_work_with_them(sales_org):
    content = {"full_name": "王小明", "mobile": "13800001111", "needs": "两居"}
    record = _approved(sales_org, content)  # Level 2 (a detailed contact)
    assert record.tier == 2
    assert _shown(disclosure.view(sales_org.sales, record))["mobile"] == ("13800001111", False)
    assert _shown(disclosure.view(sales_org.head, record))["mobile"] == ("138****1111", True)
    assert _shown(disclosure.view(sales_org.head, record))["full_name"] == ("王小明", False)


def test_p2_nobody_outside_handler_and_head_opens_a_file_and_superusers_get_nothing(sales_org):
    record = _approved(sales_org)
    for outsider in (
        sales_org.colleague,
        sales_org.other_sales,
        sales_org.other_head,
        sales_org.auditor,
        sales_org.admin,
    ):
        with pytest.raises(Denied):
            disclosure.view(outsider, record)
        with pytest.raises(Denied):
            disclosure.reveal(outsider, record, ["id_number"], "verification")
        assert not policy.visible_records(outsider, CustomerRecord.objects.all()).exists()


def test_r13_reveal_shows_the_chosen_values_once_and_is_audited_with_its_reason(sales_org):
    record = _approved(sales_org)
    dossier = disclosure.reveal(
        sales_org.head, record, ["id_number", "mobile"], "verification", "核对"
    )
    shown = _shown(dossier)
    assert shown["id_number"] == (PERSON["id_number"], False)
    assert shown["mobile"] == (PERSON["mobile"], False)
    assert shown["bank_card"][1]  # not asked for, still masked
    event = AuditEvent.objects.get(action="record.reveal")
    assert event.actor == sales_org.head
    assert event.target_id == str(record.pk)
    assert event.details["fields"] == ["id_number", "mobile"]
    assert event.details["reason"] == "verification"
    assert PERSON["id_number"] not in str(event.details)
    # The next view is masked again: nothing about the reveal was kept.
    assert _shown(disclosure.view(sales_org.head, record))["id_number"][1]


def test_r13_business_fields_and_unknown_names_are_not_revealable(sales_org):
    record = _approved(sales_org)
    with pytest.raises(ValueError, match="masked field"):
        disclosure.reveal(sales_org.head, record, ["needs", "no_such_field"], "verification")
    with pytest.raises(ValueError, match="reveal reason"):
        disclosure.reveal(sales_org.head, record, ["id_number"], "because")


RELATIONS = ["handler", "colleague", "head", "other_head", "other_sales", "auditor", "admin"]
STATUSES = [s for s in RecordStatus.values if s != RecordStatus.DESTROYED]


def test_p2_visible_records_matches_the_view_decision_for_every_relation_and_status(sales_org):
    records = {}
    for status in STATUSES:
        record = register(sales_org.sales)
        CustomerRecord.objects.filter(pk=record.pk).update(status=status)
        records[status] = CustomerRecord.objects.get(pk=record.pk)
    people = {
        "handler": sales_org.sales,
        "colleague": sales_org.colleague,
        "head": sales_org.head,
        "other_head": sales_org.other_head,
        "other_sales": sales_org.other_sales,
        "auditor": sales_org.auditor,
        "admin": sales_org.admin,
    }
    for relation, status in itertools.product(RELATIONS, STATUSES):
        user = people[relation]
        record = records[status]
        decided = policy.decide(user, RecordAction.VIEW, record).allowed
        listed = policy.visible_records(user, CustomerRecord.objects.all()).filter(pk=record.pk)
        assert decided == listed.exists(), (relation, status)
        expected = relation == "handler" or (relation == "head" and status != "draft")
        assert decided == expected, (relation, status)


def test_r15_blind_index_search_finds_exact_matches_among_visible_files_only(sales_org):
    mine = _approved(sales_org)
    other = register(sales_org.other_sales, {**PERSON, "full_name": "欧阳晓"}, terms=full_consent())
    assert [r.record for r in listing.search(sales_org.sales, "139 1234 5678")] == [mine]
    assert [r.record for r in listing.search(sales_org.sales, "11010519491231002x")] == [mine]
    assert [r.record for r in listing.search(sales_org.sales, "欧阳 晓梅")] == [mine]
    assert [r.record for r in listing.search(sales_org.sales, mine.archive_number.lower())] == [
        mine
    ]
    assert (
        listing.search(sales_org.sales, "欧阳晓") == []
    )  # a prefix is not a match; not theirs either
    assert listing.search(sales_org.sales, "1391234567") == []
    assert [r.record for r in listing.search(sales_org.other_sales, "欧阳晓")] == [other]
    assert listing.search(sales_org.auditor, "13912345678") == []
    event = AuditEvent.objects.filter(action="record.search").order_by("-id").first()
    assert event.details == {"by": "mobile", "results": 0}


def test_r15_a_blind_index_collision_never_reaches_the_user(sales_org):
    mine = _approved(sales_org)
    other = register(sales_org.sales, {"full_name": "李四", "needs": "两居"})
    # Forge a collision: give the other file the same phone index as the searched number.
    CustomerRecord.objects.filter(pk=other.pk).update(phone_index=mine.phone_index)
    assert [r.record for r in listing.search(sales_org.sales, "13912345678")] == [mine]


def test_r15_lists_page_by_keyset_and_filter(sales_org):
    for _ in range(5):
        register(sales_org.sales, {"full_name": "张三", "needs": "两居"})
    first = listing.page(sales_org.sales, listing.Filters(), size=2)
    assert len(first.rows) == 2
    assert first.next_cursor
    second = listing.page(sales_org.sales, listing.Filters(), first.next_cursor, size=2)
    third = listing.page(sales_org.sales, listing.Filters(), second.next_cursor, size=2)
    seen = [r.record.pk for p in (first, second, third) for r in p.rows]
    assert len(seen) == len(set(seen)) == 5
    assert not third.next_cursor
    assert listing.page(sales_org.sales, listing.Filters(tier=1), size=10).rows == []
    assert [r.name for r in first.rows] == ["张三", "张三"]
    department = listing.page(sales_org.head, listing.Filters(scope="department"), size=10)
    assert department.rows == []  # drafts are the handler's own until submitted
