"""Issue 16: a refusal page gives this page's reason. The record of processing and the breach kit
once answered "Customers' requests about their data are handled by ..." (the customer-rights
desk's sentence), which told the person nothing about the page they had opened."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Incident
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


def _reason(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 403
    return response.content.decode().split('class="lead">')[1].split("</p>")[0]


def test_r16_the_processing_record_and_the_breach_kit_refuse_with_their_own_reason(sales_org):
    incident = Incident.objects.create(
        kind=Incident.Kind.choices[0][0], description="x", reporter=sales_org.sales
    )
    client = client_verified(sales_org.sales)
    processing = _reason(client, reverse("disposal:processing"))
    breach = _reason(client, reverse("records:breach", args=[incident.pk]))
    assert "record of processing" in processing
    assert "breach" in breach
    rights = _reason(client, reverse("records:rights"))
    assert len({processing, breach, rights}) == 3
