"""Events raised by Django itself: changes made in the admin site."""

from __future__ import annotations

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.api import Target, record

_ADMIN_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


@receiver(post_save, sender=LogEntry, dispatch_uid="baomi.audit.admin_log")
def admin_change(
    sender: type[LogEntry], instance: LogEntry, created: bool, **kwargs: object
) -> None:
    """Every admin add/change/delete, with the changed field *names* (never their values)."""
    if not created:
        return
    content_type = instance.content_type
    target = Target(
        type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        id=str(instance.object_id or ""),
        label=instance.object_repr[:200],
    )
    record(
        instance.user,
        _ADMIN_ACTIONS.get(instance.action_flag, "admin.change"),
        target=target,
        change=instance.get_change_message()[:500],
    )
