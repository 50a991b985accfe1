"""Fixtures for every suite."""

from __future__ import annotations

import pytest

from access.models import Department
from access.roles import Role
from tests.helpers import make_person


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
