"""App config that makes BaomiAdminSite the default admin site (kept free of model imports)."""

from django.contrib.admin.apps import AdminConfig


class BaomiAdminConfig(AdminConfig):
    default_site = "access.admin_site.BaomiAdminSite"
