"""/api/v1/: the integration API, its OpenAPI schema and its reference page."""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from records.api import (
    schema,  # noqa: F401 - registers the token scheme with the schema
    views,
)

app_name = "api"


class _Schema(SpectacularAPIView):
    # For people signed in to Baomi (the gate lets only them here), not for client tokens.
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []


# Swagger UI sets style attributes from its script; its scripts themselves are files served
# from here (the sidecar), so script-src stays 'self'. Only this page relaxes style-src.
@method_decorator(csp_update({"style-src": [UNSAFE_INLINE]}), name="dispatch")
class _Reference(SpectacularSwaggerSplitView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []


urlpatterns = [
    path("drafts/", views.DraftsView.as_view(), name="drafts"),
    path("records/<str:archive_number>/", views.RecordStatusView.as_view(), name="record_status"),
    path("records/<str:archive_number>/outcome/", views.OutcomeView.as_view(), name="outcome"),
    path(
        "references/<str:reference>/", views.ReferenceStatusView.as_view(), name="reference_status"
    ),
    path("schema/", _Schema.as_view(), name="schema"),
    path("docs/", _Reference.as_view(url_name="api:schema"), name="docs"),
]
