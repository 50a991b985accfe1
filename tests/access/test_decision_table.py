"""access/policy/ against every cell of access/data/decision_table.toml (R32, R40-R43, R51,
R52, P2), and visible_records() against decide(VIEW) on the same table_world."""

from __future__ import annotations

from collections import defaultdict

import pytest

from access import decision_table, policy
from access.models import Department
from access.roles import Role
from records.models import CustomerRecord
from tests.factories import bare_record, let_time_pass, make_person, read_grant

CASES = decision_table.cases()
STATUSES = sorted({case.status for case in CASES})


@pytest.fixture
def table_world(db):
    """One person per role in department A (the head heads A); files of every tier and status
    in every relation to each of them."""
    dept_a = Department.objects.create(code="a", name="销售一部")
    dept_b = Department.objects.create(code="b", name="销售二部")
    colleague = make_person("colleague", roles=[Role.SALES], department=dept_a)
    outsider = make_person("outsider", roles=[Role.SALES], department=dept_b)
    lender = make_person("lender", roles=[Role.ARCHIVIST])
    people = {}
    for role in Role:
        people[role.value] = make_person(f"p-{role.value}", roles=[role], department=dept_a)
    dept_a.head = people[Role.DEPT_HEAD.value]
    dept_a.save()
    files: dict[tuple[str, str, str, int], CustomerRecord] = {}
    for status in STATUSES:
        for tier in decision_table.TIERS:
            same = bare_record(colleague, dept_a, tier=tier, status=status)
            other = bare_record(outsider, dept_b, tier=tier, status=status)
            granted = bare_record(outsider, dept_b, tier=tier, status=status)
            expired = bare_record(outsider, dept_b, tier=tier, status=status)
            for role, person in people.items():
                files[(role, "own", status, tier)] = bare_record(
                    person, dept_a, tier=tier, status=status
                )
                files[(role, "same_department", status, tier)] = same
                files[(role, "other_department", status, tier)] = other
                files[(role, "granted", status, tier)] = granted
                files[(role, "grant_expired", status, tier)] = expired
                read_grant(person, granted, lender)
                let_time_pass(read_grant(person, expired, lender))
    return people, files


def test_policy_matches_every_cell_of_the_decision_table(table_world):
    """R32/P2: each role x action x relation x tier decides as the table says, with a reason
    whenever it refuses."""
    people, files = table_world
    wrong = []
    silent = []
    for case in CASES:
        person = people[case.role]
        record = files[(case.role, case.relation, case.status, case.tier)]
        decision = policy.decide(person, case.action, record)
        if decision.allowed != case.allowed:
            wrong.append(str(case))
        if not decision.allowed and not str(decision.reason):
            silent.append(str(case))
    assert len(CASES) == 15 * len(Role) * 5 * 4
    assert not wrong, f"{len(wrong)} cells differ:\n" + "\n".join(wrong)
    assert not silent, "refusals without a reason:\n" + "\n".join(silent)


def test_expired_grant_refusal_is_marked_for_the_kpi(table_world):
    """R71: a refusal caused by a run-out grant is told apart from an ordinary one."""
    people, files = table_world
    decision = policy.decide(
        people["sales"], "view", files[("sales", "grant_expired", "approved", 2)]
    )
    assert not decision.allowed
    assert decision.expired_grant
    assert "ended on" in str(decision.reason)


def test_visible_records_lists_exactly_what_view_allows(table_world):
    """One permission filter (DESIGN.md): the list query and the per-file decision agree for
    every role, relation and status."""
    people, files = table_world
    by_person = defaultdict(set)
    for (role, _relation, _status, _tier), record in files.items():
        by_person[role].add(record)
    for role, person in people.items():
        candidates = {r.pk for r in by_person[role]}
        listed = set(
            policy.visible_records(
                person, CustomerRecord.objects.filter(pk__in=candidates)
            ).values_list("pk", flat=True)
        )
        decided = {r.pk for r in by_person[role] if policy.decide(person, "view", r).allowed}
        assert listed == decided, role


def test_batch_prefetch_gives_the_same_decisions(table_world, django_assert_max_num_queries):
    """A page of files decides with one grant query, not one per file."""
    people, files = table_world
    person = people["sales"]
    page = [r for (role, *_rest), r in files.items() if role == "sales"]
    expected = {r.pk: policy.decide(person, "view", r).allowed for r in page}
    fresh = type(person).objects.get(pk=person.pk)
    policy.roles_of(fresh)
    with django_assert_max_num_queries(2):  # the grant expiries, the headed departments
        got = policy.decide_many(fresh, "view", page)
    assert {pk: d.allowed for pk, d in got.items()} == expected
    assert len(page) > 40


def test_docs_show_the_current_table():
    """docs/ACCESS_DECISIONS.md is generated from the same file (scripts/decision_table.py)."""
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "ACCESS_DECISIONS.md"
    assert docs.read_text(encoding="utf-8") == decision_table.render_markdown()
