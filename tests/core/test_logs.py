"""Issue 16 §9: an expected refusal is one log line, not a Python traceback."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


def test_r16_a_refused_page_logs_one_line_without_a_traceback(sales_org, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client_verified(sales_org.sales).get(reverse("audit:events"))
    assert response.status_code == 403
    lines = [
        logging.Formatter("%(levelname)s %(name)s %(message)s").format(record)
        for record in caplog.records
        if record.name.startswith("django.")
    ]
    assert lines, "the refusal is still logged"
    assert all("\n" not in line and "Traceback" not in line for line in lines), lines


def test_r16_a_server_error_keeps_its_traceback():
    """Only the expected answers (4xx) lose the traceback; a real error keeps it."""
    from core.logs import ExpectedAnswersWithoutTraceback

    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logger.makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            (),
            sys.exc_info(),
        )
    record.status_code = 500
    assert ExpectedAnswersWithoutTraceback().filter(record)
    assert record.exc_info is not None


def test_r16_a_bad_host_is_one_line_too(caplog, settings):
    """Django logs a forged Host on django.security.DisallowedHost, a child logger that logger
    filters never see: the console handler itself drops 4xx tracebacks."""
    from django.test import Client

    from config.logs import logging_config
    from core.logs import ExpectedAnswersWithoutTraceback

    caplog.set_level(logging.ERROR, logger="django.security")
    Client().get("/", HTTP_HOST="evil.example.com")
    records = [r for r in caplog.records if r.name.startswith("django.security")]
    assert records
    assert "expected_answers" in logging_config("INFO")["handlers"]["console"]["filters"]
    for record in records:
        ExpectedAnswersWithoutTraceback().filter(record)
        line = logging.Formatter("%(levelname)s %(name)s %(message)s").format(record)
        assert "\n" not in line, line
