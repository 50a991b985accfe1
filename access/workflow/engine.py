"""The one engine for every workflow in access/workflow/table.py.

``transition`` is the only code that changes a workflow's state: it locks the row, checks that
the move starts from the state the row is in now, saves the new state (with the fields the
caller set for it) and writes the move's audit event, all in the caller's transaction.
``available_actions`` says what a person may do on an object now, for pages and services alike;
``require_action`` is the check a service makes before it acts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

import audit
from access import policy
from access.models import User
from access.policy import Person
from access.workflow.table import MACHINES, Machine
from core.refusals import Refused

_BY_MODEL: dict[tuple[str, str | None], Machine] = {(m.model, m.kind): m for m in MACHINES}
# Every verb by name, for refusing one asked of a machine that does not have it.
_VERBS = {name: verb for m in reversed(MACHINES) for name, verb in m.verbs.items()}


def machine_of(obj: models.Model) -> Machine:
    """The machine that runs ``obj`` (a request's kind picks among the request machines)."""
    label = obj._meta.label
    machine = _BY_MODEL.get((label, getattr(obj, "kind", None))) or _BY_MODEL.get((label, None))
    if machine is None:
        raise LookupError(f"no workflow runs {label} objects")
    return machine


def workflow_key(obj: models.Model) -> str:
    """How an audit event names the workflow it moved (``details["workflow"]``)."""
    return f"{machine_of(obj).key}:{obj.pk}"


def transition(
    obj: Any,
    move: str,
    *,
    by: User | None,
    target: object = None,
    fields: Iterable[str] = (),
    **details: Any,
) -> Any:
    """Make ``move`` on ``obj``: lock its row, check the move starts from its current state, save
    the new state and ``fields`` (set on ``obj`` by the caller), and write the move's audit event
    about ``target`` (default: ``obj``) with ``details``, by ``by`` (None: no person, such as an
    external recipient or a sweep). Raises ``Refused`` when the state has moved on (another tab,
    another person, a sweep)."""
    machine = machine_of(obj)
    step = machine.moves[move]
    with transaction.atomic():
        current = (
            type(obj)
            ._default_manager.select_for_update()
            .filter(pk=obj.pk)
            .values_list("state", flat=True)
            .get()
        )
        if current not in step.sources:  # moved on since the caller looked (another tab)
            raise Refused(_("This changed meanwhile; reload the page to see where it stands."))
        obj.state = step.to
        obj.save(update_fields=["state", *fields])
        audit.record(
            by,
            step.event,
            obj if target is None else target,
            workflow=workflow_key(obj),
            moved=f"{current}>{step.to}",
            **details,
        )
    return obj


def is_open(obj: Any) -> bool:
    """Whether ``obj``'s workflow is still under way (not in an end state)."""
    return obj.state in machine_of(obj).open_states


def available_actions(user: Person, obj: Any) -> frozenset[str]:
    """What ``user`` may do on ``obj`` now: the verbs whose states include the object's and
    whose policy question is answered yes. Pages show exactly these; services check the same."""
    machine = machine_of(obj)
    return frozenset(
        name
        for name, verb in machine.verbs.items()
        if obj.state in verb.states and verb.decide(user, obj).allowed
    )


def check_state(obj: Any, verb_name: str) -> None:
    """Raise ``Refused`` (with the verb's reason) unless ``obj``'s state allows ``verb_name``;
    for services whose own checks must come between the state and the person."""
    verb = machine_of(obj).verbs[verb_name]
    if obj.state not in verb.states:
        raise Refused(verb.not_now)


def require_action(user: Person, obj: Any, verb_name: str) -> None:
    """Raise ``Denied`` (who) or ``Refused`` (when) unless ``user`` may do ``verb_name`` on
    ``obj`` now. Who is asked first, so a stranger learns nothing about the state."""
    machine = machine_of(obj)
    verb = machine.verbs.get(verb_name) or _VERBS.get(verb_name)
    if verb is None:
        raise LookupError(f"no workflow knows the action {verb_name!r}")
    decision = verb.decide(user, obj)
    if not decision.allowed:
        raise policy.Denied(decision)
    if verb_name not in machine.verbs or obj.state not in verb.states:
        # Not now, or never for this kind (a copy request at the lending desk).
        raise Refused(verb.not_now)
