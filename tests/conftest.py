"""Fixtures for every suite. Each name means one thing everywhere; what they are made of comes
from tests/factories.py."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from access import people
from access.models import Department, User
from access.roles import Role
from tests.factories import World, bare_record, build_world, make_person, numbered


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Password hashing cost is not what these tests check; PBKDF2 at full strength would make
    # each sign-in take about half a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _storage_in_tmp(settings, tmp_path):
    """No test reads or writes the real var/: stored files and audit anchors go to tmp."""
    storages = dict(settings.STORAGES)
    for alias, folder in (("default", "files"), ("anchors", "anchors"), ("backups", "backups")):
        storages[alias] = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / folder)},
        }
    settings.STORAGES = storages


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Assertions read English text unless a test switches language on purpose.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def sales_dept(db) -> Department:
    return Department.objects.create(code="sales-1", name="销售一部")


@pytest.fixture
def sales_person(sales_dept):
    return make_person(
        "zhang.wei",
        roles=[Role.SALES],
        department=sales_dept,
        full_name="张伟",
        employee_number="BM1001",
    )


@dataclass
class SalesOrg:
    """Two sales departments with their heads (for intake, review and what people see)."""

    sales_1: Department
    sales_2: Department
    sales: User  # handler in sales-1
    colleague: User  # another salesperson in sales-1
    head: User  # head of sales-1
    other_sales: User  # sales-2
    other_head: User  # head of sales-2
    auditor: User
    admin: User  # superuser and staff, no role


@pytest.fixture
def sales_org(db) -> SalesOrg:
    s1 = Department.objects.create(code="sales-1", name="销售一部")
    s2 = Department.objects.create(code="sales-2", name="销售二部")
    audit_dept = Department.objects.create(code="audit", name="审计部")
    sales = make_person("zhang.wei", roles=[Role.SALES], department=s1, full_name="张伟")
    colleague = make_person("sun.li", roles=[Role.SALES], department=s1, full_name="孙丽")
    head = make_person("wang.fang", roles=[Role.DEPT_HEAD], department=s1, full_name="王芳")
    other_sales = make_person("li.na", roles=[Role.SALES], department=s2, full_name="李娜")
    other_head = make_person("zhao.lei", roles=[Role.DEPT_HEAD], department=s2, full_name="赵磊")
    auditor = make_person("yang.min", roles=[Role.AUDITOR], department=audit_dept)
    admin = make_person("root", department=audit_dept, is_superuser=True, is_staff=True)
    people.set_head(s1, head)
    people.set_head(s2, other_head)
    return SalesOrg(s1, s2, sales, colleague, head, other_sales, other_head, auditor, admin)


@pytest.fixture
def lending_org(db) -> SimpleNamespace:
    """Departments a and b with their heads, an owner in a and a borrower in b, the archive and
    management, and one numbered file of a's (metadata only): the lending and custody setting."""
    a = Department.objects.create(code="a", name="销售一部")
    b = Department.objects.create(code="b", name="销售二部")
    head_a = make_person("head-a", roles=[Role.DEPT_HEAD], department=a)
    head_b = make_person("head-b", roles=[Role.DEPT_HEAD], department=b)
    a.head, b.head = head_a, head_b
    a.save()
    b.save()
    owner = make_person("owner", roles=[Role.SALES], department=a)
    return SimpleNamespace(
        a=a,
        b=b,
        head_a=head_a,
        head_b=head_b,
        owner=owner,
        borrower=make_person("borrower", roles=[Role.SALES], department=b),
        archivist=make_person("keeper", roles=[Role.ARCHIVIST]),
        manager=make_person("boss", roles=[Role.MANAGEMENT]),
        file=numbered(bare_record(owner, a, tier=2)),
    )


@pytest.fixture
def audit_dept(db) -> Department:
    return Department.objects.create(code="audit", name="审计部")


@pytest.fixture
def auditor(audit_dept) -> User:
    return make_person(
        "yang.min",
        roles=[Role.AUDITOR],
        department=audit_dept,
        full_name="杨敏",
        employee_number="BM5001",
    )


@pytest.fixture
def officer(db) -> User:
    """The information-security officer, with a mailbox."""
    dept = Department.objects.create(code="infosec", name="信息安全部")
    return make_person(
        "chen.jing",
        roles=[Role.SECURITY_OFFICER],
        department=dept,
        full_name="陈静",
        employee_number="BM4001",
        email="chen.jing@example.com",
    )


@pytest.fixture
def archive_staff(db) -> World:
    return build_world()
