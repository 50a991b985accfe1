from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The append-only, tamper-evident event log (DESIGN.md "audit/")."""

    name = "audit"
    verbose_name = _("Audit")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit import receivers  # noqa: F401 - connects signal receivers
        from audit.models import Incident, VerificationRun
        from audit.wording import register_values

        register_values("kind", Incident.Kind.choices)
        register_values("state", Incident.Status.choices)
        register_values("severity", Incident.Severity.choices)
        register_values("outcome", VerificationRun.Outcome.choices)
