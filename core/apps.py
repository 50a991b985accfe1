from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared infrastructure under audit/ (jobs, health, request context): no app above."""

    name = "core"
    verbose_name = _("Infrastructure")
    default_auto_field = "django.db.models.BigAutoField"
