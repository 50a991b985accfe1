"""Client-file pages. Thin: parse the form, call a service, render. Rules live in the services
and in access.policy; customer content is never cached by the browser (``never_cache``)."""

from __future__ import annotations

from typing import Any, TypedDict

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from access import policy, workflow
from access.http import AuthenticatedHttpRequest
from access.models import User
from access.policy import Capability, RecordAction
from core.forms import posted
from core.refusals import Refused
from records import attachments, consents, disclosure, intake, listing, outcome, review
from records.classification import Tier
from records.forms import (
    AttachmentForm,
    CommunicationForm,
    IntakeForm,
    ListFilterForm,
    OutcomeForm,
    ReturnForm,
    SearchForm,
    TransferForm,
)
from records.imports.approval import batches_to_approve
from records.models import Attachment, CustomerRecord
from records.page_file import file_or_404
from records.reveal_forms import AttachmentViewForm, RevealForm


def _handlers(user: User) -> list[tuple[int, str]]:
    people = User.objects.filter(department_id__in=policy.headed_department_ids(user))
    return [(p.pk, p.get_full_name()) for p in people.order_by("employee_number")]


@never_cache
@require_http_methods(["GET", "POST"])
def list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: a page of files with filters. POST: exact search (values stay out of URLs)."""
    user = request.user
    heads = policy.can(user, Capability.RECORD_REVIEW)
    filter_form = ListFilterForm(request.GET or None, handlers=_handlers(user) if heads else [])
    filters = listing.Filters()
    if filter_form.is_valid():
        data = filter_form.cleaned_data
        filters = listing.Filters(
            scope=data.get("scope") or "mine",
            tier=data.get("tier"),
            status=data.get("status") or "",
            handler_id=data.get("handler"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
    if not heads:
        filters.scope = "mine"
    search_form = SearchForm(posted(request))
    results = None
    if request.method == "POST" and search_form.is_valid():
        results = listing.search(user, search_form.cleaned_data["q"])
        page = None
    else:
        page = listing.page(
            user, filters, request.GET.get("after", ""), settings.BAOMI_RECORDS_PAGE_SIZE
        )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "records/list.html",
        {
            "filter_form": filter_form,
            "search_form": search_form,
            "page": page,
            "results": results,
            "heads": heads,
            "scope": filters.scope,
            "query": query.urlencode(),
            "can_register": policy.can(user, Capability.RECORD_INTAKE),
        },
    )


@never_cache
@require_http_methods(["GET"])
def review_queue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.RECORD_REVIEW)
    return render(
        request,
        "records/review_queue.html",
        {"rows": listing.review_rows(request.user), "imports": batches_to_approve(request.user)},
    )


class _IntakeArguments(TypedDict):
    """What intake.create and intake.update take from the form."""

    meta: intake.Metadata
    content: dict[str, str]
    terms: consents.ConsentTerms
    evidence: UploadedFile | None
    uploads: list[intake.Upload]


def _save_intake(
    request: AuthenticatedHttpRequest, form: IntakeForm, record: CustomerRecord | None
) -> Any:
    data = form.cleaned_data
    kwargs: _IntakeArguments = {
        "meta": form.metadata(),
        "content": form.content(),
        "terms": form.consent_terms(),
        "evidence": data.get("consent_evidence"),
        "uploads": form.uploads(),
    }
    if record is None:
        return intake.create(request.user, **kwargs)
    return intake.update(request.user, record, **kwargs)


def _intake_page(
    request: AuthenticatedHttpRequest, form: IntakeForm, record: CustomerRecord | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_intake(request, form, record)
        except Refused as refused:
            for name, problems in refused.errors.items():
                for problem in problems:
                    form.add_error(None if name == "__all__" else name, problem)
        except attachments.StorageUnavailable as failed:
            form.add_error(None, failed.message)
            return _intake_form(request, form, record, status=503)
        else:
            if request.POST.get("then") == "submit":
                return _submit(request, saved)
            messages.success(request, _("Saved as a draft. Nothing is sent until you submit it."))
            return redirect("records:detail", pk=saved.pk)
    return _intake_form(request, form, record, status=400 if request.method == "POST" else 200)


def _intake_form(
    request: AuthenticatedHttpRequest, form: IntakeForm, record: CustomerRecord | None, status: int
) -> HttpResponse:
    if request.method == "POST" and request.FILES:
        messages.warning(
            request, _("Files are not kept when a form has errors: please choose them again.")
        )
    return render(request, "records/intake.html", {"form": form, "record": record}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def new_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.RECORD_INTAKE)
    form = IntakeForm(posted(request), request.FILES or None)
    return _intake_page(request, form, None)


@never_cache
@require_http_methods(["GET", "POST"])
def edit_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    record = file_or_404(request, pk)
    if request.method == "POST":
        policy.require(request.user, RecordAction.EDIT, record)  # before validating anything
        form = IntakeForm(request.POST, request.FILES)
    else:
        form = IntakeForm(initial=IntakeForm.initial_for(intake.editing(request.user, record)))
    return _intake_page(request, form, record)


def _submit(request: AuthenticatedHttpRequest, record: CustomerRecord) -> HttpResponse:
    try:
        intake.submit(request.user, record)
    except Refused as refused:
        for problem in refused.errors.get("__all__", []):
            messages.error(request, problem)
        messages.info(request, _("The file is saved as a draft; fix the above and submit again."))
    else:
        messages.success(request, _("Submitted. Your department head will review it."))
    return redirect("records:detail", pk=record.pk)


@require_POST
def submit_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    return _submit(request, file_or_404(request, pk))


def _detail(
    request: AuthenticatedHttpRequest, dossier: disclosure.Dossier, status: int = 200, **extra: Any
) -> HttpResponse:
    user, record = request.user, dossier.record
    can = policy.allowed_actions(user, record)
    context = {
        "dossier": dossier,
        "record": record,
        "can": can,
        "has_paper": hasattr(record, "paper"),
        "outcome_form": OutcomeForm(
            initial={"outcome": record.outcome, "contract_ended_on": record.contract_ended_on}
        )
        if can.set_outcome
        else None,
        "pending_transfer": next(
            (o.obj for o in workflow.open_workflows([record], kinds=["transfer"])), None
        ),
        "transfer_form": TransferForm(receivers=policy.receivers(record)) if can.transfer else None,
        "reveal_form": extra.pop("reveal_form", None) or RevealForm(revealable=dossier.revealable),
        "return_form": extra.pop("return_form", None) or ReturnForm(),
        "communication_form": extra.pop("communication_form", None) or CommunicationForm(),
        "attachment_form": extra.pop("attachment_form", None) or AttachmentForm(),
        **extra,
    }
    return render(request, "records/detail.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def detail_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    return _detail(request, disclosure.view(request.user, file_or_404(request, pk)))


@never_cache
@require_POST
def reveal_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    """The revealed values are in this response only; reloading shows the masked page."""
    record = file_or_404(request, pk)
    form = RevealForm(request.POST, revealable=disclosure.revealable(request.user, record))
    if not form.is_valid():
        masked = disclosure.view(request.user, record)
        return _detail(request, masked, status=400, reveal_form=form, reveal_open=True)
    dossier = disclosure.reveal(
        request.user,
        record,
        form.cleaned_data["fields_to_reveal"],
        form.cleaned_data["reason"],
        form.cleaned_data["note"],
    )
    return _detail(request, dossier)


@require_POST
def review_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    record = file_or_404(request, pk)
    policy.require(request.user, RecordAction.REVIEW, record)
    if request.POST.get("decision") == "approve":
        try:
            number = review.approve(request.user, record)
        except Refused as refused:
            for problem in refused.errors.get("__all__", []):
                messages.error(request, problem)
        else:
            messages.success(request, _("Approved and stored as %(number)s.") % {"number": number})
        return redirect("records:detail", pk=record.pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        dossier = disclosure.view(request.user, record)
        return _detail(request, dossier, status=400, return_form=form)
    review.return_for_correction(request.user, record, form.cleaned_data["comment"])
    messages.success(request, _("Returned to the handler with your comment."))
    return redirect("records:review_queue")


@require_POST
def communication_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    record = file_or_404(request, pk)
    policy.require(request.user, RecordAction.LOG_COMMUNICATION, record)
    form = CommunicationForm(request.POST)
    if not form.is_valid():
        dossier = disclosure.view(request.user, record)
        return _detail(request, dossier, status=400, communication_form=form)
    intake.add_communication(request.user, record, **form.cleaned_data)
    messages.success(request, _("Communication recorded."))
    return redirect("records:detail", pk=record.pk)


@require_POST
def attachment_add_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    record = file_or_404(request, pk)
    policy.require(request.user, RecordAction.EDIT, record)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        dossier = disclosure.view(request.user, record)
        return _detail(request, dossier, status=400, attachment_form=form)
    level_before = record.tier
    try:
        intake.attach(request.user, record, form.cleaned_data["file"], form.cleaned_data["kind"])
    except attachments.StorageUnavailable as failed:
        form.add_error("file", failed.message)
        dossier = disclosure.view(request.user, record)
        return _detail(request, dossier, status=503, attachment_form=form)
    except Refused as refused:
        for problem in refused.errors.get(consents.ATTACHMENT_FIELD, []):
            form.add_error("kind", str(problem))
        dossier = disclosure.view(request.user, record)
        return _detail(request, dossier, status=400, attachment_form=form)
    messages.success(request, _("Attachment encrypted and stored."))
    record.refresh_from_db(fields=["tier"])
    if record.tier != level_before:
        messages.info(
            request,
            _("This attachment shows sensitive data, so the file is now %(tier)s.")
            % {"tier": Tier(record.tier).label},
        )
    return redirect("records:detail", pk=record.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def attachment_view(request: AuthenticatedHttpRequest, pk: Any, attachment_pk: Any) -> HttpResponse:
    """An attachment is viewed, never downloaded (issue 17 §1): the reason first, then a
    watermarked rendering in this response only, never cached. The original leaves only as an
    approved copy of the original attachments."""
    record = file_or_404(request, pk)
    attachment = get_object_or_404(
        Attachment.objects.select_related("record__department"), pk=attachment_pk, record=record
    )
    policy.require(request.user, RecordAction.REVEAL, record)
    form = AttachmentViewForm(posted(request))
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            shown = attachments.view(
                request.user, attachment, form.cleaned_data["reason"], form.cleaned_data["note"]
            )
        except attachments.NotViewable:
            problem = _(
                "This attachment cannot be shown in the browser (a recording, or a file that "
                "cannot be drawn). Ask for a copy of the original attachments instead."
            )
        else:
            response = HttpResponse(shown.data, content_type=shown.content_type)
            extension = "pdf" if shown.content_type == "application/pdf" else "png"
            response["Content-Disposition"] = f'inline; filename="view.{extension}"'
            response["X-Content-Type-Options"] = "nosniff"
            # The browser's own image and PDF viewers style the page inline; nothing else runs.
            response["Content-Security-Policy"] = (
                "default-src 'none'; img-src 'self' data: blob:; style-src 'unsafe-inline'; "
                "frame-ancestors 'none'"
            )
            return response
    context = {"record": record, "attachment": attachment, "form": form, "problem": problem}
    return render(request, "records/attachment_view.html", context, status=400 if problem else 200)


@require_POST
def consent_withdraw_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    record = file_or_404(request, pk)
    consents.withdraw(request.user, record)
    messages.warning(
        request,
        _("Consent withdrawal recorded. The file is flagged for disposal review."),
    )
    return redirect("records:detail", pk=record.pk)


@require_POST
def outcome_view(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    """The handler (or head) records how the business ended: it starts the retention clock."""
    record = file_or_404(request, pk)
    policy.require(request.user, RecordAction.SET_OUTCOME, record)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            outcome.set_outcome(
                request.user,
                record,
                form.cleaned_data["outcome"],
                form.cleaned_data["contract_ended_on"],
            )
        except Refused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Outcome recorded; the retention period follows from it."))
    elif "contract_ended_on" in form.errors:
        messages.error(request, " ".join(str(e) for e in form.errors["contract_ended_on"]))
    else:
        messages.error(request, _("Choose an outcome (and the contract end for a closed deal)."))
    return redirect("records:detail", pk=record.pk)
