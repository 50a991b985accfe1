"""Issue 21's settings: the integration API (Django REST framework, drf-spectacular, webhooks)
and passkeys (django-otp-webauthn).

Every API view authenticates with an integration client's token only (records/api/auth.py):
no session, so no CSRF exemption to reason about and no way for a signed-in browser to call the
API as its person. Errors are RFC 9457 problem documents (records/api/problems.py)."""

from __future__ import annotations

from typing import Any

import environ

CONNECT_APPS = [
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp_webauthn",
]

# The embedded demo's address for passkeys (scripts/demo serves on port 8000). A passkey needs
# a host name: at http://127.0.0.1:8000 the browser offers none.
DEMO_ORIGINS = ["http://localhost:8000"]


def connect_settings(env: environ.Env, site_origins: list[str]) -> dict[str, Any]:
    return {
        "REST_FRAMEWORK": {
            "DEFAULT_AUTHENTICATION_CLASSES": ["records.api.auth.ClientTokenAuthentication"],
            "DEFAULT_PERMISSION_CLASSES": ["records.api.auth.ActiveClient"],
            "DEFAULT_THROTTLE_CLASSES": ["records.api.auth.PerClientRate"],
            "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
            "DEFAULT_PARSER_CLASSES": ["records.api.parsing.BoundedJSONParser"],
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
        # Webhook addresses on loopback, link-local or private networks are refused (the
        # worker's own network) unless the operator allows them for an intranet CRM.
        "BAOMI_WEBHOOK_ALLOW_INTERNAL": env.bool("BAOMI_WEBHOOK_ALLOW_INTERNAL", default=False),
        # Passkeys as a second factor only (issue 21 §1): never instead of the password. A
        # passkey is bound to the site's host name (the relying party id, from the request)
        # and accepted only from the site's own origins: CSRF_TRUSTED_ORIGINS in production.
        "OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN": False,
        "OTP_WEBAUTHN_RP_ID_CALLABLE": "access.passkeys.relying_party_id",
        "OTP_WEBAUTHN_RP_NAME": "Baomi 保密",
        "OTP_WEBAUTHN_ALLOWED_ORIGINS": env.list(
            "BAOMI_PASSKEY_ORIGINS", default=site_origins or DEMO_ORIGINS
        ),
        # A refused passkey is an audit event (auth.sign_in_failed), not a traceback in the log.
        "OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME": "",
    }
