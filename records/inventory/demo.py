"""The inventory part of ``seed_demo``: 刘洋 plans this year's round for 档案室A and has recorded
all but one of its folders (one damaged, so an incident), the last still to find."""

from __future__ import annotations

from access.demo import DemoContext, register_step
from records.inventory import rounds
from records.inventory.models import InventoryRound


def seed_inventory(ctx: DemoContext) -> None:
    if InventoryRound.objects.exists():
        ctx.out.write("an inventory round exists already; left as it is\n")
        return
    keeper = ctx.people["liu.yang"]
    if "档案室A" not in rounds.rooms():
        return
    found = rounds.plan(keeper, name="2026 年度盘点", rooms=["档案室A"], cabinets=[], due_on=None)
    due = rounds.progress(found).places
    numbers = [number for place in due for number in place.remaining]
    for index, number in enumerate(numbers[:-1]):
        if index == 1:
            rounds.record(keeper, found, number, "damaged", "档案袋破损，封面受潮")
        else:
            rounds.record(keeper, found, number, "found", "")
    ctx.out.write(
        f"inventory round '{found.name}': {len(numbers) - 1} of {len(numbers)} folders recorded "
        f"(one damaged), {numbers[-1]} still to find\n"
    )


register_step(57, "inventory", seed_inventory)
