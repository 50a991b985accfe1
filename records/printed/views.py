"""The printable standard forms of a client file (issue 19 §4): each a PDF made on request, never
stored; the services check who may print and audit the printing."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access.http import AuthenticatedHttpRequest
from records.page_file import file_or_404
from records.printed.registration import registration_form


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser (to print), named for the file or request it belongs to."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@never_cache
@require_GET
def registration_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    record = file_or_404(request, pk)
    data = registration_form(request.user, record)
    return pdf_response(data, f"registration-{record.archive_number or 'draft'}.pdf")
