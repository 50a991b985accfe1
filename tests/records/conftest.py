"""Fixtures shared by the client-file tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from access.roles import Role
from records import intake, review
from records.circulation import parties
from records.imports import service as imports
from tests.factories import PDF, build_world, make_person, register
from tests.records.report_archive import archive  # noqa: F401 - the report tests' fixture


@pytest.fixture
def share_world(lending_org):
    """An approved file of lending_org's owner, a party with a signed NDA, a lawyer and the
    security officer: (lending_org, lawyer, officer, party, record)."""
    lawyer = make_person("lawyer", roles=[Role.LEGAL])
    officer = make_person("officer", roles=[Role.SECURITY_OFFICER])
    party = parties.save(
        lawyer,
        None,
        name="北京匠心设计工作室",
        kind="design_team",
        contact_name="刘设计",
        contact_email="liu@jiangxin.example.cn",
        nda_signed_on=timezone.localdate() - timedelta(days=30),
        nda_expires_on=timezone.localdate() + timedelta(days=335),
        nda_document=SimpleUploadedFile("nda.pdf", PDF, content_type="application/pdf"),
    )
    record = register(
        lending_org.owner, {"full_name": "欧阳晓梅", "mobile": "13912345678", "needs": "三居室"}
    )
    intake.submit(lending_org.owner, record)
    review.approve(lending_org.head_a, record)
    record.refresh_from_db()
    return lending_org, lawyer, officer, party, record


@pytest.fixture
def world():
    """The world of the import tests (issue 19 §1): 销售一部 with its head and staff."""
    return build_world()


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start an import and run its commit: Celery runs it eagerly on SQLite; with a broker the
    message goes to Redis and the test does the worker's part (the browser journey runs a real
    worker; a worker thread cannot see this test's uncommitted transaction)."""

    def starting(user, batch):
        with django_capture_on_commit_callbacks(execute=True):
            imports.start(user, batch)
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            imports.run(str(batch.pk))

    return starting
