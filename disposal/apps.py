from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisposalConfig(AppConfig):
    """Retention, legal holds, destruction and certificates (DESIGN.md "disposal/")."""

    name = "disposal"
    verbose_name = _("Retention and disposal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from disposal import demo  # noqa: F401 - registers the seed_demo step
        from disposal.retention import ensure_defaults

        post_migrate.connect(ensure_defaults, sender=self, dispatch_uid="baomi-retention-defaults")

        from disposal.retention import on_inputs_changed
        from records.signals import retention_inputs_changed

        retention_inputs_changed.connect(on_inputs_changed, dispatch_uid="baomi-retention-due")

        from disposal.erasure import erase
        from records.subject_requests import register_erasure

        register_erasure(erase)  # a customer's deletion request goes to disposal

        from access.policy import Capability
        from access.shell import NavItem, register_nav

        def to_sign(user: object) -> int:
            from disposal import batches

            return sum(
                1
                for batch in batches.visible_batches(user).filter(state="proposed")
                if batches.signable_by(user, batch)
            )

        for item in (
            NavItem(
                key="disposal",
                label=_("Disposal"),
                url_name="disposal:batches",
                capability=Capability.DISPOSAL_DESK,
                description=_("Batches of files due for destruction: sign, destroy, certificates."),
                count=to_sign,
            ),
            NavItem(
                key="holds",
                label=_("Legal holds"),
                url_name="disposal:holds",
                capability=Capability.LEGAL_HOLDS,
                description=_("Keep files from destruction for a case; release when it ends."),
            ),
            NavItem(
                key="processing",
                label=_("Record of processing"),
                url_name="disposal:processing",
                capability=Capability.CUSTOMER_RIGHTS,
                description=_("What data is processed, why, for whom, how long (PIPL 54-56)."),
            ),
            NavItem(
                key="retention",
                label=_("Retention policies"),
                url_name="disposal:policies",
                capability=Capability.RETENTION_POLICIES,
                description=_("How long files are kept, by outcome; versioned."),
            ),
        ):
            register_nav(item)
