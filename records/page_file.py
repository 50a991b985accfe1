"""The client file a page is about, found as every page of a file finds it: a file the person
may not know of answers like one that does not exist (404, recorded), so a page never tells its
existence, level or status by refusing it (``policy.hidden_from``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from access import policy
from access.http import AuthenticatedHttpRequest
from audit.api import record_denied
from records.models import CustomerRecord

# What a file's pages show of it besides its content: department, handler, reviewer.
_FILES = CustomerRecord.objects.select_related("department", "handler", "reviewed_by")


def file_or_404(request: AuthenticatedHttpRequest, pk: Any) -> CustomerRecord:
    """The file of a page, or 404 (recorded) when the person may not know of it."""
    record = _FILES.filter(pk=pk).first()
    if record is None or policy.hidden_from(request.user, record):
        record_denied(request, "not_visible")
        raise Http404
    return record
