"""Issue 18 §10: one request id from the proxy (or made here) in the response, the audit events
and every log line of the request; JSON log lines when BAOMI_LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from config.logs import logging_config
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


def _console_line(record: logging.LogRecord, fmt: str = "plain") -> str:
    config = logging_config("INFO", fmt)
    handler_filters = config["handlers"]["console"]["filters"]
    for name in handler_filters:
        spec = dict(config["filters"][name])
        factory = spec.pop("()")
        module, _dot, attr = factory.rpartition(".")
        flt = getattr(__import__(module, fromlist=[attr]), attr)(**spec)
        flt.filter(record)
    formatter_spec = dict(config["formatters"][config["handlers"]["console"]["formatter"]])
    if "()" in formatter_spec:
        factory = formatter_spec.pop("()")
        module, _dot, attr = factory.rpartition(".")
        formatter = getattr(__import__(module, fromlist=[attr]), attr)(**formatter_spec)
    else:
        formatter = logging.Formatter(formatter_spec["format"])
    return formatter.format(record)


def test_i18_10_the_proxys_request_id_reaches_the_response_and_the_audit_events(auditor):
    given = uuid.uuid4().hex
    response = client_verified(auditor).get(reverse("audit:events"), HTTP_X_REQUEST_ID=given)
    assert response["X-Request-ID"] == given
    event = AuditEvent.objects.filter(action="audit.console_view").latest("id")
    assert event.request_id == given


def test_i18_10_a_hyphenated_id_is_kept_in_one_form_and_a_forged_one_replaced(auditor):
    client = client_verified(auditor)
    given = uuid.uuid4()
    response = client.get(reverse("audit:events"), HTTP_X_REQUEST_ID=str(given))
    assert response["X-Request-ID"] == given.hex
    forged = client.get(reverse("audit:events"), HTTP_X_REQUEST_ID="<script>x</script>")
    made = forged["X-Request-ID"]
    assert len(made) == 32
    assert "script" not in made


def test_i18_10_every_log_line_names_its_request():
    from django_guid import set_guid

    set_guid("a" * 32)
    record = logging.LogRecord(
        "baomi.records", logging.WARNING, __file__, 1, "file saved", (), None
    )
    assert "[" + "a" * 32 + "]" in _console_line(record)
    set_guid(None)


def test_i18_10_json_log_lines_carry_time_level_logger_message_and_request_id():
    from django_guid import set_guid

    set_guid("b" * 32)
    record = logging.LogRecord("baomi.audit", logging.INFO, __file__, 1, "sealed %s", (3,), None)
    line = json.loads(_console_line(record, "json"))
    assert line["level"] == "INFO"
    assert line["logger"] == "baomi.audit"
    assert line["message"] == "sealed 3"
    assert line["request_id"] == "b" * 32
    assert "time" in line
    set_guid(None)
