from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """Who people are and what they may do (DESIGN.md "access/")."""

    name = "access"
    verbose_name = _("People and access")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_restore_reference_data, sender=self)
        from access.grants import clear_permission_cache

        post_migrate.connect(clear_permission_cache, dispatch_uid="baomi-permission-ids")

        from auditlog.registry import auditlog

        from access import (
            menu,
            receivers,  # noqa: F401 - connects signal receivers
            vocabulary,
        )

        vocabulary.register()
        from access.models import Agreement, Department, User

        # Field-level change history (django-auditlog); secrets are never recorded.
        auditlog.register(
            User,
            exclude_fields=["password", "last_login"],
            m2m_fields={"groups", "user_permissions"},
        )
        auditlog.register(Department)
        auditlog.register(Agreement)
        menu.register()

        from access import sealed_seeds

        sealed_seeds.install()


def _restore_reference_data(sender: AppConfig, **kwargs: object) -> None:
    """After migrate or flush: roles and agreement v1 exist again (see access/seeds.py)."""
    from django.contrib.auth.models import Group

    from access.models import Agreement
    from access.seeds import ensure_first_agreement, ensure_roles

    ensure_roles(Group)
    ensure_first_agreement(Agreement)
