"""What is open on a file, and closing it consistently when the file is destroyed, restricted or
handed over (the ``on_file`` column of access/workflow/table.py).

Disposal asks before it destroys (a paper folder on loan stops the destruction of that file);
restrictions and hand-overs close what can no longer go on. Each closing is a move of the
engine, so each writes its one audit event, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access.models import User
from access.workflow.engine import transition
from access.workflow.table import MACHINES, Cause, Machine, OnFile


@dataclass(frozen=True)
class OpenWorkflow:
    machine: Machine
    obj: Any
    record_id: Any


def open_workflows(records: Iterable[Any], kinds: Iterable[str] = ()) -> list[OpenWorkflow]:
    """Every workflow still open on these files, of every kind or of ``kinds`` (machine keys),
    two queries per kind."""
    ids = [r.pk for r in records]
    wanted = set(kinds)
    found: list[OpenWorkflow] = []
    for machine in MACHINES:
        if wanted and machine.key not in wanted:
            continue
        manager = apps.get_model(machine.model)._default_manager
        file_id = f"{machine.file_lookup}_id"
        pairs = list(
            manager.filter(
                **{f"{file_id}__in": ids},
                **machine.file_filter,
                state__in=machine.open_states,
                **({"kind": machine.kind} if machine.kind else {}),
            )
            .values_list("pk", file_id)
            .distinct()
        )
        objects = manager.in_bulk([pk for pk, _record in pairs])
        found += [OpenWorkflow(machine, objects[pk], record_id) for pk, record_id in pairs]
    return found


@dataclass(frozen=True)
class Planned:
    """What ``close_for_files`` does to one open workflow: ``outcome`` is "held" (it keeps its
    file: ``why`` says so), "cancel", "close" (an unused delivery link), "end_loan" (an
    electronic loan's part) or "keep" (stays open: a copy to be confirmed destroyed, a loan or
    delivery waiting for the file's return or receipt)."""

    open_one: OpenWorkflow
    outcome: str
    why: str = ""


def plan_for_files(records: Iterable[Any], cause: Cause) -> list[Planned]:
    """What ``close_for_files`` would do, without doing it: the confirmation page before an
    irreversible step shows it (issue 16 §6), and the closing itself follows it."""
    records = list(records)
    labels = {r.pk: r.audit_label() for r in records}
    found = open_workflows(records)
    held: dict[Any, str] = {}
    for open_one in found:
        problem = _holds_back(open_one, cause, labels[open_one.record_id])
        if problem:
            held[id(open_one)] = problem
    holding = {open_one.record_id for open_one in found if id(open_one) in held}
    planned = []
    for open_one in found:
        if id(open_one) in held:
            planned.append(Planned(open_one, "held", held[id(open_one)]))
            continue
        if open_one.record_id in holding:
            continue  # the file stays: nothing on it is touched
        what = open_one.machine.on_file.get(cause, {}).get(open_one.obj.state, OnFile.KEEP)
        if what == OnFile.CANCEL:
            planned.append(Planned(open_one, "cancel"))
        elif what == OnFile.END_DELIVERY and not delivered(open_one.obj):
            planned.append(Planned(open_one, "close"))
        elif what == OnFile.END_LOAN and open_one.obj.medium != "paper":
            planned.append(Planned(open_one, "end_loan"))
        else:
            planned.append(Planned(open_one, "keep"))
    return planned


def close_for_files(records: Iterable[Any], cause: Cause, *, by: User | None, reason: str) -> dict:
    """Close or cancel what the table says for every workflow open on these files, in the
    caller's transaction. Returns {file id: [why it cannot go now]} for the files something
    still holds (a paper folder on loan stops a destruction): nothing on those files is
    touched, since they stay. Nothing else is refused."""
    records = list(records)
    labels = {r.pk: r.audit_label() for r in records}
    held: dict[Any, list[str]] = {}
    for step in plan_for_files(records, cause):
        open_one, label = step.open_one, labels[step.open_one.record_id]
        if step.outcome == "held":
            held.setdefault(open_one.record_id, []).append(step.why)
        elif step.outcome == "cancel":
            cancel(open_one.obj, by=by, reason=reason, file=label)
        elif step.outcome == "close":
            close(open_one.obj, by=by, reason=reason, file=label)
        elif step.outcome == "end_loan":
            _end_loan_item(open_one.obj, open_one.record_id, by, reason, label)
    return held


def _holds_back(open_one: OpenWorkflow, cause: Cause, label: str) -> str | None:
    """Why this workflow keeps its file from ``cause`` (a paper folder out on loan cannot be
    shredded: it must come back first), or None."""
    what = open_one.machine.on_file.get(cause, {}).get(open_one.obj.state, OnFile.KEEP)
    loan = open_one.obj
    if what == OnFile.END_LOAN and loan.medium == "paper" and cause == Cause.DESTROYED:
        return _("The paper folder of %(file)s is on loan (%(request)s): take it back first.") % {
            "file": label,
            "request": loan.number,
        }
    return None


def cancel(obj: Any, *, by: User | None, reason: str, **why: str) -> None:
    """Call off a request or transfer not under way yet (the caller holds its row lock or
    knows it open): the one way, whether its file went or its person left."""
    if obj._meta.label == "access.Transfer":
        obj.answered_at = timezone.now()
        obj.answer_note = reason[:200]
        transition(
            obj, "cancel", by=by, target=obj.record, fields=["answered_at", "answer_note"],
            reason=reason,
        )  # fmt: skip
        return
    from access import requests

    requests.withdraw(obj, by=by, reason=reason, **why)


def close(obj: Any, *, by: User | None, reason: str, **why: str) -> None:
    """Close a request handed out that nothing will come back from (its files went, or its
    person left)."""
    obj.closed_at, obj.closed_by = timezone.now(), by
    transition(obj, "close", by=by, fields=["closed_at", "closed_by"], reason=reason, **why)


def delivered(share: Any) -> bool:
    """An external share whose link was used: what was delivered waits for its receipt."""
    link = getattr(share, "share_link", None)
    return bool(link and link.downloaded_at)


def _end_loan_item(loan: Any, record_id: Any, by: User | None, reason: str, label: str) -> None:
    """A file's part of an electronic loan ends with the file (its grant revoked); the loan
    closes when no file is left on it."""
    from access import grants

    loan = type(loan)._default_manager.select_for_update().get(pk=loan.pk)
    item = loan.items.filter(record_id=record_id, returned_at__isnull=True).first()
    if loan.state != "fulfilled" or item is None:
        return  # ended meanwhile, or this part ended already (restricted, then destroyed)
    item.returned_at = timezone.now()
    item.return_note = reason[:200]
    item.save(update_fields=["returned_at", "return_note"])
    ended = grants.revoke_all(loan.grants.filter(record_id=record_id), by=by, reason=reason)
    audit.record(by, "request.item_ended", loan, file=label, reason=reason, grants_ended=ended)
    if not loan.items.filter(returned_at__isnull=True).exists():
        close(loan, by=by, reason=reason, file=label)
