"""Announcements to the firm's group chats (issue 21 §3): what happened, in one place.

Alerts are decided where they happen (an anomaly in audit/, an overdue approval or an incident
mail in access/, a failed backup in records/ops/watch.py), but the group-robot channels that
carry them live in records/ops/ (their addresses are secrets, sealed by records.crypto). The
deciding code calls ``announce``; the channels answer the signal in the same transaction, so an
announcement is written to the outbox together with the decision, or not at all.

An announcement is in Chinese and carries no customer value: a group chat is read by more
people than an officer's mailbox, and is kept by another company.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _


class Topic(StrEnum):
    """What a channel may subscribe to."""

    SECURITY = "security"
    APPROVALS = "approvals"
    OPERATIONS = "operations"
    INCIDENTS = "incidents"

    @property
    def label(self) -> str:
        return str(TOPIC_LABELS[self])


TOPIC_LABELS = {
    Topic.SECURITY: _("Security alerts (anomalous access)"),
    Topic.APPROVALS: _("Approvals waiting more than two days"),
    Topic.OPERATIONS: _("Backups, worker and system health"),
    Topic.INCIDENTS: _("Incident reports and overdue incidents"),
}


@dataclass(frozen=True)
class Announcement:
    """A title, a few lines of plain Chinese, and the page in Baomi that has the details (a
    path: the channel adds the site's public address)."""

    topic: Topic
    title: str
    lines: tuple[str, ...]
    path: str


announced = Signal()  # sender: Topic; keyword: announcement


class NotDelivered(Exception):
    """A message to another system (a group robot, a client's webhook) was not taken. Its text
    is the other side's status or code only, never an address, a key or the message: the
    outbox keeps it as the row's last error."""


def announce(topic: Topic, title: str, lines: list[str] | tuple[str, ...], path: str) -> None:
    """Tell every channel subscribed to ``topic``, in the caller's transaction."""
    announced.send(sender=topic, announcement=Announcement(topic, title, tuple(lines), path))


class Undeliverable(NotDelivered):
    """Not worth retrying: the destination is gone on purpose (a robot removed, a client
    revoked or expired). The outbox gives up at once; the operations watch does not count it."""
