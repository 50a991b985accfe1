"""The API's JSON parser: REST framework's, bounded. A body over ``MAX_BODY`` bytes is refused
before it is read (REST framework reads the stream itself, past Django's upload limits), and
nesting deep enough to exhaust Python's recursion is a malformed body, not a server error."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

MAX_BODY = 256 * 1024  # a draft with every field at its longest is under 40 KB


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The body is too large."


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        request = (parser_context or {}).get("request")
        declared = int((request.META.get("CONTENT_LENGTH") if request else 0) or 0)
        if declared > MAX_BODY:
            raise PayloadTooLarge(_("The body is larger than %(n)s KB.") % {"n": MAX_BODY // 1024})
        raw = stream.read(MAX_BODY + 1) if stream is not None else b""
        if len(raw) > MAX_BODY:
            raise PayloadTooLarge(_("The body is larger than %(n)s KB.") % {"n": MAX_BODY // 1024})
        try:
            return json.loads(raw.decode("utf-8")) if raw else {}
        except (ValueError, RecursionError):
            raise exceptions.ParseError(_("The body is not valid JSON.")) from None
