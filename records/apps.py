from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """Client files, their encryption, consent and classification (DESIGN.md "records/")."""

    name = "records"
    verbose_name = _("Client files")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from core import sealing
        from records import crypto

        # access/ seals authenticator seeds through core.sealing (it may not import records/).
        sealing.register(
            sealing.SeedSealer(crypto.seal_seed, crypto.open_seed, crypto.is_sealed_seed)
        )

        from records import (
            demo,  # noqa: F401 - registers the seed_demo step
            vocabulary,
        )

        vocabulary.register()
        from records.models import Consent, CustomerRecord, InventoryCheck, PaperFile

        # Field-level history without content: sealed columns, keys and blind indexes are
        # never copied into the change log (they would outlive crypto-shredding there).
        auditlog.register(
            CustomerRecord,
            include_fields=[
                "archive_number",
                "kind",
                "tier",
                "status",
                "handler",
                "department",
                "source",
                "acquired_at",
                "retention_until",
                "reviewed_by",
                "disposal_review_requested_at",
            ],
        )
        auditlog.register(Consent, exclude_fields=["purpose"])
        auditlog.register(PaperFile)
        auditlog.register(InventoryCheck)

        from records import menu
        from records.api import demo as api_demo  # noqa: F401 - seed_demo step
        from records.api import webhooks  # answers audit.api.recorded
        from records.ops import outbox

        outbox.WEBHOOK_SENDER[:] = [webhooks.deliver]
        webhooks.DELIVER_SOON[:] = [outbox.deliver_soon]
        from records.circulation import demo as circulation_demo  # noqa: F401 - seed_demo step
        from records.circulation import menu as circulation_menu
        from records.circulation import parties, pledges  # noqa: F401 - sealed columns
        from records.imports import demo as imports_demo  # noqa: F401 - seed_demo step
        from records.imports import service  # noqa: F401 - sealed columns (records/crypto/sealed.py)
        from records.inventory import demo as inventory_demo  # noqa: F401 - seed_demo step
        from records.ops import chat  # noqa: F401 - answers core.announcements
        from records.ops import menu as ops_menu
        from records.rights import demo as rights_demo  # noqa: F401 - seed_demo step
        from records.rights import menu as rights_menu

        for register in (
            menu.register,
            circulation_menu.register,
            rights_menu.register,
            ops_menu.register,
        ):
            register()
