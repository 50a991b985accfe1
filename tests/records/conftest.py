"""People and client files for the records suites, made through the services users go through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from access import people
from access.models import Department, User
from access.roles import Role
from records import intake
from records.consents import ConsentTerms
from records.fields import Category
from records.models import CustomerRecord
from tests.helpers import make_person

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
    return intake.create(
        user,
        intake.Metadata(kind=kind, source="walk_in", acquired_at=date(2026, 11, 2), tier=tier),
        dict(PERSON if content is None else content),
        terms or full_consent(),
        evidence=pdf_upload() if evidence else None,
    )


@dataclass
class Org:
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
def org(db) -> Org:
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
    return Org(s1, s2, sales, colleague, head, other_sales, other_head, auditor, admin)
