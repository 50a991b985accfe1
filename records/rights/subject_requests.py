"""Customers' requests about their own data (PIPL Art. 44-47, issue 9 §2).

Staff register a request received by phone, in person, by letter or e-mail, with how the
customer's identity was checked; it is due in ``BAOMI_SUBJECT_REQUEST_DAYS`` working days
(default 15, counted from the day after receipt, skipping weekends and holidays and counting
worked weekend days from ``CalendarDay``). Then, by kind:

- see or copy: the answer carries the access report of the file;
- correct: the file goes back to its handler (returned for correction), is corrected and
  reviewed by the head as any change; the request can be answered once it is approved again;
- delete: handed to the disposal app (registered below), which restricts the file when a legal
  hold or a legal retention duty applies, and otherwise puts it into a destruction batch now;
- withdraw consent: recorded on the file at once.

Every step is an audit event; a request past its due date is reported to the security officers
once; the answer letter is a PDF in Chinese without any customer value in clear.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access import directory, policy
from access.models import User
from access.policy import Capability
from access.workflow import require_action, transition
from core.refusals import Refused
from records import consents, review
from records.disclosure import masked_customer_name
from records.models import CustomerRecord, RecordStatus
from records.pdf import Document, mm
from records.rights import access_report
from records.rights.models import CalendarDay, SubjectRequest

PREFIX = "QL"


# --- Working days -------------------------------------------------------------------------------


def is_working_day(day: date, exceptions: dict[date, bool]) -> bool:
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (the day of receipt itself not counted)."""
    exceptions = dict(
        CalendarDay.objects.filter(
            day__gt=start, day__lte=start + timedelta(days=days * 3 + 30)
        ).values_list("day", "working")
    )
    day, left = start, days
    while left:
        day += timedelta(days=1)
        if is_working_day(day, exceptions):
            left -= 1
    return day


def working_days_left(due_on: date, today: date | None = None) -> int:
    """Working days from today up to the due date (negative when overdue)."""
    today = today or timezone.localdate()
    low, high = sorted((today, due_on))
    exceptions = dict(
        CalendarDay.objects.filter(day__gt=low, day__lte=high).values_list("day", "working")
    )
    count, day = 0, low
    while day < high:
        day += timedelta(days=1)
        count += is_working_day(day, exceptions)
    return count if due_on >= today else -count


# --- Registering --------------------------------------------------------------------------------


@dataclass
class Intake:
    kind: str
    channel: str
    received_on: date
    identity_check: str
    record: CustomerRecord | None = None


def register(user: User, intake: Intake) -> SubjectRequest:
    policy.require_can(user, Capability.CUSTOMER_RIGHTS)
    if not intake.identity_check.strip():
        raise Refused(_("Say how the customer's identity was checked."))
    if intake.received_on > timezone.localdate():
        raise Refused(_("A request cannot be received in the future."))
    due = add_working_days(intake.received_on, settings.BAOMI_SUBJECT_REQUEST_DAYS)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                year = intake.received_on.year
                taken = SubjectRequest.objects.filter(number__startswith=f"{PREFIX}-{year}-")
                made = SubjectRequest.objects.create(
                    number=f"{PREFIX}-{year}-{taken.count() + 1:04d}",
                    kind=intake.kind,
                    channel=intake.channel,
                    record=intake.record,
                    received_on=intake.received_on,
                    due_on=due,
                    identity_check=intake.identity_check.strip()[:300],
                    registered_by=user,
                )
                audit.record(
                    user, "subject.registered", made, kind=intake.kind,
                    channel=intake.channel, due_on=due.isoformat(),
                    record=intake.record.audit_label() if intake.record else "",
                )  # fmt: skip
                if intake.kind == SubjectRequest.Kind.CORRECT and intake.record is not None:
                    _reopen(user, made, intake.record)
                return made
        except IntegrityError:  # two requests numbered at once: take the next number
            continue
    raise Refused(_("The request could not be numbered; try again."))


def _reopen(user: User, made: SubjectRequest, record: CustomerRecord) -> None:
    """``record`` is ``made.record`` (the file the request names)."""
    if record.status != RecordStatus.APPROVED:
        return  # a draft or a returned file is being edited by its handler already
    review.reopen_for_correction(
        user, record, _("The customer asked for a correction (request %(number)s).")
        % {"number": made.number},
    )  # fmt: skip


# --- Answering ----------------------------------------------------------------------------------

# Set by the disposal app (disposal/erasure.py): records does not import disposal.
_erasure: Callable[[object, SubjectRequest], tuple[str, str]] | None = None


def register_erasure(handler: Callable[..., tuple[str, str]]) -> None:
    global _erasure
    _erasure = handler


