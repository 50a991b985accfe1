"""Request pages: my requests, the borrow form, one request, awaiting my approval, the lending
desk. Thin: the workflow, the policy and the services in access/requests.py and
records/circulation/lending.py decide."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from access import policy, requests, workflow
from access.http import AuthenticatedHttpRequest
from access.models import AccessRequest, Medium, User
from access.policy import Capability, RequestAction
from core.forms import add_errors, posted
from core.refusals import Refused
from records.circulation import copies, lending, printed
from records.circulation.forms import BorrowForm, CopyForm, DestroyForm, SignForm, TakeBackForm
from records.fields import SECTION_LABELS, Section


@never_cache
def mine_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.REQUEST_ACCESS)
    return render(
        request,
        "records/circulation/mine.html",
        {"requests": requests.mine(request.user), "loans": policy.loans(request.user)},
    )


def _ask(
    request: AuthenticatedHttpRequest, kind: str, form_class: type, template: str
) -> HttpResponse:
    policy.require_can(request.user, Capability.REQUEST_ACCESS)
    form = form_class(posted(request), initial={"numbers": request.GET.get("numbers", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = lending.apply(
                request.user,
                lending.Ask(
                    kind=kind,
                    numbers=data["numbers"],
                    purpose=data["purpose"],
                    due_on=data["due_on"],
                    medium=data.get("medium", ""),
                    copy_format=data.get("copy_format", ""),
                    sections=list(data.get("sections", [])),
                    external_party=data.get("external_party"),
                ),
            )
        except Refused as refused:
            add_errors(form, refused)
        else:
            messages.success(
                request,
                _("Request %(number)s was sent for approval.") % {"number": req.number},
            )
            return redirect("requests:detail", pk=req.pk)
    return render(request, template, {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def borrow_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _ask(request, "borrow", BorrowForm, "records/circulation/borrow.html")


@never_cache
@require_http_methods(["GET", "POST"])
def copy_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _ask(request, "copy", CopyForm, "records/circulation/copy.html")


@never_cache
@require_POST
def copy_download_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = _request(request.user, pk)
    try:
        made = copies.download(request.user, req)
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect("requests:detail", pk=req.pk)
    response = HttpResponse(made.data, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


@require_POST
def copy_destroyed_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = _request(request.user, pk)
    form = DestroyForm(request.POST)
    if form.is_valid():
        try:
            copies.confirm_destroyed(request.user, req, form.cleaned_data["note"])
        except Refused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Destruction of the copy was recorded."))
    else:
        for error in form.errors.as_data().values():
            messages.error(request, " ".join(str(m) for e in error for m in e.messages))
    return redirect("requests:detail", pk=req.pk)


def _request(user: User, pk: int) -> AccessRequest:
    req = get_object_or_404(AccessRequest.objects.select_related("requester"), pk=pk)
    policy.require_request(user, RequestAction.VIEW, req)
    return req


@never_cache
@require_http_methods(["GET"])
def form_pdf_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The request's paper form (借阅申请表, 复制申请表), to print, sign and file."""
    req = _request(request.user, pk)
    response = HttpResponse(printed.request_form(request.user, req), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{req.number}.pdf"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    req = _request(user, pk)
    can = workflow.available_actions(user, req)
    signing = request.POST.get("form") == "sign"
    sign_form = SignForm(request.POST if signing else None)
    if request.method == "POST" and signing:
        try:
            workflow.require_action(user, req, "sign")  # a stranger: 403, whatever was posted
            if sign_form.is_valid():
                for step in requests.awaiting(user).filter(request=req):
                    requests.sign(
                        user,
                        step,
                        approve=sign_form.cleaned_data["decision"] == "approve",
                        comment=sign_form.cleaned_data["comment"],
                    )
                messages.success(request, _("Your decision was recorded."))
                return redirect("requests:approvals")
        except Refused as refused:
            add_errors(sign_form, refused)
    items = list(req.items.select_related("record", "record__department"))
    take_back_form = None
    if "take_back" in can:
        posted = request.POST if request.POST.get("form") == "take_back" else None
        take_back_form = TakeBackForm(
            posted, items=lending.items_out(req), paper=req.medium == Medium.PAPER
        )
        if posted is not None and take_back_form.is_valid():
            try:
                lending.take_back(user, req, take_back_form.conditions())
            except Refused as refused:
                add_errors(take_back_form, refused)
            else:
                messages.success(request, _("The files were taken back."))
                return redirect("requests:desk")
    return render(
        request,
        "records/circulation/detail.html",
        {
            "req": req,
            "can": can,
            "items": items,
            "approvals": req.approvals.select_related("department", "decided_by"),
            "sign_form": sign_form if "sign" in can else None,
            "history": requests.history_of(req.requester) if "sign" in can else None,
            "take_back_form": take_back_form,
            "copy_entry": getattr(req, "copy_entry", None),
            "destroy_form": DestroyForm() if "confirm_destroyed" in can else None,
            "section_labels": [str(SECTION_LABELS[Section(s)]) for s in req.sections],
            "share_link": getattr(req, "share_link", None),
        },
    )


@require_POST
def cancel_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = _request(request.user, pk)
    try:
        requests.cancel(request.user, req)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The request was withdrawn."))
    return redirect("requests:detail", pk=req.pk)


@require_POST
def hand_out_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = _request(request.user, pk)
    try:
        lending.hand_out(request.user, req)
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect("requests:detail", pk=req.pk)
    messages.success(request, _("Handed out: %(number)s.") % {"number": req.number})
    return redirect("requests:desk")


@never_cache
def approvals_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.APPROVE_REQUESTS)
    return render(
        request, "records/circulation/approvals.html", {"steps": requests.awaiting(request.user)}
    )


@never_cache
def desk_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.LENDING_DESK)
    return render(request, "records/circulation/desk.html", requests.lending_desk())
