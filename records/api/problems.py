"""Errors as RFC 9457 problem documents (``application/problem+json``): a machine-readable
``type``, a human ``title`` and ``detail``, the ``status``, and for invalid input the
``errors`` by field. Every refusal the services raise (``Denied`` from the policy, ``Refused``
from a rule) becomes one, with the same sentence a person would read on a page."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from access.policy import Denied
from core.refusals import ALL, Refused

log = logging.getLogger(__name__)

PROBLEM_TYPES = {
    400: "invalid-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    415: "unsupported-media-type",
    422: "refused",
    413: "too-large",
    429: "rate-limited",
    500: "server-error",
}


class IdempotencyConflict(exceptions.APIException):
    status_code = 422
    default_detail = "This Idempotency-Key was used for a different request."


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    body = {
        "type": f"/api/v1/problems/#{PROBLEM_TYPES.get(status, 'error')}",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return Response(body, status=status, content_type="application/problem+json")


def _errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """REST framework's nested errors as messages by dotted field name (``consent.scope``)."""
    if isinstance(detail, dict):
        found: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            found.update(_errors(value, name))
        return found
    items = detail if isinstance(detail, list) else [detail]
    flat = [item for item in items if not isinstance(item, dict | list)]
    found = {prefix: [str(item) for item in flat]} if flat else {}
    for index, item in enumerate(items):
        if isinstance(item, dict | list):
            found.update(_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    return found


def handler(error: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(error, Denied):
        return problem(403, _("Not allowed"), str(error.reason))
    if isinstance(error, Refused):
        errors = {
            ("" if key == ALL else key): [str(m) for m in messages]
            for key, messages in error.errors.items()
        }
        return problem(422, _("Refused"), str(error), errors=errors)
    if isinstance(error, PermissionDenied):
        return problem(403, _("Not allowed"), str(error) or _("This call is not allowed."))
    if isinstance(error, Http404):
        return problem(404, _("Not found"), str(error) or _("Nothing found at this address."))
    response = exception_handler(error, context)
    if response is None:
        # A programming error: logged with its request id, answered as a problem document so
        # that the call is still audited (records/api/base.py) and the client reads JSON.
        log.exception("integration API call failed")
        return problem(
            500, _("Server error"), _("Something went wrong on our side; it was logged.")
        )
    status = response.status_code
    if isinstance(error, exceptions.ValidationError):
        errors = _errors(error.detail)
        return problem(400, _("Invalid request"), _("Some fields are wrong."), errors=errors)
    detail = error.detail if isinstance(error, exceptions.APIException) else str(error)
    answer = problem(status, str(response.status_text or ""), str(detail))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            answer[header] = response[header]
    return answer
