"""Disposal pages: batches (sign, edit, execute, shred paper, certificate), legal holds and
retention policies. Thin: the services and the policy decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from access import policy, workflow
from access.http import AuthenticatedHttpRequest
from access.policy import Capability
from core.forms import add_errors, posted
from core.refusals import Refused
from disposal import batches, destruction_list, execution_preview, holds, processing, retention
from disposal.forms import HoldForm, PolicyForm, ReleaseForm, RemoveForm, WitnessForm
from disposal.models import (
    DestructionCertificate,
    DisposalBatch,
    DisposalItem,
    LegalHold,
    ProcessingRecord,
    RetentionPolicy,
    SweepRun,
)


@never_cache
def batches_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.DISPOSAL_DESK)
    rows = [(b, count, b.needed_signatures()) for b, count in batches.desk(request.user)]
    return render(
        request,
        "disposal/batches.html",
        {"rows": rows, "runs": SweepRun.objects.all()[:5]},
    )


def _batch(request: AuthenticatedHttpRequest, batch_id: int):
    policy.require_can(request.user, Capability.DISPOSAL_DESK)
    batch = get_object_or_404(DisposalBatch.objects.select_related("department"), pk=batch_id)
    if not batches.visible_batches(request.user).filter(pk=batch.pk).exists():
        raise policy.Denied(policy.Decision(False, _("This batch belongs to another department.")))
    return batch


@never_cache
@require_http_methods(["GET", "POST"])
def batch_view(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    user = request.user
    batch = _batch(request, batch_id)
    action = request.POST.get("form", "")
    witnesses = get_user_model().objects.filter(is_active=True).exclude(pk=user.pk)
    remove_form = RemoveForm(request.POST if action == "remove" else None)
    witness_form = WitnessForm(request.POST if action == "paper" else None, witnesses=witnesses)
    try:
        if action == "sign":
            batches.sign(user, batch, request.POST.get("role", ""))
            messages.success(request, _("Your signature was recorded."))
            return redirect("disposal:batch", batch_id=batch.pk)
        if action == "remove" and remove_form.is_valid():
            item = get_object_or_404(DisposalItem, pk=remove_form.cleaned_data["item"], batch=batch)
            batches.remove_item(user, item, remove_form.cleaned_data["reason"])
            messages.success(request, _("The file stays; it was taken out of the batch."))
            return redirect("disposal:batch", batch_id=batch.pk)
        if action == "paper" and witness_form.is_valid():
            item = get_object_or_404(
                DisposalItem.objects.select_related("record"),
                pk=witness_form.cleaned_data["item"],
                batch=batch,
            )
            witness = witness_form.cleaned_data["witness"]
            batches.check_shredding(user, item, witness)
            if request.POST.get("understood") != "yes":  # first what the entry makes final
                context = {"batch": batch, "item": item, "witness": witness}
                return render(request, "disposal/shred_confirm.html", context)
            batches.confirm_paper_shredded(user, item, witness)
            messages.success(request, _("Shredding recorded."))
            return redirect("disposal:batch", batch_id=batch.pk)
    except Refused as refused:
        messages.error(request, str(refused))
    batch.refresh_from_db()
    can = workflow.available_actions(user, batch)
    items = batch.items.select_related("record", "removed_by").order_by("-active", "due_on")
    return render(
        request,
        "disposal/batch.html",
        {
            "batch": batch,
            "items": items,
            "can": can,
            "signable": batches.signable_by(user, batch) if "sign" in can else [],
            "needed": batch.needed_signatures(),
            "can_shred": policy.decide_disposal_execution(user, batch).allowed,
            "witness_form": witness_form,
            "remove_form": remove_form,
            "certificate": getattr(batch, "certificate", None),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def execute_view(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    """Destroying the files of a batch: first what will happen, then a deliberate confirmation
    (a ticked box and a second button), because nothing brings them back."""
    user = request.user
    batch = _batch(request, batch_id)
    try:
        workflow.require_action(user, batch, "execute")  # who (403, recorded), then when
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect("disposal:batch", batch_id=batch.pk)
    if request.method == "POST":
        if request.POST.get("understood") != "yes":
            messages.error(request, _("Tick the box to confirm that you understand, then destroy."))
        else:
            try:
                done = batches.execute(user, batch)
            except Refused as refused:
                messages.error(request, str(refused))
            else:
                destroyed = ngettext("%(n)d file destroyed.", "%(n)d files destroyed.", done)
                messages.success(request, destroyed % {"n": done})
                return redirect("disposal:batch", batch_id=batch.pk)
    context = {"batch": batch, "preview": execution_preview.preview(batch)}
    return render(request, "disposal/execute.html", context)


@never_cache
def certificate_view(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    certificate = get_object_or_404(DestructionCertificate, batch=batch)
    response = HttpResponse(bytes(certificate.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response


@never_cache
@require_http_methods(["GET"])
def list_pdf_view(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    """The batch's 销毁清单, to check against the folders and sign on paper."""
    batch = _batch(request, batch_id)
    response = HttpResponse(
        destruction_list.destruction_list(request.user, batch), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{batch.number}-list.pdf"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def holds_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.LEGAL_HOLDS)
    form = HoldForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        records, problems = holds.resolve(data["numbers"], data["customer_id_number"])
        if problems:
            for problem in problems:
                form.add_error(None, problem)
        else:
            try:
                hold = holds.place(
                    request.user,
                    reference=data["reference"],
                    reason=data["reason"],
                    records=records,
                )
            except Refused as refused:
                add_errors(form, refused)
            else:
                placed = ngettext(
                    "Hold %(ref)s placed on %(n)d file.",
                    "Hold %(ref)s placed on %(n)d files.",
                    len(records),
                )
                messages.success(request, placed % {"ref": hold.reference, "n": len(records)})
                return redirect("disposal:holds")
    return render(
        request,
        "disposal/holds.html",
        {
            "form": form,
            "holds": LegalHold.objects.prefetch_related("records")[:100],
        },
    )


@require_POST
def release_view(request: AuthenticatedHttpRequest, hold_id: int) -> HttpResponse:
    policy.require_can(request.user, Capability.LEGAL_HOLDS)
    hold = get_object_or_404(LegalHold, pk=hold_id)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            holds.release(request.user, hold, form.cleaned_data["reason"])
        except Refused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("The hold was released."))
    else:
        messages.error(request, _("Say why the hold ends."))
    return redirect("disposal:holds")


