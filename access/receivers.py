"""Signals access/ answers: django-axes lockouts (audited) and anomaly alerts (e-mailed)."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.core.mail import send_mail
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

import audit
from access import directory
from access.models import User
from audit.anomalies import alert_raised
from audit.models import Alert


@receiver(user_locked_out, dispatch_uid="baomi.access.locked_out")
def locked_out(
    sender: User, request: HttpRequest, username: str | None = None, **kwargs: object
) -> None:
    account = User.objects.filter(username=username).first() if username else None
    audit.record(None, "auth.locked_out", target=account, username_known=account is not None)


@receiver(alert_raised, dispatch_uid="baomi.access.alert_mail")
def mail_security_officers(sender: User, alert: Alert, **kwargs: object) -> None:
    """An anomaly alert reaches every security officer by e-mail at once (R71)."""
    recipients = directory.alert_recipients()
    if not recipients:
        return
    when = timezone.localtime(alert.window_start)
    send_mail(
        subject=f"[Baomi] 异常访问告警 / anomaly alert: {alert.rule}",
        message=(
            f"规则 Rule: {alert.rule}\n"
            f"人员 Person: {alert.actor_name}\n"
            f"时段 Hour: {when:%Y-%m-%d %H:00}\n"
            f"说明 Summary: {alert.summary}\n\n"
            "请登录保密系统查看 KPI 与告警页面。Sign in to Baomi and open KPIs and alerts."
        ),
        from_email=None,
        recipient_list=recipients,
        fail_silently=False,
    )
