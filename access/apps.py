from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """Who people are and what they may do (DESIGN.md "access/")."""

    name = "access"
    verbose_name = _("People and access")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate

        post_migrate.connect(_restore_reference_data, sender=self)
        from access.grants import clear_permission_cache

        post_migrate.connect(clear_permission_cache, dispatch_uid="baomi-permission-ids")

        from access import receivers  # noqa: F401 - connects signal receivers
        from access.models import Agreement, Department, User
        from access.policy import Capability
        from access.shell import NavItem, register_nav

        # Field-level change history (django-auditlog); secrets are never recorded.
        auditlog.register(
            User,
            exclude_fields=["password", "last_login"],
            m2m_fields={"groups", "user_permissions"},
        )
        auditlog.register(Department)
        auditlog.register(Agreement)

        for item in (
            NavItem(
                key="security",
                label=_("My account security"),
                url_name="access:security",
                capability=Capability.ACCOUNT_SECURITY,
                description=_("Change your password, replace your authenticator, backup codes."),
            ),
            NavItem(
                key="audit",
                label=_("Audit log"),
                url_name="audit:events",
                capability=Capability.AUDIT_CONSOLE,
                description=_("Who did what, when: search, per person, per file, export."),
            ),
            NavItem(
                key="kpis",
                label=_("KPIs and alerts"),
                url_name="audit:kpis",
                capability=Capability.KPI_DASHBOARD,
                description=_("Leak incidents, permission abuses and abnormal accesses per week."),
            ),
            NavItem(
                key="incidents",
                label=_("Incidents"),
                url_name="audit:incidents",
                capability=Capability.INCIDENT_REPORT,
                description=_("Report a suspected leak; follow what happens to your report."),
            ),
            NavItem(
                key="admin",
                label=_("Administration"),
                url_name="admin:index",
                capability=Capability.ADMIN_SITE,
                description=_("Accounts, departments, roles and the agreement text."),
            ),
        ):
            register_nav(item)


def _restore_reference_data(sender: AppConfig, **kwargs: object) -> None:
    """After migrate or flush: roles and agreement v1 exist again (see access/seeds.py)."""
    from django.contrib.auth.models import Group

    from access.models import Agreement
    from access.seeds import ensure_first_agreement, ensure_roles

    ensure_roles(Group)
    ensure_first_agreement(Agreement)
