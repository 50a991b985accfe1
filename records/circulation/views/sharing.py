"""External share pages (R52): the request form, the one-time display of the delivery link and
passcode, the recipient's link page (no sign-in: the token and the passcode are the key), and
legal's list of external parties."""

from __future__ import annotations

from typing import NoReturn

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from access import policy
from access.http import AuthenticatedHttpRequest
from access.models import ExternalParty
from access.policy import Capability
from audit.api import record_denied
from core.forms import add_errors, posted
from core.refusals import Refused
from records.circulation import parties, sharing
from records.circulation.forms import PartyForm, PasscodeForm, ReceiptForm, ShareForm
from records.circulation.views.requests import _ask, _request


@never_cache
@require_http_methods(["GET", "POST"])
def share_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _ask(request, "external_share", ShareForm, "records/circulation/share.html")


@never_cache
@require_POST
def create_link_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = _request(request.user, pk)
    try:
        delivery = sharing.create_link(request.user, req)
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect("requests:detail", pk=req.pk)
    url = request.build_absolute_uri(reverse("share_link", args=[delivery.token]))
    # Shown once, on this response only: neither the link nor the passcode can be shown again.
    return render(
        request,
        "records/circulation/share_delivery.html",
        {"req": req, "url": url, "passcode": delivery.passcode, "link": delivery.link},
    )


# The session of the browser that gave the passcode and downloaded: only it confirms receipt.
_PASSCODE_GIVEN = "baomi-share-{}"


def _refuse_unknown(request: HttpRequest) -> NoReturn:
    record_denied(request, "unknown_link")
    raise Http404


@never_cache
@require_http_methods(["GET", "POST"])
def link_view(request: HttpRequest, token: str) -> HttpResponse:
    """The recipient's page: passcode, one download, then the receipt confirmation."""
    link = sharing.find(token)
    if link is None:
        _refuse_unknown(request)
    passcode_form = PasscodeForm(request.POST if request.POST.get("form") == "download" else None)
    receipt_form = ReceiptForm(request.POST if request.POST.get("form") == "receipt" else None)
    if passcode_form.is_bound and passcode_form.is_valid():
        try:
            link, data = sharing.download(token, passcode_form.cleaned_data["passcode"])
        except Refused as refused:
            add_errors(passcode_form, refused)
        else:
            request.session[_PASSCODE_GIVEN.format(link.pk)] = True  # this browser may confirm
            response = HttpResponse(data, content_type="application/pdf")
            name = f"{link.request.number}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    if receipt_form.is_bound and receipt_form.is_valid():
        try:
            given = bool(request.session.get(_PASSCODE_GIVEN.format(link.pk)))
            sharing.confirm_receipt(token, receipt_form.cleaned_data["name"], passcode_given=given)
        except Refused as refused:
            add_errors(receipt_form, refused)
        else:
            messages.success(request, _("Thank you: your receipt was recorded."))
            return redirect("share_link", token=token)
    link = sharing.find(token)
    if link is None:  # not reached: links are never deleted (it was found above)
        _refuse_unknown(request)
    return render(
        request,
        "records/circulation/share_link.html",
        {
            "link": link,
            "req": link.request,
            "problem": sharing.state_problem(link) if not link.downloaded_at else None,
            "files": link.request.items.count(),
            "passcode_form": passcode_form,
            "receipt_form": receipt_form,
        },
    )


@never_cache
@require_http_methods(["GET"])
def party_nda_view(request: AuthenticatedHttpRequest, party_id: int) -> HttpResponse:
    """Legal reads the signed NDA in the browser: decrypted here, never cached."""
    party = get_object_or_404(ExternalParty, pk=party_id)
    try:
        scan = parties.open_nda(request.user, party)
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(scan.data, content_type=scan.content_type)
    response["Content-Disposition"] = f'inline; filename="NDA-{party.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
def parties_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.EXTERNAL_PARTIES)
    return render(
        request, "records/circulation/parties.html", {"parties": ExternalParty.objects.all()}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def party_edit_view(request: AuthenticatedHttpRequest, party_id: int | None = None) -> HttpResponse:
    policy.require_can(request.user, Capability.EXTERNAL_PARTIES)
    party = get_object_or_404(ExternalParty, pk=party_id) if party_id else None
    initial = {}
    if party:
        initial = {
            f: getattr(party, f)
            for f in ("name", "kind", "contact_name", "contact_email", "nda_signed_on")
        } | {"nda_expires_on": party.nda_expires_on}
    form = PartyForm(posted(request), request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            parties.save(
                request.user,
                party,
                name=data["name"],
                kind=data["kind"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                nda_signed_on=data["nda_signed_on"],
                nda_expires_on=data["nda_expires_on"],
                nda_document=data["nda_document"],
            )
        except ValidationError as error:  # a name in use, an NDA upload refused: keep the form
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("requests:parties")
    return render(
        request,
        "records/circulation/party_form.html",
        {"form": form, "party": party},
        status=400 if form.is_bound else 200,
    )
