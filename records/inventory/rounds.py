"""Inventory rounds (盘点): plan, record, follow, close (issue 19 §2, R33, R85).

The archivist plans a round for rooms (and, if they like, cabinets); the folders kept there are
frozen as the round's due list. Each folder is then recorded by its number, typed or scanned
(a barcode scanner types too): found, missing, damaged or found in the wrong place, through the
one inventory check (records.paper.check), which reports every discrepancy as an incident.
Closing the round records each folder nobody found as missing, so nothing is left unexplained.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access import policy
from access.models import User
from access.policy import Capability, RecordAction
from core.refusals import Refused
from records import paper
from records.inventory.models import InventoryRound, RoundItem, RoundStatus
from records.models import InventoryResult, PaperFile, RecordStatus


def rooms() -> list[str]:
    """The rooms folders are kept in, for planning."""
    kept = PaperFile.objects.exclude(record__status=RecordStatus.DESTROYED)
    return sorted(set(kept.values_list("room", flat=True)))


def plan(
    user: User, *, name: str, rooms: list[str], cabinets: list[str], due_on: date | None
) -> InventoryRound:
    """A round over the folders kept in ``rooms`` (all when empty), limited to ``cabinets``."""
    policy.require_can(user, Capability.PAPER_ARCHIVE)
    folders = PaperFile.objects.exclude(record__status=RecordStatus.DESTROYED)
    if rooms:
        folders = folders.filter(room__in=rooms)
    if cabinets:
        folders = folders.filter(cabinet__in=cabinets)
    ids = list(folders.values_list("pk", flat=True))
    if not ids:
        raise Refused({"rooms": [_("No folder is kept in these rooms and cabinets.")]})
    with transaction.atomic():
        found = InventoryRound.objects.create(
            name=name, rooms=rooms, cabinets=cabinets, due_on=due_on, planned_by=user
        )
        RoundItem.objects.bulk_create(RoundItem(round=found, paper_file_id=pk) for pk in ids)
        audit.record(
            user,
            "inventory.round_planned",
            target=found,
            folders=len(ids),
            rooms=rooms,
            cabinets=cabinets,
        )
    return found


@dataclass
class Place:
    room: str
    cabinet: str
    remaining: list[str] = field(default_factory=list)  # archive numbers still to check


@dataclass
class Progress:
    total: int
    checked: int
    results: dict[str, int]  # result -> folders
    places: list[Place]  # where folders remain, in room and cabinet order

    @property
    def percent(self) -> int:
        return round(100 * self.checked / self.total) if self.total else 100


def progress(found: InventoryRound) -> Progress:
    items = found.items.select_related("paper_file__record", "settled_by")
    results: dict[str, int] = {}
    places: dict[tuple[str, str], Place] = {}
    checked = total = 0
    for item in items.order_by("paper_file__room", "paper_file__cabinet", "paper_file__shelf"):
        total += 1
        folder = item.paper_file
        if item.settled_by is not None:
            checked += 1
            results[item.settled_by.result] = results.get(item.settled_by.result, 0) + 1
            continue
        key = (folder.room, folder.cabinet)
        place = places.setdefault(key, Place(folder.room, folder.cabinet))
        place.remaining.append(folder.record.archive_number or "")
    return Progress(total, checked, results, list(places.values()))


def _open(found: InventoryRound) -> InventoryRound:
    locked = InventoryRound.objects.select_for_update().get(pk=found.pk)
    if locked.status != RoundStatus.OPEN:
        raise Refused({"__all__": [_("This round is closed; its results can no longer change.")]})
    return locked


def record(user: User, found: InventoryRound, number: str, result: str, note: str) -> RoundItem:
    """Record what was found of the folder numbered ``number`` (its archive number or the old
    one it came in with); a folder is recorded once per round."""
    policy.require_can(user, Capability.PAPER_ARCHIVE)
    number = number.strip()
    with transaction.atomic():
        _open(found)
        items = found.items.select_for_update(of=("self",)).select_related(
            "paper_file__record", "settled_by__checked_by"
        )
        matches = list(items.filter(paper_file__record__archive_number__iexact=number)) or list(
            items.filter(paper_file__record__old_number__iexact=number)[:2]
        )
        if len(matches) > 1:
            raise Refused(
                {
                    "number": [
                        _(
                            "Several folders of this round came in with the old number "
                            "%(number)s. Type the archive number on the cover sheet."
                        )
                        % {"number": number}
                    ]
                }
            )
        item = matches[0] if matches else None
        if item is None:
            raise Refused(
                {
                    "number": [
                        _(
                            "No folder numbered %(number)s is due in this round. Check the "
                            "number; a folder of another room is checked in that room's round."
                        )
                        % {"number": number}
                    ]
                }
            )
        earlier = item.settled_by
        if earlier is not None:
            raise Refused(
                {
                    "number": [
                        _("%(number)s was already recorded: %(result)s, by %(who)s at %(when)s.")
                        % {
                            "number": item.paper_file.record.archive_number,
                            "result": earlier.get_result_display(),
                            "who": earlier.checked_by.get_full_name(),
                            "when": timezone.localtime(earlier.checked_at).strftime("%H:%M"),
                        }
                    ]
                }
            )
        decision = policy.decide(user, RecordAction.MANAGE_PAPER, item.paper_file.record)
        if not decision:  # the file left the archive since the round was planned (destroyed)
            raise Refused({"number": [str(decision.reason)]})
        item.settled_by = paper.check(user, item.paper_file, result, note)
        item.save(update_fields=["settled_by"])
    return item


def unchecked(found: InventoryRound) -> QuerySet[RoundItem]:
    return found.items.filter(settled_by__isnull=True)


def close(user: User, found: InventoryRound) -> int:
    """Close the round: every folder not yet found is recorded missing (and reported). Returns
    how many that was."""
    policy.require_can(user, Capability.PAPER_ARCHIVE)
    with transaction.atomic():
        locked = _open(found)
        left = []
        for item in unchecked(locked).select_related("paper_file__record"):
            if not policy.decide(user, RecordAction.MANAGE_PAPER, item.paper_file.record):
                item.delete()  # destroyed since the round was planned: nothing to look for
                continue
            left.append(item)
            item.settled_by = paper.check(
                user,
                item.paper_file,
                InventoryResult.MISSING,
                "盘点结束时仍未找到",  # what the incident says, in the archive's language
            )
            item.save(update_fields=["settled_by"])
        locked.status, locked.closed_by, locked.closed_at = RoundStatus.CLOSED, user, timezone.now()
        locked.save(update_fields=["status", "closed_by", "closed_at"])
        done = progress(locked)
        audit.record(
            user,
            "inventory.round_closed",
            target=locked,
            folders=done.total,
            found=done.results.get(InventoryResult.FOUND, 0),
            missing=done.results.get(InventoryResult.MISSING, 0),
            damaged=done.results.get(InventoryResult.DAMAGED, 0),
            misplaced=done.results.get(InventoryResult.MISPLACED, 0),
        )
    return len(left)


def yearly_round_due(today: date | None = None) -> bool:
    """No round was planned in the last year (R85: the archive is checked at least yearly)."""
    today = today or timezone.localdate()
    since = timezone.make_aware(datetime.combine(today - timedelta(days=365), time.min))
    held = InventoryRound.objects.filter(planned_at__gte=since).exists()
    return not held and PaperFile.objects.exists()


def to_do() -> int:
    """The archive's to-do: rounds in progress, and the yearly round when it is due."""
    return InventoryRound.objects.filter(status=RoundStatus.OPEN).count() + int(yearly_round_due())
