"""The confidentiality agreement page: read, accept, continue (R3)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access import agreements
from access.forms import AgreementForm
from access.http import AuthenticatedHttpRequest
from access.views._next import pop_next, remember_next
from core.forms import posted


@require_http_methods(["GET", "POST"])
def agreement_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    remember_next(request)
    agreement = agreements.current_agreement()
    signature = agreements.signature_of(request.user, agreement) if agreement else None
    form = AgreementForm(posted(request))
    if request.method == "POST" and agreement is not None and signature is None and form.is_valid():
        agreements.sign(request, agreement)
        messages.success(
            request,
            _("Thank you. You signed version %(version)d of the confidentiality agreement.")
            % {"version": agreement.version},
        )
        return redirect(pop_next(request))
    context = {"agreement": agreement, "signature": signature, "form": form}
    return render(request, "access/agreement.html", context)
