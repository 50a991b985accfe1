"""The integration API's settings (issue 21 §2): Django REST framework and drf-spectacular.

Every API view authenticates with an integration client's token only (records/api/auth.py):
no session, so no CSRF exemption to reason about and no way for a signed-in browser to call the
API as its person. Errors are RFC 9457 problem documents (records/api/problems.py)."""

from __future__ import annotations

from typing import Any

import environ

API_APPS = ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar"]


def api_settings(env: environ.Env) -> dict[str, Any]:
    return {
        "REST_FRAMEWORK": {
            "DEFAULT_AUTHENTICATION_CLASSES": ["records.api.auth.ClientTokenAuthentication"],
            "DEFAULT_PERMISSION_CLASSES": ["records.api.auth.ActiveClient"],
            "DEFAULT_THROTTLE_CLASSES": ["records.api.auth.PerClientRate"],
            "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
            "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
            "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
            "EXCEPTION_HANDLER": "records.api.problems.handler",
            "UNAUTHENTICATED_USER": None,
        },
        "SPECTACULAR_SETTINGS": {
            "TITLE": "Baomi integration API",
            "DESCRIPTION": (
                "Hand intake drafts and deal results over from the CRM, read a file's status. "
                "Authenticate with `Authorization: Bearer <token>`; the security officer issues "
                "tokens. No endpoint returns customer values."
            ),
            "VERSION": "1",
            "SERVE_INCLUDE_SCHEMA": False,
            "SWAGGER_UI_DIST": "SIDECAR",
            "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
            "REDOC_DIST": "SIDECAR",
            "COMPONENT_SPLIT_REQUEST": True,
        },
        # Webhook addresses must be https://; an intranet CRM that only speaks http needs this.
        "BAOMI_WEBHOOK_ALLOW_HTTP": env.bool("BAOMI_WEBHOOK_ALLOW_HTTP", default=False),
    }
