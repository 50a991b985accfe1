"""The confidentiality training register's pages (R80): sessions, attendance, who is due."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from access import policy, training
from access.http import AuthenticatedHttpRequest
from access.models import TrainingSession
from access.policy import Capability
from access.training_forms import AttendeesForm, SessionForm
from core.forms import add_errors, posted
from core.refusals import Refused


def _people():
    return training.staff().select_related("department").order_by("department__name", "username")


@never_cache
@require_http_methods(["GET", "POST"])
def training_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.TRAINING_REGISTER)
    form = SessionForm(posted(request), people=_people())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = training.record_session(
                request.user,
                held_on=data["held_on"],
                topic=data["topic"],
                trainer=data["trainer"],
                materials=data["materials"],
                attendees=data["attendees"],
            )
        except Refused as refused:
            add_errors(form, refused)
        else:
            messages.success(request, _("The session is recorded."))
            return redirect("access:training_session", session_id=session.pk)
    today = timezone.localdate()
    standings = training.standings()
    due = [s for s in standings if s.due_on <= today + training.NOTICE]
    return render(
        request,
        "access/training.html",
        {
            "form": form,
            "sessions": TrainingSession.objects.all()[:50],
            "due": [(s, s.overdue(today)) for s in due],
            "covered": sum(1 for s in standings if not s.overdue(today)),
            "total": len(standings),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def session_view(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    policy.require_can(request.user, Capability.TRAINING_REGISTER)
    session = get_object_or_404(TrainingSession, pk=session_id)
    attended = session.attendances.select_related("person__department").order_by(
        "person__department__name", "person__username"
    )
    others = _people().exclude(pk__in=attended.values("person_id"))
    form = AttendeesForm(posted(request), people=others)
    if request.method == "POST" and form.is_valid():
        added = training.add_attendees(request.user, session, form.cleaned_data["attendees"])
        messages.success(
            request,
            ngettext("%(n)d attendee added.", "%(n)d attendees added.", added) % {"n": added},
        )
        return redirect("access:training_session", session_id=session.pk)
    return render(
        request,
        "access/training_session.html",
        {"session": session, "attended": attended, "form": form},
        status=400 if form.errors else 200,
    )
