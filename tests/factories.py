"""Everything the suites make: departments, people, client files and grants (factory_boy), and
files registered through the intake service as a salesperson would. One place, so that a new
column or rule is taught to the tests once.

Two kinds of file: ``bare_record`` is a row with metadata only (the policy decides on handler,
department, level and status, and never opens the content), for rules and walks; ``register``
and ``approved`` go through intake, consent, encryption and review, for anything that reads,
copies, exports or destroys content.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from access import grants, people
from access.models import Department, Grant, RecordUserObjectPermission, User
from access.roles import Role
from disposal import retention
from records import intake, review
from records.consents import ConsentTerms
from records.fields import Category
from records.models import CustomerRecord

PASSWORD = "Correct-Horse-42!"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# A person whose identifiers are valid (check digits) and unusual enough to grep for.
PERSON = {
    "full_name": "欧阳晓梅",
    "gender": "female",
    "id_number": "11010519491231002X",
    "mobile": "13912345678",
    "email": "xiaomei.ouyang@example.cn",
    "address_region": "北京市朝阳区",
    "address_detail": "建国路88号SOHO现代城3号楼1201室",
    "bank_card": "6222020200112233446",
    "budget": "3800000",
    "negotiation_notes": "底价可让到365万，需在月底前签约",
    "needs": "三居室，近地铁",
}


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"部门{n}")


class PersonFactory(DjangoModelFactory):
    """A person with an active account, the test password and the roles given (``roles=[...]``)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person-{n}")
    department = None
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Iterable[Role] | None, **kwargs: Any) -> None:
        self.save()
        self.groups.set(Group.objects.filter(name__in=[Role(r).value for r in extracted or ()]))


class BareRecordFactory(DjangoModelFactory):
    """A file row with metadata only, no content and a dummy wrapped key."""

    class Meta:
        model = CustomerRecord

    kind = "person"
    tier = 2
    minimum_tier = factory.SelfAttribute("tier")
    status = "approved"
    source = "walk_in"
    acquired_at = date(2026, 11, 2)
    key_version = 1
    wrapped_key = b"\x00" * 60


def make_person(
    username: str,
    *,
    roles: Iterable[Role] = (),
    department: Department | None = None,
    **fields: Any,
) -> User:
    return PersonFactory(username=username, roles=list(roles), department=department, **fields)


def bare_record(
    handler: User, department: Department, *, tier: int = 2, status: str = "approved"
) -> CustomerRecord:
    return BareRecordFactory(handler=handler, department=department, tier=tier, status=status)


def numbered(record: CustomerRecord, n: int = 1) -> CustomerRecord:
    record.archive_number = f"KH-2019-{n:06d}"  # a year review.approve never numbers now
    record.save(update_fields=["archive_number"])
    return record


def read_grant(grantee: User, record: CustomerRecord, by: User, days: int = 7) -> Grant:
    return grants.issue(
        grantee=grantee,
        record=record,
        expires_at=timezone.now() + timedelta(days=days),
        reason="test",
        granted_by=by,
        source=Grant.Source.BORROW,
    )


def let_time_pass(grant: Grant) -> None:
    """The grant ran out a minute ago, and the sweep has not run yet."""
    past = timezone.now() - timedelta(minutes=1)
    Grant.objects.filter(pk=grant.pk).update(starts_at=past - timedelta(days=7), expires_at=past)
    RecordUserObjectPermission.objects.filter(
        user_id=grant.grantee_id, content_object_id=grant.record_id
    ).update(expires_at=past)


def pdf_upload(name: str = "consent-欧阳晓梅.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def full_consent(**overrides: object) -> ConsentTerms:
    terms = ConsentTerms(
        purpose="购房及相关服务",
        scope=[
            c.value for c in Category if c.value not in {"id_number", "bank_account", "special"}
        ],
        sensitive_scope=["id_number", "bank_account", "special"],
        method="paper",
        obtained_at=date(2026, 11, 1),
    )
    for key, value in overrides.items():
        setattr(terms, key, value)
    return terms


def register(
    user: User,
    content: dict[str, str] | None = None,
    *,
    kind: str = "person",
    tier: int | None = None,
    terms: ConsentTerms | None = None,
    evidence: bool = True,
) -> CustomerRecord:
    """A file registered by ``user`` through intake (a draft)."""
    return intake.create(
        user,
        intake.Metadata(kind=kind, source="walk_in", acquired_at=date(2026, 11, 2), tier=tier),
        dict(PERSON if content is None else content),
        terms or full_consent(),
        evidence=pdf_upload() if evidence else None,
    )


def approved(handler: User, head: User, content: dict[str, str] | None = None) -> CustomerRecord:
    """A file registered by ``handler``, submitted and approved by ``head`` (numbered)."""
    record = register(handler, content)
    intake.submit(handler, record)
    review.approve(head, record)
    record.refresh_from_db()
    return record


# --- The archive's staff, and files past their retention --------------------------------------


class World:
    """A sales department with its salesperson and head, two archivists, the security officer
    and legal: who proposes, signs, executes and holds."""


def build_world() -> World:
    w = World()
    w.dept = Department.objects.create(code="sales-1", name="销售一部")
    w.sales = make_person("zhang.wei", roles=[Role.SALES], department=w.dept, full_name="张伟")
    w.head = make_person("wang.fang", roles=[Role.DEPT_HEAD], department=w.dept, full_name="王芳")
    people.set_head(w.dept, w.head)
    w.keeper = make_person("liu.yang", roles=[Role.ARCHIVIST], full_name="刘洋")
    w.keeper2 = make_person("sun.mei", roles=[Role.ARCHIVIST], full_name="孙梅")
    w.officer = make_person("chen.jing", roles=[Role.SECURITY_OFFICER], full_name="陈静")
    w.lawyer = make_person("huang.qiang", roles=[Role.LEGAL], full_name="黄强")
    return w


LONG_AGO = datetime(2020, 1, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


def make_due(record: CustomerRecord, *, no_deal_since: datetime = LONG_AGO) -> CustomerRecord:
    """The business ended without a deal long ago: past the no-deal retention period."""
    CustomerRecord.objects.filter(pk=record.pk).update(outcome="no_deal", updated_at=no_deal_since)
    record.refresh_from_db()
    retention.recompute([record])
    record.refresh_from_db()
    return record
