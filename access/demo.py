"""Demo data, built through the same services people use (``manage.py seed_demo``).

Each app adds its own step with ``register_step``; the command runs them in the order the apps
depend on each other, so later steps can use what earlier ones made (people first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django_otp.plugins.otp_totp.models import TOTPDevice

import audit
from access import people
from access.models import User
from access.qr import manual_entry_key
from access.roles import Role
from access.signin import TOTP_DEVICE_NAME

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

DEMO_PASSWORD = "Baomi#Demo2026"  # noqa: S105 - printed on purpose; seed_demo refuses production


@dataclass
class DemoContext:
    password: str
    out: SupportsWrite[str]  # the command's stdout
    people: dict[str, User] = field(default_factory=dict)


Step = Callable[[DemoContext], None]
_STEPS: list[tuple[int, str, Step]] = []


def register_step(order: int, name: str, step: Step) -> None:
    if all(existing != name for _o, existing, _s in _STEPS):
        _STEPS.append((order, name, step))


def steps() -> list[tuple[str, Step]]:
    return [(name, step) for _order, name, step in sorted(_STEPS, key=lambda item: item[0])]


DEPARTMENTS = [
    ("sales-1", "销售一部"),
    ("sales-2", "销售二部"),
    ("archive", "档案室"),
    ("infosec", "信息安全部"),
    ("audit", "审计部"),
    ("legal", "法务部"),
    ("office", "总经理办公室"),
    ("it", "信息技术部"),
]

# username, full name, employee number, department code, roles, staff, heads department
PEOPLE = [
    ("zhang.wei", "张伟", "BM1001", "sales-1", [Role.SALES], False, False),
    ("li.na", "李娜", "BM1002", "sales-2", [Role.SALES], False, False),
    ("wang.fang", "王芳", "BM2001", "sales-1", [Role.DEPT_HEAD], False, True),
    ("zhao.lei", "赵磊", "BM2002", "sales-2", [Role.DEPT_HEAD], False, True),
    ("liu.yang", "刘洋", "BM3001", "archive", [Role.ARCHIVIST], False, True),
    ("chen.jing", "陈静", "BM4001", "infosec", [Role.SECURITY_OFFICER], False, True),
    ("yang.min", "杨敏", "BM5001", "audit", [Role.AUDITOR], False, True),
    ("huang.qiang", "黄强", "BM6001", "legal", [Role.LEGAL], False, True),
    ("zhou.jun", "周军", "BM7001", "office", [Role.MANAGEMENT], False, True),
    ("sysadmin", "系统管理员", "BM9001", "it", [], True, False),
]


def demo_authenticator(user: User) -> TOTPDevice:
    """A confirmed authenticator with a known secret, so a newcomer can add it to an app."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
    return device


def seed_people(ctx: DemoContext) -> None:
    departments = {code: people.ensure_department(code, name) for code, name in DEPARTMENTS}
    rows = []
    for username, name, number, dept, roles, staff, heads in PEOPLE:
        user, _created = people.ensure_person(
            username=username,
            full_name=name,
            employee_number=number,
            department=departments[dept],
            roles=roles,
            password=ctx.password,
            is_staff=staff,
        )
        if heads:
            people.set_head(departments[dept], user)
        if staff:
            people.make_account_administrator(user)
        ctx.people[username] = user
        role_label = ", ".join(str(role.label) for role in roles) or "admin (staff)"
        rows.append(
            (
                username,
                name,
                role_label,
                departments[dept].name,
                manual_entry_key(demo_authenticator(user)),
            )
        )
    line = "{:<12} {:<8} {:<32} {:<10} {}\n"
    ctx.out.write(f"\nDemo accounts (password for all: {ctx.password})\n")
    ctx.out.write(line.format("username", "name", "role", "department", "TOTP secret (base32)"))
    for row in rows:
        ctx.out.write(line.format(*row))
    ctx.out.write(
        "\nAdd a secret to any authenticator app (time-based, 6 digits, 30 s), or print the "
        "current code with: python manage.py demo_totp <username>\n"
    )


register_step(10, "people", seed_people)


def seed_audit_story(ctx: DemoContext) -> None:
    """An open incident for the security officer, an anomaly scan and an anchor of the chain."""
    from audit import anchors, anomalies, chain, incidents
    from audit.models import Incident

    reporter = ctx.people["li.na"]
    if not Incident.objects.filter(reporter=reporter).exists():
        # A refused attempt, as the 403 handler records it: a salesperson tried the audit log.
        audit.record(
            ctx.people["zhang.wei"],
            "access.denied",
            url_name="audit:events",
            method="GET",
            reason="permission",
        )
        incidents.report(
            reporter,
            kind="misuse",
            description=(
                "在打印室看到一份未取走的客户资料复印件，疑似他人打印后遗忘。已交给档案室。"
            ),
            archive_numbers=[],
        )
    chain.seal_pending()
    anomalies.scan()
    anchor = anchors.write_anchor()
    if anchor:
        ctx.out.write(f"audit chain anchored at sequence {anchor.seq}\n")


register_step(90, "audit", seed_audit_story)


def seed_training(ctx: DemoContext) -> None:
    """R80: 陈静 held the autumn confidentiality training; 李娜 missed it, so she heads the list
    of people due (with anyone created since)."""
    from datetime import timedelta

    from django.utils import timezone

    from access import training
    from access.models import TrainingSession

    if TrainingSession.objects.exists():
        ctx.out.write("a training session exists already; left as it is\n")
        return
    attended = [person for name, person in ctx.people.items() if name not in ("li.na", "sysadmin")]
    session = training.record_session(
        ctx.people["chen.jing"],
        held_on=timezone.localdate() - timedelta(days=40),
        topic="客户信息保密制度与《个人信息保护法》要点",
        trainer="陈静",
        materials="讲义和案例分析（纸质版存档案室）；结业测验",
        attendees=attended,
    )
    ctx.out.write(f"training session of {session.held_on}: {len(attended)} attended\n")


register_step(80, "training", seed_training)