@never_cache
@require_http_methods(["GET", "POST"])
def policies_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.RETENTION_POLICIES)
    form = PolicyForm(posted(request), initial=_initial(request.GET.get("code", "")))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule, changed = retention.save_policy(
                request.user,
                data["code"],
                name=data["name"],
                category=data["category"],
                tier=data["tier"],
                trigger=data["trigger"],
                months=data["months"],
                end_action=data["end_action"],
                note=data["note"],
            )
        except Refused as refused:
            add_errors(form, refused)
        else:
            if changed:
                messages.success(request, _("Saved as a new version; due dates are recomputed."))
            else:
                messages.info(
                    request,
                    _("Nothing was changed: version %(version)s stays in force.")
                    % {"version": rule.version},
                )
            return redirect("disposal:policies")
    return render(
        request,
        "disposal/policies.html",
        {"form": form, "policies": RetentionPolicy.objects.all()},
    )


def _initial(code: str) -> dict:
    current = RetentionPolicy.objects.current().filter(code=code).first()
    if current is None:
        return {}
    return {
        f: getattr(current, f)
        for f in ("code", "name", "category", "tier", "trigger", "months", "end_action", "note")
    }


@never_cache
@require_http_methods(["GET", "POST"])
def processing_view(request: AuthenticatedHttpRequest, version: int | None = None) -> HttpResponse:
    """The record of processing activities and its impact assessment, by version (PIPL 54-56)."""
    policy.require_can(request.user, Capability.PROCESSING_RECORD)
    if request.method == "POST":
        made = processing.refresh(request.user, "checked by hand")
        if made is None:
            messages.info(request, _("Nothing changed since the last version."))
        else:
            messages.success(request, _("Version %(v)s recorded.") % {"v": made.version})
        return redirect("disposal:processing")
    versions = list(ProcessingRecord.objects.only("version", "created_at", "reason"))
    if version is None:
        shown = ProcessingRecord.objects.first()
    else:
        shown = get_object_or_404(ProcessingRecord, version=version)
    return render(request, "disposal/processing.html", {"versions": versions, "shown": shown})


@never_cache
@require_http_methods(["GET"])
def processing_export_view(request: AuthenticatedHttpRequest, version: int) -> HttpResponse:
    made = get_object_or_404(ProcessingRecord, version=version)
    data = processing.exported(request.user, made)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    name = f"baomi-processing-record-v{made.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
