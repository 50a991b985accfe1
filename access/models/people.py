"""People and departments (R1, R2)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text import clean_text


class Department(models.Model):
    """An organisational unit. Its head is first responsible for its records (R1, 000 §2)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    head = models.ForeignKey(
        "access.User",
        verbose_name=_("department head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """One person, one account (R2). Chinese names are kept whole in ``full_name``."""

    class EmploymentStatus(models.TextChoices):
        ACTIVE = "active", _("Active")
        ON_LEAVE = "on_leave", _("On leave")
        LEFT = "left", _("Left the company")

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    employee_number = models.CharField(
        _("employee number"), max_length=32, unique=True, null=True, blank=True
    )
    employment_status = models.CharField(
        _("employment status"),
        max_length=16,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.ACTIVE,
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def clean(self) -> None:
        """The admin's form runs this: the name others read follows the one text rule."""
        super().clean()
        self.full_name = clean_text(self.full_name)

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def audit_label(self) -> str:
        """How the audit log names a person: name and employee number, no personal data."""
        return str(self)

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        """Permissions that access/policy/ decides are answered there alone."""
        from access import policy

        if policy.decides_permission(perm):
            return policy.has_permission(self, perm)
        return super().has_perm(perm, obj)

    def get_short_name(self) -> str:
        return self.get_full_name()

    def __str__(self) -> str:
        if self.employee_number:
            return f"{self.get_full_name()} ({self.employee_number})"
        return self.get_full_name()
