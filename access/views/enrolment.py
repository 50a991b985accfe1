"""Enrolment links (issue 17 §4, §20): the administrator's page that issues one, the security
officer's approvals, and the page the person opens to set their own password."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from access import enrolment, policy, signin
from access.forms import EnrolmentReasonForm, NewPasswordForm
from access.http import AuthenticatedHttpRequest
from access.models import EnrolmentLink, User
from access.views.signin import redirect_to_reauth
from audit.api import record_denied
from core.forms import add_errors, posted
from core.refusals import Refused


@never_cache
@require_http_methods(["GET", "POST"])
def issue_view(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """Reset someone's sign-in, or start a new starter's: a reason, the administrator's own
    re-authentication, and a link only the person receives."""
    person = get_object_or_404(User, pk=user_id)
    decision = policy.decide_enrolment_issue(request.user, person)
    if not decision:
        raise policy.Denied(decision)
    if not signin.recently_reauthenticated(request):
        return redirect_to_reauth(request)
    form = EnrolmentReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            issued = enrolment.issue(
                request.user, person, form.cleaned_data["reason"], request.build_absolute_uri("/")
            )
        except Refused as refused:
            add_errors(form, refused)
        else:
            return render(
                request, "access/enrolment_issued.html", {"person": person, "issued": issued}
            )
    context = {
        "form": form,
        "person": person,
        "purpose": enrolment.purpose_for(person),
        "needs_approval": policy.needs_second_approver(person),
    }
    return render(request, "access/enrolment_issue.html", context)


@never_cache
@require_http_methods(["GET"])
def approvals_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, policy.Capability.ENROLMENT_APPROVAL)
    links = [
        (link, policy.decide_enrolment_approval(request.user, link))
        for link in enrolment.awaiting_approval()
    ]
    return render(request, "access/enrolment_approvals.html", {"links": links})


@require_POST
def approve_view(request: AuthenticatedHttpRequest, link_id: int) -> HttpResponse:
    link = get_object_or_404(EnrolmentLink, pk=link_id)
    issued = enrolment.approve(request.user, link, request.build_absolute_uri("/"))
    if issued.hand_over:
        return render(
            request, "access/enrolment_issued.html", {"person": link.user, "issued": issued}
        )
    messages.success(
        request, _("Approved. The link was sent to %(person)s.") % {"person": link.user}
    )
    return redirect("access:enrolment_approvals")


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link's page: the person sets their own password, then enrols an authenticator."""
    try:
        link = enrolment.find(token)
    except Refused as refused:
        record_denied(request, "enrolment_link")  # a guessed or stale token, recorded
        return render(request, "access/enrol.html", {"problem": str(refused)}, status=404)
    form = NewPasswordForm(link.user, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            enrolment.complete(request, token, form.cleaned_data["new_password1"])
        except Refused as refused:
            add_errors(form, refused)
        else:
            return redirect("access:otp_setup")
    return render(request, "access/enrol.html", {"form": form, "person": link.user})
