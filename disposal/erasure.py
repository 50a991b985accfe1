"""A customer asks for their data to be deleted (PIPL Art. 47; issue 9 §2). Registered with
records/rights/subject_requests.py when the disposal app starts (records does not import disposal).

- a legal hold on the file: it cannot be deleted; it is restricted (storage only, legal alone
  may open it) and the customer is told why;
- the business ended in a contract whose retention period the law sets has not run out: the
  same, until that date;
- otherwise the file goes into its department's destruction batch at once (two signatures, then
  crypto-shredding and a certificate, as for any destruction).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

import audit
from access.models import User
from disposal.holds import held, restrict
from disposal.models import DisposalItem
from disposal.sweep import open_batch
from records.models import CustomerRecord, Outcome, PaperFile, RecordStatus
from records.rights.models import SubjectRequest


def erase(user: User, made: SubjectRequest) -> tuple[str, str]:
    """(outcome, what the letter tells the customer, in Chinese). The caller checked the
    capability and holds the request's row lock."""
    today = timezone.localdate()
    with transaction.atomic():
        if made.record_id is None:  # answer() says "no data" for a request naming no file
            raise CustomerRecord.DoesNotExist("the request names no file")
        record = CustomerRecord.objects.select_for_update().get(pk=made.record_id)
        if record.status == RecordStatus.DESTROYED:
            return SubjectRequest.Outcome.DONE, "您的档案此前已销毁，本公司不再保存您的个人信息。"
        on_hold = record.on_hold or held(CustomerRecord.objects.filter(pk=record.pk)).exists()
        keep_until = record.retention_until
        statutory = (
            record.outcome == Outcome.DEAL_CLOSED and keep_until is not None and keep_until > today
        )
        if on_hold or statutory:
            restrict(
                [record.pk], reason="legal_hold" if on_hold else "statutory_retention",
                actor=user, subject=made.number,
            )  # fmt: skip
            if on_hold:
                reason = "您的档案涉及法律程序，依法需要保存，暂不能删除。"
            elif keep_until is None:  # not reached: statutory retention has its date
                raise AttributeError("statutory retention without a date to keep until")
            else:
                until = keep_until.strftime("%Y年%m月%d日")
                reason = f"您的档案涉及已签订的合同，依法需保存至 {until}，到期后删除。"
            return SubjectRequest.Outcome.RESTRICTED, reason + "在此期间仅保存，不再使用。"
        if not DisposalItem.objects.filter(record=record, active=True).exists():
            batch = open_batch(record.department_id)
            DisposalItem.objects.create(
                batch=batch,
                record=record,
                policy=f"customer request {made.number}"[:60],
                due_on=today,
                had_paper=PaperFile.objects.filter(record=record).exists(),
            )
            audit.record(None, "disposal.proposed", batch, files=1, subject=made.number)
        return SubjectRequest.Outcome.SCHEDULED, "删除完成后，本公司可应您的要求提供销毁证明编号。"
