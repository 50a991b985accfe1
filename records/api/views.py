"""The integration API's endpoints, version 1 (issue 21 §2). Each asks ``access.policy`` as the
client's service identity and calls the same services as the pages; none returns a customer
value, and none lists files: a client asks about one file it knows by number or reference."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from access import directory, policy
from access.models import User
from access.policy import Scope
from core.refusals import Refused
from records import intake, outcome
from records.api.base import ApiView
from records.api.drafts import form_for, renamed
from records.api.models import ClientReference, IdempotentCall, IntegrationClient
from records.api.problems import IdempotencyConflict, problem
from records.api.serializers import DraftIn, OutcomeIn, StatusOut, status_of
from records.models import CustomerRecord

PROBLEM = OpenApiResponse(description="A problem document (RFC 9457)")
ERRORS = {code: PROBLEM for code in (400, 401, 403, 404, 409, 422, 429)}
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Send the same key again after a timeout: the answer is repeated, nothing is "
    "created twice.",
)  # fmt: skip


def _client(request: Request) -> IntegrationClient:
    client = request.auth
    if not isinstance(client, IntegrationClient):  # ActiveClient lets only clients through
        raise PermissionDenied
    return client


def _record(client: IntegrationClient, **lookup: Any) -> CustomerRecord:
    """A file of the client's departments, or 404 (another department's file does not exist
    for this client: no answer tells archive numbers apart)."""
    if any("\x00" in str(value) for value in lookup.values()):
        found = None  # no number holds a NUL (and PostgreSQL refuses to compare one)
    else:
        found = CustomerRecord.objects.filter(
            department_id__in=client.department_ids(), **lookup
        ).first()
    if found is None:
        raise Http404(_("No file with this number in the departments this client acts for."))
    return found


def _reference(client: IntegrationClient, record: CustomerRecord) -> str | None:
    return (
        ClientReference.objects.filter(client=client, record=record)
        .values_list("reference", flat=True)
        .first()
    )


class DraftsView(ApiView):
    @extend_schema(
        summary="Hand a customer over as an intake draft",
        description="Same checks, consent rules, classification and encryption as the "
        "registration form. The draft lands in the handler's drafts; a person submits it.",
        request=DraftIn, parameters=[IDEMPOTENCY], responses={201: StatusOut, **ERRORS},
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        client = _client(request)
        policy.require_scope(client, Scope.CREATE_DRAFTS)
        key = request.headers.get("Idempotency-Key", "")
        if len(key) > 100:
            raise ValidationError({"Idempotency-Key": [_("At most 100 characters.")]})
        fingerprint = hashlib.sha256(
            json.dumps(request.data, sort_keys=True, default=str).encode()
        ).hexdigest()
        if key:
            earlier = IdempotentCall.objects.filter(client=client, key=key).first()
            if earlier is not None:
                if earlier.fingerprint != fingerprint:
                    raise IdempotencyConflict(
                        _("This Idempotency-Key was used for a different request.")
                    )
                return Response(earlier.body, status=earlier.status)
        given = DraftIn(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        # Only among the client's departments: another department's people stay unknown to it.
        handler = (
            directory.at_work()
            .filter(username=data["handler"], department_id__in=client.department_ids())
            .first()
        )
        if not isinstance(handler, User):
            raise Refused(
                {
                    "handler": [
                        _("No one at work in this client's departments has this account name.")
                    ]
                }
            )
        policy.require_api(client, Scope.CREATE_DRAFTS, handler.department_id)
        form = form_for(data)
        reference = data.get("reference")
        if (
            reference
            and ClientReference.objects.filter(client=client, reference=reference).exists()
        ):
            return problem(409, _("Conflict"), _("This reference was already handed over."))
        try:
            with transaction.atomic():
                record = intake.create(
                    handler, form.metadata(), form.content(), form.consent_terms(),
                    registered_by=client.service_user,
                    evidence_reference=data["consent"]["evidence_reference"],
                )  # fmt: skip
                if reference:
                    ClientReference.objects.create(
                        client=client, reference=reference, record=record
                    )
                body = status_of(record, reference)
                if key:
                    IdempotentCall.objects.create(
                        client=client, key=key, fingerprint=fingerprint, status=201, body=body
                    )
        except Refused as refused:  # the intake rules (consent, level): the API's field names
            raise renamed(refused) from None
        except IntegrityError:  # the same key or reference, sent twice at the same moment
            return problem(409, _("Conflict"), _("The same request is being handled; retry."))
        return Response(body, status=201)


class RecordStatusView(ApiView):
    @extend_schema(
        summary="A file's status by archive number", responses={200: StatusOut, **ERRORS}
    )
    def get(self, request: Request, archive_number: str) -> Response:
        client = _client(request)
        policy.require_scope(client, Scope.READ_STATUS)
        record = _record(client, archive_number=archive_number)
        return Response(status_of(record, _reference(client, record)))


class ReferenceStatusView(ApiView):
    @extend_schema(
        summary="A file's status by the client's own reference",
        responses={200: StatusOut, **ERRORS},
    )
    def get(self, request: Request, reference: str) -> Response:
        client = _client(request)
        policy.require_scope(client, Scope.READ_STATUS)
        link = (
            None
            if "\x00" in reference
            else ClientReference.objects.filter(client=client, reference=reference).first()
        )
        if link is None:
            raise Http404(_("This client handed over no file with this reference."))
        record = _record(client, pk=link.record_id)
        return Response(status_of(record, reference))


class OutcomeView(ApiView):
    @extend_schema(
        summary="Record how the deal ended (drives the retention period, R60)",
        request=OutcomeIn, responses={200: StatusOut, **ERRORS},
    )  # fmt: skip
    def put(self, request: Request, archive_number: str) -> Response:
        client = _client(request)
        policy.require_scope(client, Scope.SET_OUTCOME)
        record = _record(client, archive_number=archive_number)
        given = OutcomeIn(data=request.data)
        given.is_valid(raise_exception=True)
        outcome.set_outcome(
            client.service_user, record, given.validated_data["outcome"],
            given.validated_data.get("contract_ended_on"), client=client,
        )  # fmt: skip
        return Response(status_of(record, _reference(client, record)))
