"""The security officer's desk for integration clients (issue 21 §2): who may call the API,
for which departments, with what; a new token shown once; revoking after a confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from access import policy
from access.http import AuthenticatedHttpRequest
from access.policy import SCOPE_LABELS, Capability
from core.forms import add_errors, posted
from core.refusals import Refused
from records.api import clients, webhooks
from records.api.forms import ClientForm
from records.api.models import IntegrationClient


def _scopes(client: IntegrationClient) -> list[str]:
    labels = {str(scope): str(label) for scope, label in SCOPE_LABELS.items()}
    return [labels[code] for code in client.scopes if code in labels]


def _state(client: IntegrationClient) -> str:
    decision = policy.decide_client(client)
    return str(decision.reason) if not decision else _("In use")


@never_cache
@require_http_methods(["GET", "POST"])
def clients_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.INTEGRATION_CLIENTS)
    form = ClientForm(posted(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            issued = clients.issue(
                request.user, name=data["name"], scopes=data["scopes"],
                departments=list(data["departments"]), expires_on=data["expires_on"],
                rate_per_minute=data["rate_per_minute"], webhook_url=data["webhook_url"],
            )  # fmt: skip
        except Refused as problem:
            add_errors(form, problem)
        else:
            # The token is on this answer only: not in a redirect, a message or the session.
            return render(
                request,
                "records/api/token.html",
                {
                    "client": issued.client,
                    "token": issued.token,
                    "webhook_secret": issued.webhook_secret,
                    "scopes": _scopes(issued.client),
                },
            )
    rows = [
        (client, _scopes(client), _state(client), policy.decide_client(client).allowed)
        for client in IntegrationClient.objects.prefetch_related("departments")
    ]
    return render(
        request,
        "records/api/clients.html",
        {"form": form, "clients": rows, "deliveries": webhooks.recent()},
        status=400 if form.is_bound else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def revoke_view(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    policy.require_can(request.user, Capability.INTEGRATION_CLIENTS)
    client = get_object_or_404(IntegrationClient, pk=client_id, revoked_at__isnull=True)
    if request.method == "POST":
        clients.revoke(request.user, client)
        messages.success(
            request, _("The token of %(name)s no longer works.") % {"name": client.name}
        )
        return redirect("records:api_clients")
    return render(
        request,
        "records/api/revoke.html",
        {"client": client, "scopes": _scopes(client), "now": timezone.now()},
    )
