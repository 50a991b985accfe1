"""Concurrent approvals and hand-outs on PostgreSQL: row locks make each happen once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from access import requests
from access.models import Department, Grant, RequestState
from access.roles import Role
from audit.models import AuditEvent
from core.refusals import Refused
from records.circulation import lending
from tests.factories import bare_record, make_person

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _race(*calls):
    """Run the calls in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # the loser's refusal is part of the result
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_heads_approving_at_once_approve_once_and_one_hand_out_grants_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are tested on PostgreSQL (the CI PG leg)")
    a = Department.objects.create(code="a", name="一部")
    b = Department.objects.create(code="b", name="二部")
    a.head = make_person("ha", roles=[Role.DEPT_HEAD], department=a)
    b.head = make_person("hb", roles=[Role.DEPT_HEAD], department=b)
    a.save()
    b.save()
    lawyer = make_person("lawyer", roles=[Role.LEGAL])
    keepers = [make_person(f"k{i}", roles=[Role.ARCHIVIST]) for i in range(2)]
    files = [bare_record(a.head, a, tier=2), bare_record(b.head, b, tier=3)]
    req = requests.create(
        lawyer,
        requests.Application(
            kind="borrow",
            purpose="合同审查",
            due_on=timezone.localdate() + timedelta(days=3),
            records=files,
        ),
    )
    step_a = req.approvals.get(department=a)
    step_b = req.approvals.get(department=b)

    _race(
        lambda: requests.sign(a.head, step_a, approve=True),
        lambda: requests.sign(b.head, step_b, approve=True),
    )
    req.refresh_from_db()
    assert req.state == RequestState.APPROVED
    finals = AuditEvent.objects.filter(action="request.approve", details__final=True)
    assert finals.count() == 1

    outcomes = _race(*(lambda k=k: lending.hand_out(k, req) for k in keepers))
    assert sum(isinstance(o, Refused) for o in outcomes) == 1
    assert Grant.objects.count() == len(files)
    assert AuditEvent.objects.filter(action="request.hand_out").count() == 1
