"""The breach kit (PIPL Art. 57; issue 9 §3): from an incident, the suspected people and a time
window, the audit log says which client files they opened, revealed, downloaded or exported, and
which kinds of personal data those files hold. The kit lists them masked and pre-fills the notice
to the authority and the notice to the customers; the officer completes the cause and remedies.
Every use is an audit event.

Data categories are those the customer consented to for each file (what it may hold), and, for
a reveal, the categories of the fields shown in clear: an upper bound, which is what a notice
needs when the exact content seen cannot be known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

import audit
from access import policy
from access.models import User
from access.policy import Capability
from audit.models import AuditEvent, Incident
from records.disclosure import COMMUNICATIONS_FIELD, masked_customer_name
from records.fields import BY_NAME, CATEGORY_LABELS, Category
from records.models import Consent, CustomerRecord
from records.pdf import chinese

_KNOWN = {c.value for c in Category}
TOUCHES = {
    "record.view": "查阅",
    "record.reveal": "查看明文",
    "record.attachment_download": "下载附件",
    "record.attachment_view": "查看附件（加水印）",
    "record.export": "导出/复制",
}
# What each kind of data exposes a person to (for the notices; the officer may edit them).
HARM = {
    Category.IDENTITY: "身份信息被冒用、被骚扰",
    Category.CONTACT: "电话、短信诈骗或骚扰",
    Category.ID_NUMBER: "身份证件被冒用（开户、贷款等）",
    Category.FINANCIAL: "针对财产状况的诈骗",
    Category.BANK_ACCOUNT: "银行账户被盗刷或诈骗",
    Category.TRANSACTION: "交易信息被竞争对手或中介不当利用",
    Category.SPECIAL: "敏感个人信息泄露带来的歧视或人身、财产风险",
    Category.COMMUNICATIONS: "沟通内容被不当利用",
}


@dataclass
class Exposure:
    record: CustomerRecord
    customer: str  # masked
    what: set[str] = field(default_factory=set)
    revealed: set[str] = field(default_factory=set)  # field labels, never values
    categories: set[Category] = field(default_factory=set)
    first: datetime | None = None
    last: datetime | None = None

    def saw(self, at: datetime, what: str) -> None:
        self.what.add(what)
        self.first = min(self.first or at, at)
        self.last = max(self.last or at, at)


@dataclass
class Kit:
    incident: Incident
    actors: list[User]
    since: datetime
    until: datetime
    files: list[Exposure]
    events: int

    @property
    def categories(self) -> list[Category]:
        found = set().union(*(e.categories for e in self.files)) if self.files else set()
        return [c for c in Category if c in found]

    def authority_notice(self, officer: User) -> str:
        kinds = "、".join(chinese(CATEGORY_LABELS[c]) for c in self.categories) or "（无）"
        harm = "；".join(HARM[c] for c in self.categories) or "（无）"
        contact = getattr(officer, "get_full_name", lambda: "")()
        return "\n".join(
            [
                "个人信息安全事件报告",
                f"事件编号：{self.incident.reference}",
                f"发生时间（审计日志所见）：{_local(self.since)} 至 {_local(self.until)}",
                f"涉及客户档案：{len(self.files)} 份（涉及个人 {len(self.files)} 人）",
                f"涉及的个人信息种类：{kinds}",
                "事件原因（初步）：（请填写）",
                f"可能造成的危害：{harm}",
                "已采取的补救措施：已停用相关账号的访问权限，正在核查审计日志；（请补充）",
                f"联系人：{contact}（信息安全负责人）",
            ]
        )

    def individual_notice(self) -> str:
        kinds = "、".join(chinese(CATEGORY_LABELS[c]) for c in self.categories) or "（无）"
        harm = "；".join(HARM[c] for c in self.categories) or "（无）"
        return "\n".join(
            [
                "尊敬的客户：",
                f"本公司发现，您的个人信息可能在 {_local(self.since)} 至 {_local(self.until)} "
                "期间被不当访问。",
                f"可能涉及的信息种类：{kinds}。",
                f"可能的影响：{harm}。",
                "本公司已采取的措施：停用相关账号的访问权限，核查全部访问记录，并报告主管部门。",
                "建议您：警惕以本公司名义联系您的电话和短信，不要透露验证码和银行卡信息；"
                "如发现异常，请及时联系本公司或报警。",
                "如有疑问，请联系本公司信息安全负责人。",
            ]
        )


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def compute(
    user: User,
    incident: Incident,
    actors: list[User],
    since: datetime,
    until: datetime,
    scope: set[str] | None = None,
) -> Kit:
    """``scope``: which kinds of touch count (``TOUCHES`` keys); all of them by default."""
    policy.require_can(user, Capability.BREACH_RESPONSE)
    actions = sorted(set(TOUCHES) & set(scope)) if scope else sorted(TOUCHES)
    events = list(
        AuditEvent.objects.filter(
            actor__in=actors, occurred_at__gte=since, occurred_at__lt=until, action__in=actions
        )
        .filter(Q(target_type="records.customerrecord") | Q(action="record.export"))
        .order_by("occurred_at", "id")
    )
    by_id: dict[str, list[AuditEvent]] = {}
    by_number: dict[str | None, list[AuditEvent]] = {}  # a draft (no number) finds nothing
    for event in events:
        if event.target_type == "records.customerrecord":
            by_id.setdefault(event.target_id, []).append(event)
        for label in event.details.get("files") or []:
            by_number.setdefault(label, []).append(event)
    records = CustomerRecord.objects.filter(
        Q(pk__in=list(by_id)) | Q(archive_number__in=list(by_number))
    ).order_by("archive_number")
    scopes = {
        c.record_id: {*c.scope, *c.sensitive_scope}
        for c in Consent.objects.filter(record__in=records).order_by("obtained_at")
    }
    files = []
    for record in records:
        exposure = Exposure(record, masked_customer_name(record) or "—")
        exposure.categories = {Category(c) for c in scopes.get(record.pk, ()) if c in _KNOWN}
        for event in by_id.get(str(record.pk), []) + by_number.get(record.archive_number, []):
            exposure.saw(event.occurred_at, TOUCHES[event.action])
            for name in event.details.get("fields", []):
                if name == COMMUNICATIONS_FIELD:
                    exposure.revealed.add("沟通记录")
                    exposure.categories.add(Category.COMMUNICATIONS)
                elif name in BY_NAME:
                    exposure.revealed.add(str(BY_NAME[name].label))
                    exposure.categories.add(BY_NAME[name].category)
        files.append(exposure)
    audit.record(
        user, "incident.breach_kit", incident,
        actors=[a.audit_label() for a in actors], since=since.isoformat(),
        until=until.isoformat(), files=len(files), events=len(events), scope=actions,
    )  # fmt: skip
    return Kit(incident, list(actors), since, until, files, len(events))
