"""How the OpenAPI schema describes the API's authentication (drf-spectacular extension):
an HTTP bearer token. Imported by records/api/urls.py, so it is known before any schema is
generated."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "records.api.auth.ClientTokenAuthentication"
    name = "clientToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The token the security officer issued to this system (bm_…).",
        }
