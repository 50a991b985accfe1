"""Confidentiality agreements: which version is current, and signing it (R3)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

import audit
from access.gate import forget_stage
from access.http import AuthenticatedHttpRequest
from access.models import Agreement, AgreementSignature, User
from core.request_context import client_ip, user_agent


def current_agreement() -> Agreement | None:
    return Agreement.objects.current()


def signature_of(user: User, agreement: Agreement) -> AgreementSignature | None:
    return AgreementSignature.objects.filter(user=user, agreement=agreement).first()


def sign(request: AuthenticatedHttpRequest, agreement: Agreement) -> AgreementSignature:
    """Record that the signed-in person accepted ``agreement``: who, which text, when, from where.

    Signing twice (a double click, two tabs) keeps the first signature.
    """
    user = request.user
    existing = signature_of(user, agreement)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            signature = AgreementSignature.objects.create(
                user=user,
                agreement=agreement,
                ip_address=client_ip(request),
                user_agent=user_agent(request),
                text_sha256=agreement.text_sha256(),
            )
            audit.record(
                user,
                "agreement.signed",
                target=agreement,
                version=agreement.version,
            )
    except IntegrityError:
        signature = AgreementSignature.objects.get(user=user, agreement=agreement)
    forget_stage(request)
    return signature
