"""The fixed set of roles (R1). Each is a Django group of the same name, created by migration.

Role names are stable identifiers used in code, data files and the migration; labels are what
people read (Chinese labels come from the zh-hans catalogue).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES = "sales", _("Sales staff")
    DEPT_HEAD = "dept_head", _("Department head")
    ARCHIVIST = "archivist", _("Archivist")
    SECURITY_OFFICER = "security_officer", _("Information-security officer")
    AUDITOR = "auditor", _("Auditor")
    LEGAL = "legal", _("Legal")
    MANAGEMENT = "management", _("Management")