def answer(user: User, made: SubjectRequest, note: str = "") -> SubjectRequest:
    """Carry out what the customer asked and close the request with the answer they receive."""
    with transaction.atomic():
        made = SubjectRequest.objects.select_for_update().get(pk=made.pk)
        require_action(user, made, "answer")
        record = made.record
        # What the letter tells the customer (in Chinese, like the letter), besides the outcome.
        outcome: str
        if record is None:
            outcome, text = SubjectRequest.Outcome.NO_DATA, ""
        elif made.kind == SubjectRequest.Kind.ACCESS:
            outcome, text = SubjectRequest.Outcome.DONE, "所附为您的档案被处理情况的记录。"
        elif made.kind == SubjectRequest.Kind.CORRECT:
            if record.status != RecordStatus.APPROVED or (
                record.reviewed_at and record.reviewed_at < made.registered_at
            ):
                raise Refused(
                    _(
                        "The file has not been corrected and approved again since the request: "
                        "its handler corrects it, then the department head reviews it."
                    )
                )
            outcome, text = SubjectRequest.Outcome.DONE, "您的信息已更正，并经部门负责人复核。"
        elif made.kind == SubjectRequest.Kind.WITHDRAW:
            consents.withdraw_for_customer(user, record)
            outcome = SubjectRequest.Outcome.DONE
            text = "已记录您撤回同意：我们不再使用您的信息，并在法律要求的保存期限届满后删除。"
        else:
            if _erasure is None:
                raise Refused(_("Deletion is not available: the disposal app is missing."))
            outcome, text = _erasure(user, made)
        made.outcome = outcome
        made.answer = "\n".join(part for part in (text, note.strip()) if part)[:2000]
        made.answered_by, made.answered_at = user, timezone.now()
        transition(
            made, "answer", by=user, fields=["outcome", "answer", "answered_by", "answered_at"],
            outcome=outcome, days_left=working_days_left(made.due_on),
        )  # fmt: skip
    return made


# --- Overdue ------------------------------------------------------------------------------------


def waiting() -> QuerySet[SubjectRequest]:
    """Requests not answered yet, soonest deadline first: the desk's to-do."""
    return SubjectRequest.objects.filter(state=SubjectRequest.State.OPEN).order_by("due_on")


def notify_overdue(today: date | None = None) -> int:
    """Tell the security officers, once per request, about requests past their due date."""
    today = today or timezone.localdate()
    late = list(
        SubjectRequest.objects.filter(
            state=SubjectRequest.State.OPEN, due_on__lt=today, overdue_notified_at__isnull=True
        )
    )
    if not late:
        return 0
    officers = directory.alert_recipients()  # who hears about what must be handled at once
    lines = "\n".join(f"{r.number} ({r.get_kind_display()}) due {r.due_on}" for r in late)
    if officers:
        send_mail(
            f"[Baomi] 客户请求已逾期 / Customer requests overdue: {len(late)}",
            "以下客户个人信息请求已超过法定答复期限，请尽快处理。\n"
            "These customers' requests about their data are past their legal deadline.\n\n" + lines,
            None,
            officers,
        )
    now = timezone.now()
    for made in late:
        SubjectRequest.objects.filter(pk=made.pk).update(overdue_notified_at=now)
        audit.record(None, "subject.overdue", made, due_on=made.due_on.isoformat())
    return len(late)


# --- The answer letter --------------------------------------------------------------------------

KIND_ZH: dict[str, str] = {
    SubjectRequest.Kind.ACCESS: "查阅、复制您的个人信息",
    SubjectRequest.Kind.CORRECT: "更正您的个人信息",
    SubjectRequest.Kind.DELETE: "删除您的个人信息",
    SubjectRequest.Kind.WITHDRAW: "撤回您的同意",
}
OUTCOME_ZH: dict[str, str] = {
    SubjectRequest.Outcome.DONE: "已按您的请求办理。",
    SubjectRequest.Outcome.SCHEDULED: "已安排删除，经两人审批后销毁，并出具销毁证明。",
    SubjectRequest.Outcome.RESTRICTED: "依法暂不能删除，已限制处理：仅保存，不再使用。",
    SubjectRequest.Outcome.NO_DATA: "经核查，本公司未保存您的个人信息档案。",
}


def letter_pdf(user: User, made: SubjectRequest) -> bytes:
    """The answer to the customer, in Chinese; with the access report for a see/copy request."""
    policy.require_can(user, Capability.CUSTOMER_RIGHTS)
    if made.state != SubjectRequest.State.ANSWERED:
        raise Refused(_("Answer the request first; the letter says what was done."))
    record = made.record
    customer = (masked_customer_name(record) if record is not None else "") or "客户"
    doc = Document(
        f"{made.number} 个人信息请求答复",
        heading="关于您个人信息请求的答复",
        footer=f"{made.number} · 保密",
    )
    answered = timezone.localtime(made.answered_at).strftime("%Y年%m月%d日")
    received = made.received_on.strftime("%Y年%m月%d日")
    for text in (
        f"{customer}：",
        f"本公司于 {received} 收到您{KIND_ZH[made.kind]}的请求（编号 {made.number}）。",
        f"档案编号：{record.archive_number if record else '—'}",
        f"处理结果：{OUTCOME_ZH[made.outcome]}",
        *[line for line in made.answer.splitlines() if line.strip()],
        f"答复日期：{answered}（法定答复期限：{made.due_on.strftime('%Y年%m月%d日')}）",
        "如对处理结果有异议，可联系本公司信息安全负责人，或向有关部门投诉、举报。",
    ):
        doc.text(text, x=20 * mm)
    if made.kind == SubjectRequest.Kind.ACCESS and record is not None:
        access_report.write(doc, access_report.build_for_customer(user, record))
    data = doc.finish()
    audit.record(user, "subject.letter", made)
    return data
