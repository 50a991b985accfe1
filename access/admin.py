"""Admin for accounts, departments, roles and agreement versions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import people, signin
from access.http import signed_in_user
from access.models import Agreement, AgreementSignature, Department, User

# The TOTP admin can display any user's QR code, which would let an administrator copy another
# person's second factor. Second factors are managed by their owner only; admins can reset them.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "head")
    search_fields = ("code", "name")
    autocomplete_fields = ("head",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "full_name",
        "employee_number",
        "department",
        "employment_status",
        "is_active",
        "is_staff",
    )
    list_filter = ("employment_status", "department", "groups", "is_active", "is_staff")
    search_fields = ("username", "full_name", "employee_number", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Person"),
            {
                "fields": (
                    "full_name",
                    "email",
                    "employee_number",
                    "department",
                    "employment_status",
                )
            },
        ),
        (_("Roles"), {"fields": ("groups",)}),
        (_("Account"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "employee_number",
                    "department",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ("groups",)
    actions = ["reset_second_factor"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """A change of employment status goes through the service, which suspends or restores
        the person's access and records who changed it."""
        status = obj.employment_status
        if change and "employment_status" in form.changed_data:
            obj.employment_status = form.initial["employment_status"]
        super().save_model(request, obj, form, change)
        if change:
            people.set_employment_status(signed_in_user(request), obj, status)

    @admin.action(description=_("Reset second factor (the person enrols again at next sign-in)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset:
            signin.reset_second_factor(request, user)
            count += 1
        messages.success(request, _("Second factor reset for %(n)d people.") % {"n": count})


class SignatureInline(admin.TabularInline):
    model = AgreementSignature
    extra = 0
    can_delete = False
    fields = ("user", "signed_at", "ip_address", "text_sha256")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("version", "title", "published_at", "signature_count")
    inlines = [SignatureInline]

    @admin.display(description=_("signatures"))
    def signature_count(self, obj: Agreement) -> int:
        return obj.signatures.count()

    def get_readonly_fields(self, request: HttpRequest, obj: Agreement | None = None) -> tuple:
        # Once anyone has signed a version its text is evidence: publish a new version instead.
        if obj is not None and obj.signatures.exists():
            return ("version", "title", "body", "body_en", "published_at")
        return ()

    def has_delete_permission(self, request: HttpRequest, obj: Agreement | None = None) -> bool:
        return obj is None or not obj.signatures.exists()


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Roles are the fixed groups created by migration; they can be assigned, not invented."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return False
