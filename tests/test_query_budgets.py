"""Issue 20 §3: each kind of page costs the same number of queries whatever it holds: rows in
a list, attachments and grants on a file, files awaiting review, folders in the catalogue,
events in the audit log. A page that asks once per row (an N+1) fails here before it is slow
with real data. Each page is asked twice first: the first page of a session fills caches."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access import signin
from access.roles import Role
from records import attachments, intake
from records import content as record_content
from records.models import PaperFile
from tests.factories import approved, build_world, make_person, pdf_upload, read_grant, register
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def cost(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as seen:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(seen)


def same_cost(client, url: str, grow: Callable[[], None]) -> None:
    before = cost(client, url)
    grow()
    assert cost(client, url) == before


def test_r15_a_list_page_costs_the_same_for_one_file_or_twenty(world):
    register(world.sales)
    sales = client_verified(world.sales)
    same_cost(sales, reverse("records:list"), lambda: [register(world.sales) for _ in range(19)])


def test_r15_a_heads_department_list_costs_the_same_for_one_file_or_twenty(world):
    others = [make_person(f"s{n}", roles=[Role.SALES], department=world.dept) for n in range(4)]

    def submitted(n: int) -> None:
        for i in range(n):
            intake.submit(others[i % 4], register(others[i % 4]))

    submitted(1)
    head = client_verified(world.head)
    same_cost(head, reverse("records:list") + "?scope=department", lambda: submitted(19))


def test_r14_the_review_queue_costs_the_same_for_one_file_or_ten(world):
    intake.submit(world.sales, register(world.sales))
    head = client_verified(world.head)
    same_cost(
        head,
        reverse("records:review_queue"),
        lambda: [intake.submit(world.sales, register(world.sales)) for _ in range(9)],
    )


def test_r21_a_file_page_costs_the_same_whatever_its_attachments_and_grants(world):
    record = approved(world.sales, world.head)
    sales = client_verified(world.sales)
    url = reverse("records:detail", args=[record.pk])

    def more() -> None:
        cipher = record_content.cipher_of(record)
        for _ in range(3):
            attachments.store(world.sales, record, cipher, pdf_upload(), "contract")
        for n in range(3):
            reader = make_person(f"reader{n}", roles=[Role.SALES], department=world.dept)
            read_grant(reader, record, world.head)

    same_cost(sales, url, more)


def test_r33_the_catalogue_costs_the_same_for_one_folder_or_twenty(world):
    def placed(n: int) -> None:
        for _ in range(n):
            record = approved(world.sales, world.head)
            PaperFile.objects.create(
                record=record, room="档案室A", cabinet="1", shelf="2", custodian=world.keeper
            )

    placed(1)
    keeper = client_verified(world.keeper)
    same_cost(keeper, reverse("records:catalogue"), lambda: placed(19))


def test_r70_the_audit_log_costs_the_same_for_few_events_or_many(world):
    auditor = make_person("audit.li", roles=[Role.AUDITOR], full_name="李审")
    client = client_verified(auditor)

    def busier() -> None:
        for _ in range(10):
            register(world.sales)  # each leaves events by a person of a department

    same_cost(client, reverse("audit:events"), busier)


def test_i20_4_reading_a_page_writes_its_audit_event_and_at_most_the_last_seen_mark(
    world, settings, django_capture_on_commit_callbacks
):
    """Issue 20 §4: the protection writes nothing per request but the session's last-seen mark,
    refreshed at most every 5 seconds; a page that shows customer data writes its one audit
    event in one statement. Work run after the commit is counted too. The audit chain is sealed
    by the worker, as in production (the embedded mode seals right after the commit instead)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    record = approved(world.sales, world.head)
    sales = client_verified(world.sales)
    session = sales.session
    session[signin.SIGNED_IN_AT] = time.time() - 60
    session[signin.LAST_SEEN] = time.time() - 6  # as a real sign-in leaves it, 6 s ago
    session.save()

    def written(url: str) -> tuple[list[str], int]:
        with (
            CaptureQueriesContext(connection) as seen,
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert sales.get(url).status_code == 200
        statements = [q["sql"].lstrip() for q in seen]
        changes = [sql for sql in statements if sql.upper().startswith(CHANGE_STATEMENTS)]
        tables = sorted(sql.split('"')[1] for sql in changes)
        control = sum(sql.upper().startswith(TRANSACTION_STATEMENTS) for sql in statements)
        return tables, control

    detail = reverse("records:detail", args=[record.pk])
    # The first read after 5 s refreshes the mark (one save, in its own savepoint here).
    assert written(detail) == (["audit_auditevent", "django_session"], 2)
    # Within the 5 s: the file page writes its audit event only; the list and home page nothing.
    assert written(detail) == (["audit_auditevent"], 0)
    assert written(reverse("records:list")) == ([], 0)
    assert written(reverse("home")) == ([], 0)


CHANGE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
TRANSACTION_STATEMENTS = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


@pytest.mark.parametrize("who", ["sales", "head"])
def test_i20_3_a_file_page_by_role_asks_no_grant_and_reads_no_person_twice(world, who):
    """The handler and the head open the file by role: whether they may know of it and what
    they may do are decided without the grant table, and the reviewer's name comes with the
    file."""
    record = approved(world.sales, world.head)
    client = client_verified(getattr(world, who))
    url = reverse("records:detail", args=[record.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as seen:
        assert client.get(url).status_code == 200
    asked = [q["sql"] for q in seen.captured_queries]
    assert not [q for q in asked if "objectpermission" in q], asked
    # (PostgreSQL reads a choice field's people through a cursor: DECLARE ... FOR SELECT ...)
    reads = re.compile(r'(DECLARE .*? FOR )?SELECT (DISTINCT )?"access_user"\.')
    people = [q for q in asked if reads.match(q.lstrip())]
    # the signed-in person, and the hand-over form's list of colleagues; not the reviewer
    assert len(people) == 2, people


def test_i20_4_the_persons_department_comes_with_them(world):
    """The audit event names the actor's department; it is read with the person in the one
    query of the request, not asked again when the event is written."""
    record = approved(world.sales, world.head)
    sales = client_verified(world.sales)
    url = reverse("records:detail", args=[record.pk])
    sales.get(url)
    with CaptureQueriesContext(connection) as seen:
        assert sales.get(url).status_code == 200
    asked = [q["sql"] for q in seen.captured_queries]
    assert not [q for q in asked if q.lstrip().startswith('SELECT "access_department"')], asked
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="record.view").last().actor_department == "销售一部"


def test_i20_3_a_reveal_reads_the_files_consent_and_attachments_once(world):
    """The reveal form's choices come from the masked content alone; the page after the reveal
    reads the consent and the attachments once."""
    record = approved(world.sales, world.head)
    sales = client_verified(world.sales)
    url = reverse("records:reveal", args=[record.pk])
    data = {"fields_to_reveal": "id_number", "reason": "verification", "note": ""}
    sales.post(url, data)
    with CaptureQueriesContext(connection) as seen:
        response = sales.post(url, data)
    assert response.status_code == 200
    asked = [q["sql"] for q in seen.captured_queries]
    for table in ("records_consent", "records_attachment"):
        assert len([q for q in asked if q.lstrip().startswith(f'SELECT "{table}"')]) == 1, table
