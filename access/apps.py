from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """Who people are and what they may do (DESIGN.md "access/")."""

    name = "access"
    verbose_name = _("People and access")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from access.policy import Capability
        from access.shell import NavItem, register_nav

        register_nav(
            NavItem(
                key="security",
                label=_("My account security"),
                url_name="access:security",
                capability=Capability.ACCOUNT_SECURITY,
                description=_("Change your password, replace your authenticator, backup codes."),
            )
        )
        register_nav(
            NavItem(
                key="admin",
                label=_("Administration"),
                url_name="admin:index",
                capability=Capability.ADMIN_SITE,
                description=_("Accounts, departments, roles and the agreement text."),
            )
        )
