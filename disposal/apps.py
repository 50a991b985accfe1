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
        from records.rights.subject_requests import register_erasure

        register_erasure(erase)  # a customer's deletion request goes to disposal

        from disposal import menu

        menu.register()

        from audit.wording import register_resolver, register_values
        from disposal.models import (
            BatchState,
            EndAction,
            RetentionCategory,
            RetentionPolicy,
            Trigger,
        )

        register_values("state", BatchState.choices, scope="disposal_batch")
        register_values("category", RetentionCategory.choices)
        register_values("trigger", Trigger.choices)
        register_values("end_action", EndAction.choices)
        register_resolver("policy", RetentionPolicy.words_for)
