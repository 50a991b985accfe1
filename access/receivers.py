"""Signals access/ answers: django-axes lockouts (audited), anomaly alerts and incidents (e-mailed,
and announced to the group chats subscribed: core.announcements)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from axes.signals import user_locked_out
from django.core.mail import send_mail
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation

import audit
from access import directory
from access.models import User
from audit import wording
from audit.anomalies import alert_raised
from audit.incidents import incident_overdue, incident_reported
from audit.models import Alert, Incident
from core.announcements import Topic, announce


@receiver(user_locked_out, dispatch_uid="baomi.access.locked_out")
def locked_out(
    sender: User, request: HttpRequest, username: str | None = None, **kwargs: object
) -> None:
    account = User.objects.filter(username=username).first() if username else None
    audit.record(None, "auth.locked_out", target=account, username_known=account is not None)


def _in(language: str, words: Callable[..., str], *args: Any) -> str:
    """``words(*args)`` in ``language``: the mails speak Chinese and English, whoever sends."""
    with translation.override(language):
        return words(*args)


@receiver(alert_raised, dispatch_uid="baomi.access.alert_chat")
def announce_alert(sender: User, alert: Alert, **kwargs: object) -> None:
    """An anomaly alert reaches the security group chats too. The person's name stays in the
    officers' mail: a group is read by more people than the officers."""
    when = timezone.localtime(alert.window_start)
    announce(
        Topic.SECURITY,
        f"异常访问告警：{_in('zh-hans', wording.rule, alert.rule)}",
        [
            f"时段：{when:%Y-%m-%d %H:00}",
            f"说明：{_in('zh-hans', wording.rule_summary, alert.rule, alert.count)}",
            "请信息安全负责人登录查看并处理。",
        ],
        reverse("audit:kpis"),
    )


@receiver(alert_raised, dispatch_uid="baomi.access.alert_mail")
def mail_security_officers(sender: User, alert: Alert, **kwargs: object) -> None:
    """An anomaly alert reaches every security officer by e-mail at once (R71)."""
    recipients = directory.alert_recipients()
    if not recipients:
        return
    when = timezone.localtime(alert.window_start)
    zh, en = (_in(language, wording.rule, alert.rule) for language in ("zh-hans", "en"))
    summary = _in("zh-hans", wording.rule_summary, alert.rule, alert.count)
    summary_en = _in("en", wording.rule_summary, alert.rule, alert.count)
    send_mail(
        subject=f"[Baomi] 异常访问告警 / anomaly alert: {zh} / {en}",
        message=(
            f"规则 Rule: {zh} / {en}\n"
            f"人员 Person: {alert.actor_name}\n"
            f"时段 Hour: {when:%Y-%m-%d %H:00}\n"
            f"说明 Summary: {summary} / {summary_en}\n\n"
            "请登录保密系统查看 KPI 与告警页面。Sign in to Baomi and open KPIs and alerts."
        ),
        from_email=None,
        recipient_list=recipients,
        fail_silently=False,
    )


def _incident_chat(incident: Incident, title: str, closing: str) -> None:
    """The incident's reference, kind, severity and deadline in the incident group chats; never
    its description, which may quote customer data."""
    with translation.override("zh-hans"):
        lines = [
            f"类型：{incident.get_kind_display()}",
            f"严重程度：{incident.get_severity_display()}",
            f"报告时间：{timezone.localtime(incident.reported_at):%Y-%m-%d %H:%M}",
        ]
    if incident.due_at:
        lines.append(f"处理期限：{timezone.localtime(incident.due_at):%Y-%m-%d %H:%M}")
    announce(
        Topic.INCIDENTS,
        f"{title}：{incident.reference}",
        [*lines, closing],
        reverse("audit:incident", args=[incident.pk]),
    )


def _incident_lines(incident: Incident) -> str:
    lines = (
        f"编号 Reference: {incident.reference}\n"
        f"类型 Kind: {incident.get_kind_display()}\n"
        f"报告时间 Reported: {timezone.localtime(incident.reported_at):%Y-%m-%d %H:%M}\n"
        f"严重程度 Severity: {incident.get_severity_display()}\n"
    )
    if incident.due_at:
        lines += f"处理期限 Respond by: {timezone.localtime(incident.due_at):%Y-%m-%d %H:%M}\n"
    return lines


@receiver(incident_reported, dispatch_uid="baomi.access.incident_mail")
def mail_new_incident(sender: type, incident: Incident, **kwargs: object) -> None:
    """A new incident report reaches every security officer at once (R73). The description
    stays in Baomi: a mail is not the place for what may be customer data."""
    _incident_chat(incident, "新的事件报告", "请信息安全负责人登录处理。")
    recipients = directory.alert_recipients()
    if recipients:
        send_mail(
            subject=f"[Baomi] 新的事件报告 / new incident: {incident.reference}",
            message=_incident_lines(incident)
            + "\n请登录保密系统处理。Sign in to Baomi and open Incidents.",
            from_email=None,
            recipient_list=recipients,
            fail_silently=False,
        )


@receiver(incident_overdue, dispatch_uid="baomi.access.incident_overdue_mail")
def mail_overdue_incident(sender: type, incident: Incident, **kwargs: object) -> None:
    """An incident past its deadline goes to management (and the officers) once (R73, R83)."""
    _incident_chat(incident, "事件逾期未处理", "该事件已超过处理期限，请督促处理。")
    recipients = directory.management_recipients()
    if recipients:
        send_mail(
            subject=f"[Baomi] 事件逾期未处理 / incident overdue: {incident.reference}",
            message=_incident_lines(incident) + "\n该事件已超过处理期限，请督促信息安全负责人处理。"
            "\nThis incident passed its response deadline; please follow it up.",
            from_email=None,
            recipient_list=recipients,
            fail_silently=False,
        )
