"""R70: the hash chain makes any change to the log detectable, and names the broken event.

Tampering is done the way a database owner could: lift the triggers, edit rows with raw SQL.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

import audit
from audit import dbguard
from audit.canonical import GENESIS, canonical_bytes
from audit.chain import chain_head, read_anchors, seal_pending, verify_chain, write_anchor
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


@contextmanager
def as_table_owner() -> Iterator:
    """What an owner or superuser can do: switch the triggers off for a moment."""
    dbguard.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        dbguard.install(connection)


def make_events(n: int) -> list[AuditEvent]:
    made = [audit.record(None, "access.denied", url_name=f"page-{i}", n=i) for i in range(n)]
    seal_pending()
    return list(AuditEvent.objects.filter(pk__in=[e.pk for e in made]).order_by("seq"))


def test_r70_sealing_chains_every_event_once_in_a_gapless_line():
    events = make_events(25)
    assert [e.seq for e in events] == list(range(1, 26))
    assert events[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert seal_pending() == 0  # nothing left: sealing twice changes nothing
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked == 25
    assert (report.head_seq, report.head_hash) == (25, events[-1].hash)


def test_r70_canonical_form_is_sorted_compact_utf8_with_integer_microseconds():
    event = make_events(1)[0]
    row = tuple(
        AuditEvent.objects.filter(pk=event.pk)
        .values_list(
            "id",
            "seq",
            "occurred_at",
            "actor_id",
            "actor_name",
            "actor_number",
            "actor_department",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "ip_address",
            "user_agent",
            "request_id",
            "details",
        )
        .get()
    )
    text = canonical_bytes(row).decode("utf-8")
    assert text.startswith('{"action":"access.denied","actor":null,')
    assert " " not in text.replace('"ua":""', "")
    at = text.split('"at":')[1].split(",")[0]
    assert at.isdigit()
    assert len(at) == 16  # microseconds since 1970


def test_r70_changed_details_are_detected_and_the_event_named():
    events = make_events(10)
    victim = events[6]
    with as_table_owner() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET details = %s WHERE id = %s",
            ['{"url_name": "page-6", "n": 600}', victim.pk],
        )
    report = verify_chain()
    assert not report.ok
    assert report.problem.kind == "changed"
    assert report.problem.event_id == victim.pk
    assert report.problem.seq == victim.seq
    assert f"event #{victim.pk} at sequence 7 was changed" in report.problem.message


def test_r70_a_deleted_event_is_reported_as_a_missing_sequence():
    events = make_events(10)
    with as_table_owner() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [events[3].pk])
    report = verify_chain()
    assert report.problem.kind == "missing"
    assert report.problem.seq == 4
    assert "sequence 4 is missing" in report.problem.message


def test_r70_re_ordered_events_are_detected_at_the_first_moved_event():
    events = make_events(10)
    a, b = events[4], events[5]
    with as_table_owner() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET seq = -1 WHERE id = %s", [a.pk])
        cursor.execute(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [a.seq, b.pk])
        cursor.execute(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [b.seq, a.pk])
    report = verify_chain()
    assert report.problem.kind == "reordered"
    assert report.problem.event_id == b.pk
    assert report.problem.seq == 5
    assert "re-ordered" in report.problem.message


def test_r70_anchors_detect_a_truncated_tail():
    events = make_events(8)
    anchor = write_anchor()
    assert anchor.seq == 8
    assert [a.seq for a in read_anchors()] == [8]
    with as_table_owner() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE id IN (%s, %s)",
            [events[-1].pk, events[-2].pk],
        )
    # Without the anchor the shortened chain would look perfect.
    report = verify_chain()
    assert report.problem.kind == "truncated"
    assert "ends at 6" in report.problem.message


def test_r70_anchors_detect_a_rewritten_and_re_hashed_log():
    """An owner who edits an event and recomputes every later hash still cannot match the
    anchor kept outside the database."""
    events = make_events(5)
    write_anchor()
    with as_table_owner() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET details = %s WHERE id = %s",
            ['{"url_name": "forged", "n": 0}', events[0].pk],
        )
        cursor.execute(
            f"UPDATE {TABLE} SET seq = NULL, prev_hash = NULL, hash = NULL",
        )
    seal_pending()  # re-chains the forged log from scratch
    report = verify_chain()
    assert report.problem.kind == "anchor_mismatch"
    assert "rewritten" in report.problem.message


def test_r70_audit_verify_command_reports_ok_and_broken_chains():
    events = make_events(3)
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "chain intact" in out.getvalue()
    assert "checked 3 events" in out.getvalue()
    with as_table_owner() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET action = 'auth.sign_in' WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=r"CHAIN BROKEN \(changed\).*sequence 2"):
        call_command("audit_verify", stdout=io.StringIO())


def test_r70_verification_streams_in_pages_so_memory_stays_flat():
    make_events(30)
    seen = []
    report = verify_chain(chunk=7, progress=seen.append)
    assert report.ok
    assert report.checked == 30
    assert seen == [7, 14, 21, 28]


def test_r70_unsealed_events_are_reported_not_hidden():
    make_events(2)
    audit.record(None, "access.denied")  # not sealed: on_commit never fires in a test transaction
    report = verify_chain()
    assert report.ok
    assert report.unsealed == 1
    assert chain_head()[0] == 2
