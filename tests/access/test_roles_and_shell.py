"""R1 roles, the policy's capabilities and the role-aware shell (issue 2 §3, §7)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import translation

from access import policy
from access.policy import Capability
from access.roles import Role
from tests.factories import make_person
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db

CHINESE_LABELS = {
    "sales": "销售人员",
    "dept_head": "部门负责人",
    "archivist": "档案管理员",
    "security_officer": "信息安全负责人",
    "auditor": "审计员",
    "legal": "法务",
    "management": "管理层",
}


def test_r1_roles_are_created_by_the_data_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    assert set(Role.values) == set(CHINESE_LABELS)


def test_r1_role_labels_read_in_chinese():
    with translation.override("zh-hans"):
        assert {role.value: str(role.label) for role in Role} == CHINESE_LABELS


def test_r1_roles_of_reads_group_membership_and_ignores_other_groups(sales_dept):
    Group.objects.create(name="not-a-role")
    person = make_person("p1", roles=[Role.SALES, Role.LEGAL], department=sales_dept)
    person.groups.add(Group.objects.get(name="not-a-role"))
    assert policy.roles_of(person) == {Role.SALES, Role.LEGAL}


def test_superuser_gets_no_role_and_no_admin_without_staff_status(sales_dept):
    root = make_person("root", is_superuser=True, is_staff=False)
    assert policy.roles_of(root) == frozenset()
    assert not policy.can(root, Capability.ADMIN_SITE)


def test_inactive_people_can_use_nothing(sales_dept):
    person = make_person("gone", roles=[Role.SALES], is_staff=True, is_active=False)
    assert not any(policy.can(person, capability) for capability in Capability)
    assert policy.roles_of(person) == frozenset()


def test_menu_shows_only_what_the_person_may_use(sales_person):
    client = client_verified(sales_person)
    page = client.get(reverse("home"))
    keys = [item.key for item in page.context["nav_items"]]
    assert "security" in keys
    assert "admin" not in keys
    assert 'data-nav="admin"' not in page.content.decode()

    staff = make_person("it.admin", is_staff=True)
    staff_page = client_verified(staff).get(reverse("home"))
    assert "admin" in [item.key for item in staff_page.context["nav_items"]]


def test_home_shows_department_and_translated_roles(sales_person):
    client = client_verified(sales_person)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "销售一部" in page
    assert "销售人员" in page
    assert "欢迎" in page


@pytest.mark.parametrize(
    ("roles", "staff"),
    [([role], False) for role in Role] + [([], True)],
    ids=[role.value for role in Role] + ["staff"],
)
def test_no_dead_links_every_menu_entry_opens_for_its_reader(roles, staff, sales_dept):
    person = make_person("reader", roles=roles, department=sales_dept, is_staff=staff)
    client = client_verified(person)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    for item in home.context["nav_items"]:
        assert client.get(reverse(item.url_name)).status_code == 200, item.key


def test_watermark_names_viewer_number_and_time(sales_person):
    client = client_verified(sales_person)
    page = client.get(reverse("home")).content.decode()
    assert 'class="watermark"' in page
    mark = page.split('data-watermark="')[1].split('"')[0]
    name, number, stamp = mark.split(" · ")
    assert (name, number) == ("张伟", "BM1001")
    assert len(stamp) == len("2026-01-01 09:00")


def test_anonymous_pages_carry_no_watermark_or_menu():
    page = Client().get(reverse("access:login")).content.decode()
    assert 'class="watermark"' not in page
    assert 'class="mainnav"' not in page
