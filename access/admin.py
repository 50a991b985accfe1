"""Admin for accounts, departments, roles and agreement versions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import people
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


class NewAccountForm(forms.ModelForm):
    """A new account has no password anyone knows: the person sets it through their one-time
    enrolment link (issue 17 §4, §20), issued on the next page."""

    class Meta:
        model = User
        fields = ("username", "full_name", "employee_number", "department", "email")

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


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
        (None, {"fields": ("username", "sign_in")}),
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
    add_form = NewAccountForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "employee_number", "department", "email"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined", "sign_in")
    filter_horizontal = ("groups",)

    @admin.display(description=_("Password and second factor"))
    def sign_in(self, obj: User) -> str:
        """No password field: the administrator resets through an enrolment link only."""
        if obj.pk is None:
            return ""
        return format_html(
            '<a class="button" href="{}">{}</a> {}',
            reverse("access:enrolment_issue", args=[obj.pk]),
            _("Reset sign-in (one-time link)"),
            _("Set by the person themselves; you never see or set it."),
        )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """Django's "set this user's password" page is closed: an administrator who knew the
        password could sign in as the person (issue 17 §4)."""
        raise PermissionDenied(_("Passwords are set by their owners, through an enrolment link."))

    def response_add(self, request: HttpRequest, obj: User, post_url_continue: Any = None) -> Any:
        """A new account goes straight to its first enrolment link."""
        return redirect("access:enrolment_issue", user_id=obj.pk)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """A change of employment status goes through the service, which suspends or restores
        the person's access and records who changed it."""
        status = obj.employment_status
        if change and "employment_status" in form.changed_data:
            obj.employment_status = form.initial["employment_status"]
        super().save_model(request, obj, form, change)
        if change:
            people.set_employment_status(signed_in_user(request), obj, status)


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
