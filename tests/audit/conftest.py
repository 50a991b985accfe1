"""Fixtures for the audit suites: people in audit roles."""

from __future__ import annotations

import pytest

from access.models import Department
from access.roles import Role
from tests.helpers import make_person


@pytest.fixture
def audit_dept(db):
    return Department.objects.create(code="audit", name="审计部")


@pytest.fixture
def auditor(audit_dept):
    return make_person(
        "yang.min",
        roles=[Role.AUDITOR],
        department=audit_dept,
        full_name="杨敏",
        employee_number="BM5001",
    )


@pytest.fixture
def officer(db):
    dept = Department.objects.create(code="infosec", name="信息安全部")
    return make_person(
        "chen.jing",
        roles=[Role.SECURITY_OFFICER],
        department=dept,
        full_name="陈静",
        employee_number="BM4001",
        email="chen.jing@example.com",
    )
