"""What executing a disposal batch will do, said before it is done (issue 16 §6).

Destruction cannot be undone, so the archivist confirms on a page that lists its consequences:
how many files go, which stay (a legal hold, a paper folder out on loan) and why, the requests
that are withdrawn or closed, the electronic loans that end, the copies still out whose holders
will be asked to destroy them, and the paper folders left to shred before a witness. The list
comes from the same plan the execution follows (``workflow.plan_for_files``), not from a
second reading of the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from access.models import CopyRegisterEntry, Grant
from access.workflow import Cause, Planned, plan_for_files
from audit import wording
from disposal.holds import held
from disposal.models import DisposalBatch
from records.models import CustomerRecord


@dataclass
class ExecutionPreview:
    files: int = 0
    kept: list[tuple[str, str]] = field(default_factory=list)  # (archive number, why it stays)
    withdrawn: list[str] = field(default_factory=list)  # request numbers called off
    closed: list[str] = field(default_factory=list)  # delivery links that die unused
    loans_ended: list[str] = field(default_factory=list)  # electronic loans losing a file
    still_open: list[str] = field(default_factory=list)  # waiting for a copy or a receipt
    readers: int = 0  # people reading one of the files now (their access ends)
    copies_out: list[str] = field(default_factory=list)  # copy serials not confirmed destroyed
    paper_to_shred: int = 0

    @property
    def destroyed(self) -> int:
        return self.files - len(self.kept)


def _number(step: Planned) -> str:
    """A request's number; an object without one (a hand-over) by its kind and id."""
    obj = step.open_one.obj
    number = getattr(obj, "number", "")
    return number or f"{wording.value('workflow', step.open_one.machine.key)} {obj.pk}"


def preview(batch: DisposalBatch) -> ExecutionPreview:
    items = list(batch.items.filter(active=True, executed_at__isnull=True))
    ids = [item.record_id for item in items]
    records = list(CustomerRecord.objects.filter(pk__in=ids))
    numbers = {record.pk: record.archive_number or record.audit_label() for record in records}
    shown = ExecutionPreview(files=len(records))
    on_hold = set(held(CustomerRecord.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    shown.kept.extend(sorted((numbers[pk], "legal_hold") for pk in on_hold))
    going = [record for record in records if record.pk not in on_hold]
    by_outcome = {
        "cancel": shown.withdrawn,
        "close": shown.closed,
        "end_loan": shown.loans_ended,
        "keep": shown.still_open,
    }
    for step in plan_for_files(going, Cause.DESTROYED):
        if step.outcome == "held":
            shown.kept.append((numbers[step.open_one.record_id], step.why))
        else:
            by_outcome[step.outcome].append(_number(step))
    kept = {number for number, _why in shown.kept}
    staying = {pk for pk, number in numbers.items() if number in kept}
    shown.readers = (
        Grant.objects.active()
        .filter(record_id__in=[r.pk for r in going if r.pk not in staying])
        .values("grantee_id")
        .distinct()
        .count()
    )
    shown.copies_out = sorted(
        CopyRegisterEntry.objects.filter(
            request__items__record_id__in=ids, destroyed_at__isnull=True
        )
        .values_list("serial", flat=True)
        .distinct()
    )
    shown.paper_to_shred = sum(
        1 for item in items if item.had_paper and item.record_id not in staying
    )
    for values in by_outcome.values():
        values[:] = sorted(set(values))
    return shown
