from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisposalConfig(AppConfig):
    """Retention, legal holds, destruction and certificates (DESIGN.md "disposal/")."""

    name = "disposal"
    verbose_name = _("Retention and disposal")
    default_auto_field = "django.db.models.BigAutoField"
