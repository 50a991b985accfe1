"""The workflow engine's invariants under random use (issue 15 §2): random people of every role
ask, sign, withdraw, hand out, take back, copy, deliver, transfer, open emergency access, review
it, restrict and destroy files, in random order. Whatever happens:

* nothing that reads, moves or hands out a destroyed file succeeds;
* no grant outlives its request (a live loan grant belongs to a loan that is out);
* no request is both approved and refused;
* every state change has exactly one audit event, and no such event without a change.

Each example starts from the same files and people (a savepoint rolled back after it). The run
is short in CI; BAOMI_FUZZ_EXAMPLES raises it (e.g. 500) for a longer search.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from access import policy, requests, workflow
from access.models import (
    AccessRequest,
    Approval,
    ApprovalDecision,
    BreakGlass,
    Grant,
    Medium,
    RequestState,
    Transfer,
)
from access.workflow.table import Cause, OnFile
from audit.models import AuditEvent
from core.refusals import Refused
from disposal import batches, holds, sweep
from disposal.models import BatchState, DisposalBatch
from records.circulation import break_glass, copies, custody, lending, sharing
from records.models import CustomerRecord
from tests.access.workflow.world import INITIAL, SETUPS, states, workflow_world
from tests.factories import make_due

EXAMPLES = max(10, int(os.environ.get("BAOMI_FUZZ_EXAMPLES", "150")) // 5)
REFUSED = (Refused, policy.Denied)
OPEN_REQUESTS = {"pending", "approved", "fulfilled"}
APPROVED_OR_LATER = {"approved", "fulfilled", "returned", "destroyed", "closed"}


@pytest.mark.django_db
def test_workflow_invariants_hold_under_random_use_by_every_role():
    w = workflow_world()
    anyone = st.sampled_from(w.people)
    files = st.sampled_from(w.files)
    picks = st.integers(0, 50)
    # Mostly the person whose turn it is (so that workflows move), sometimes anyone at all.
    fit = st.integers(0, 4).map(lambda n: n > 0)

    class Workflows(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            for shared in (*w.files, *w.people):  # rows rolled back; objects must follow
                shared.refresh_from_db()
            self.destroyed: set = set()
            self.before = states()
            self.last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True)
            self.last_event = self.last_event.first() or 0

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

        @initialize(setups=st.sets(st.sampled_from(sorted(SETUPS)), min_size=2))
        def some_workflows_under_way(self, setups) -> None:
            """Start each example with workflows in different states, through the services."""
            for name in sorted(setups):
                SETUPS[name](w)
            self.before = states()
            self.last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0]

        # -- helpers --------------------------------------------------------------------------

        def _pick(self, model, i: int, prefer: dict, **where):
            """Mostly an object in a state the action needs (``prefer``), else any."""
            rows = list(model.objects.filter(**where, **prefer).order_by("pk"))
            rows = rows or list(model.objects.filter(**where).order_by("pk"))
            return rows[i % len(rows)] if rows else None

        def _attempt(self, touches_files: list, call) -> None:
            """Run ``call``; an action on a destroyed file must be refused."""
            gone = any(f.pk in self.destroyed for f in touches_files)
            try:
                call()
            except REFUSED:
                return
            assert not gone, "an action on a destroyed file went through"

        @staticmethod
        def _files_of(req) -> list:
            return list(CustomerRecord.objects.filter(request_items__request=req))

        # -- rules ----------------------------------------------------------------------------

        @rule(
            who=anyone,
            record=files,
            kind=st.sampled_from(["borrow", "copy", "external_share"]),
            paper_=st.booleans(),
            proper=fit,
        )
        def ask(self, who, record, kind, paper_, proper) -> None:
            if proper:
                who = w.sales if kind != "borrow" else who
            ask = lending.Ask(
                numbers=record.archive_number, purpose="测试", kind=kind,
                due_on=timezone.localdate() + timedelta(days=3),
                medium=Medium.PAPER if paper_ and kind == "borrow" else Medium.ELECTRONIC,
                copy_format="pdf" if kind == "copy" else "",
                sections=["identity"] if kind != "borrow" else [],
                external_party=w.party if kind == "external_share" else None,
            )  # fmt: skip
            self._attempt([record], lambda: lending.apply(who, ask))

        @rule(i=picks, approve=st.integers(0, 5).map(bool), times=st.integers(1, 4))
        def advance(self, i, approve, times) -> None:
            """The next steps of open workflows, by the person whose turn it is: workflows get
            far (handed out, copied, delivered, taken back) before files go."""
            for n in range(times):
                req = self._pick(AccessRequest, i + n, {}, state__in=list(OPEN_REQUESTS))
                if req is not None:
                    self._next_step(req, approve)

        def _next_step(self, req, approve) -> None:
            files_ = self._files_of(req)
            if req.state == "pending":
                for step in req.approvals.filter(decision="pending", step=req.current_step):
                    signers = [
                        p for p in w.people if policy.decide_approval(p, step, req.requester_id)
                    ]
                    if signers:
                        self._attempt(
                            files_ if approve else [],
                            lambda s=step, p=signers[0]: requests.sign(
                                p, s, approve=approve, comment="不同意"
                            ),
                        )
                        return
            elif req.kind == "borrow":
                if req.state == "approved":
                    self._attempt(files_, lambda: lending.hand_out(w.keeper, req))
                else:
                    checks = {item.pk: ("intact", "") for item in req.items.all()}
                    self._attempt([], lambda: lending.take_back(w.keeper, req, checks))
            elif req.kind == "copy":
                if req.state == "approved" or approve:
                    self._attempt(files_, lambda: copies.download(req.requester, req))
                else:
                    self._attempt([], lambda: copies.confirm_destroyed(req.requester, req, "销毁"))
            elif req.state == "approved":
                made = []
                self._attempt(files_, lambda: made.append(sharing.create_link(req.requester, req)))
                if made:
                    token, passcode = made[0].token, made[0].passcode
                    self._attempt(files_, lambda: sharing.download(token, passcode))
                    self._attempt(
                        [], lambda: sharing.confirm_receipt(token, "刘晓", passcode_given=True)
                    )

        @rule(who=anyone, i=picks, approve=st.integers(0, 3).map(bool), proper=fit)
        def sign(self, who, i, approve, proper) -> None:
            now_open = {"step": F("request__current_step"), "request__state": "pending"}
            step = self._pick(Approval, i, now_open, decision=ApprovalDecision.PENDING)
            if step is None:
                return
            req = step.request
            if proper:
                signers = [p for p in w.people if policy.decide_approval(p, step, req.requester_id)]
                who = signers[0] if signers else who
            files_ = self._files_of(req) if approve else []
            self._attempt(
                files_, lambda: requests.sign(who, step, approve=approve, comment="不同意")
            )

        @rule(who=anyone, i=picks, proper=fit)
        def cancel(self, who, i, proper) -> None:
            req = self._pick(AccessRequest, i, {"state__in": ["pending", "approved"]})
            if req:
                who = req.requester if proper else who
                self._attempt([], lambda: requests.cancel(who, req))

        @rule(who=anyone, i=picks, proper=fit)
        def hand_out(self, who, i, proper) -> None:
            req = self._pick(AccessRequest, i, {"state": "approved"}, kind="borrow")
            if req:
                who = w.keeper if proper else who
                self._attempt(self._files_of(req), lambda: lending.hand_out(who, req))

        @rule(who=anyone, i=picks, proper=fit)
        def take_back(self, who, i, proper) -> None:
            req = self._pick(AccessRequest, i, {"state": "fulfilled"}, kind="borrow")
            if req:
                who = w.keeper if proper else who
                checks = {item.pk: ("intact", "") for item in req.items.all()}
                self._attempt([], lambda: lending.take_back(who, req, checks))

        @rule(who=anyone, i=picks, proper=fit)
        def download_copy(self, who, i, proper) -> None:
            req = self._pick(
                AccessRequest, i, {"state__in": ["approved", "fulfilled"]}, kind="copy"
            )
            if req:
                who = req.requester if proper else who
                self._attempt(self._files_of(req), lambda: copies.download(who, req))

        @rule(who=anyone, i=picks, proper=fit)
        def confirm_copy_destroyed(self, who, i, proper) -> None:
            req = self._pick(AccessRequest, i, {"state": "fulfilled"}, kind="copy")
            if req:
                who = req.requester if proper else who
                self._attempt([], lambda: copies.confirm_destroyed(who, req, "碎纸机销毁"))

        @rule(who=anyone, i=picks, use=st.booleans(), proper=fit)
        def deliver(self, who, i, use, proper) -> None:
            req = self._pick(AccessRequest, i, {"state": "approved"}, kind="external_share")
            if req is None:
                return
            who = req.requester if proper else who
            made = []
            self._attempt(self._files_of(req), lambda: made.append(sharing.create_link(who, req)))
            if made and use:
                delivery = made[0]
                self._attempt(
                    self._files_of(req),
                    lambda: sharing.download(delivery.token, delivery.passcode),
                )
                self._attempt(
                    [], lambda: sharing.confirm_receipt(delivery.token, "刘晓", passcode_given=True)
                )

        @rule(who=anyone, record=files, to=anyone, proper=fit)
        def offer_transfer(self, who, record, to, proper) -> None:
            record.refresh_from_db()
            if proper:
                who = record.handler
                to = w.colleague if who == w.sales else w.sales
            self._attempt([record], lambda: custody.offer(who, record, to, "交接"))

        @rule(who=anyone, i=picks, accept=st.booleans(), proper=fit)
        def answer_transfer(self, who, i, accept, proper) -> None:
            transfer = self._pick(Transfer, i, {"state": "pending"})
            if transfer is None:
                return
            who = transfer.receiver if proper else who
            if accept:
                self._attempt([transfer.record], lambda: custody.accept(who, transfer))
            else:
                self._attempt([], lambda: custody.decline(who, transfer, "不接"))

        @rule(who=anyone, record=files, proper=fit)
        def emergency(self, who, record, proper) -> None:
            who = w.head_b if proper else who
            self._attempt(
                [record],
                lambda: break_glass.open_file(
                    who, record.archive_number, "customer_emergency", "客户紧急来电"
                ),
            )

        @rule(who=anyone, i=picks, justified=st.booleans(), proper=fit)
        def review_emergency(self, who, i, justified, proper) -> None:
            opened = self._pick(BreakGlass, i, {"state": "open"})
            if opened:
                who = w.auditor if proper else who
                outcome = "justified" if justified else "not_justified"
                self._attempt([], lambda: break_glass.close_review(who, opened, outcome, "核实"))

        @rule(record=files, now=st.integers(0, 9))
        def restrict(self, record, now) -> None:
            if now:  # rarely: a restricted file stops most of what follows
                return
            holds.restrict([record.pk], reason="法定保存", actor=w.lawyer)

        @rule(record=files, now=st.integers(0, 4))
        def destroy(self, record, now) -> None:
            record.refresh_from_db()
            if now or record.status == "destroyed":
                return
            make_due(record)
            sweep.propose_due()
            batch = DisposalBatch.objects.filter(state=BatchState.PROPOSED).first()
            if batch is None:  # under a hold, or restricted and kept
                return
            for signer, role in ((w.head, "head"), (w.keeper, "archivist"), (w.officer, "officer")):
                if role in batch.needed_signatures():
                    batch = batches.sign(signer, batch, role)
            batches.execute(w.keeper, batch)
            self.destroyed |= set(
                CustomerRecord.objects.filter(status="destroyed").values_list("pk", flat=True)
            )

        # -- invariants -----------------------------------------------------------------------

        @invariant()
        def nothing_stays_open_on_a_destroyed_file_but_what_must(self) -> None:
            gone = CustomerRecord.objects.filter(pk__in=self.destroyed)
            for still in workflow.open_workflows(gone):
                on_destroy = still.machine.on_file.get(Cause.DESTROYED, {})
                assert on_destroy.get(still.obj.state, OnFile.KEEP) == OnFile.KEEP, still

        @invariant()
        def no_grant_outlives_its_request(self) -> None:
            for grant in Grant.objects.active().filter(source_request__isnull=False):
                assert grant.source_request.state == RequestState.FULFILLED, grant
                assert grant.record_id not in self.destroyed

        @invariant()
        def no_request_is_both_approved_and_refused(self) -> None:
            for req in AccessRequest.objects.prefetch_related("approvals"):
                refused = any(a.decision == ApprovalDecision.REJECTED for a in req.approvals.all())
                assert not (refused and req.state in APPROVED_OR_LATER), req.number
                assert (req.state == RequestState.REJECTED) == refused, req.number

        @invariant()
        def every_state_change_has_exactly_one_event(self) -> None:
            after = states()
            events = AuditEvent.objects.filter(id__gt=self.last_event).order_by("id")
            moves: dict[str, list[str]] = {}
            for event in events:
                if "workflow" in event.details:
                    moves.setdefault(event.details["workflow"], []).append(event.details["moved"])
            for key, state in after.items():
                start = self.before.get(key, INITIAL[key.split(":")[0]])
                path = moves.pop(key, [])
                # The moves recorded since the last step lead, one event each, from the state
                # before (or the first state of a new object) to the state now.
                walked = start
                for moved in path:
                    source, target = moved.split(">")
                    assert source == walked, (key, start, path)
                    walked = target
                assert walked == state, (key, start, state, path)
            assert not moves, f"events about workflows that do not exist: {moves}"
            self.before = after
            self.last_event = (
                AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
            )

    run_state_machine_as_test(
        Workflows,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
