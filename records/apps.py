from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """Client files, their encryption, consent and classification (DESIGN.md "records/")."""

    name = "records"
    verbose_name = _("Client files")
    default_auto_field = "django.db.models.BigAutoField"
