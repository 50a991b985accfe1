"""The decision table (access/data/decision_table.toml): loaded for the policy tests and
rendered for docs/ACCESS_DECISIONS.md, so the specification lives in one file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

TABLE = Path(__file__).with_name("data") / "decision_table.toml"
RELATIONS = ("own", "same_department", "other_department", "granted", "grant_expired")
TIERS = (1, 2, 3, 4)
TIER_NAMES = {1: "1 绝密", 2: "2 机密", 3: "3 敏感", 4: "4 公开"}


@dataclass(frozen=True)
class Case:
    action: str
    status: str
    role: str
    relation: str
    tier: int
    allowed: bool

    def __str__(self) -> str:
        verdict = "allow" if self.allowed else "deny"
        return (
            f"{self.role} {self.action} {self.relation} tier {self.tier} ({self.status}): {verdict}"
        )


def load(path: Path = TABLE) -> dict[str, dict]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def cases(path: Path = TABLE) -> list[Case]:
    """Every role x action x relation x tier, each with the verdict the table states."""
    found: list[Case] = []
    for action, entry in load(path).items():
        for role, row in entry.items():
            if role in ("status", "summary"):
                continue
            for relation in RELATIONS:
                allowed_tiers = row[relation]
                found.extend(
                    Case(action, entry["status"], role, relation, tier, str(tier) in allowed_tiers)
                    for tier in TIERS
                )
    return found


def _cell(tiers: str) -> str:
    if tiers == "1234":
        return "all"
    if not tiers:
        return "—"
    return ",".join(tiers)


def render_markdown(path: Path = TABLE) -> str:
    """docs/ACCESS_DECISIONS.md: one table per action, roles down, relations across."""
    lines = [
        "# Who may do what to a client file",
        "",
        "Generated from `access/data/decision_table.toml` by `scripts/decision_table.py`; do not",
        "edit by hand. Each cell lists the classification levels at which the action is allowed",
        "(`all` = levels 1-4, `—` = never). The policy tests check `access/policy/` against",
        "every cell. Relations: **own** = the person handles the file; **same dept** = a file of",
        "the person's department (for a head: a department they head); **other dept** = another",
        "department's file; **granted** = another department's file with a live read grant;",
        "**expired** = the same after the grant ran out (refused even before the sweep).",
        "",
    ]
    header = "| role | own | same dept | other dept | granted | expired |"
    for action, entry in load(path).items():
        lines += [f"## {action}", "", f"{entry['summary']} File status: `{entry['status']}`.", ""]
        lines += [header, "|---|---|---|---|---|---|"]
        for role, row in entry.items():
            if role in ("status", "summary"):
                continue
            cells = " | ".join(_cell(row[r]) for r in RELATIONS)
            lines.append(f"| {role} | {cells} |")
        lines.append("")
    return "\n".join(lines)
