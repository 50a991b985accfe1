# ruff: noqa: E501 - the agreement is prose: one paragraph per line, as it is shown
"""Reference data every installation needs: the roles (R1) and agreement version 1 (R3).

Used by the data migrations (with historical models) and again after every ``flush`` (through
``post_migrate``), so that an emptied database, for instance between transactional tests, still
has its roles and a published agreement. Both functions are idempotent.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

ROLE_NAMES = [
    "sales",
    "dept_head",
    "archivist",
    "security_officer",
    "auditor",
    "legal",
    "management",
]

TITLE = "客户信息保密承诺书 / Customer information confidentiality commitment"

BODY = """本人承诺在使用本系统及接触公司客户档案期间遵守以下规定：

一、保密范围。客户身份信息（姓名、身份证号码、联系方式、住址、家庭成员）、财务信息（收入、银行账户、付款及信用记录）、交易信息（购房或装修需求、意向房源、合同、价格谈判、预算、设计方案）、其他敏感信息（健康、宗教信仰、政治面貌）及沟通记录，均属公司保密信息。

二、最小授权。本人仅在工作职责范围内、经授权后使用客户信息，不查看、不复制、不传播超出本人工作范围的客户资料。

三、借阅与复制。借阅、复制、摘录客户档案须按规定提出申请并经部门负责人批准；复制件用后按规定销毁，不私自留存。

四、对外提供。未经信息安全负责人批准，不向任何第三方（包括供应商、设计团队、合作方）提供客户信息；不通过个人邮箱、即时通讯工具或移动存储介质传输客户信息。

五、账号安全。本人账号仅限本人使用，不得借用、共享；妥善保管密码及动态验证码设备；发现疑似泄露立即报告信息安全负责人。

六、离职与调岗。离职或调岗时，按规定办理客户资料交接，不带走、不复制、不销毁任何客户资料，离职后继续履行保密义务。

七、责任。本人知悉系统记录本人对客户信息的每一次访问和操作；违反本承诺的，愿承担公司制度规定的责任及相应法律责任。"""

BODY_EN = """While using this system and handling the company's customer files I commit to the following:

1. Scope. Customer identity data (name, ID number, contact details, address, family members), financial data (income, bank accounts, payment and credit records), transaction data (needs, intended properties, contracts, price negotiations, budgets, design plans), other sensitive data (health, religion, political status) and communication records are company secrets.

2. Least privilege. I use customer data only within my duties and after authorisation; I do not view, copy or spread customer files beyond my work scope.

3. Borrowing and copying. Borrowing, copying or excerpting a customer file needs an application approved by the department head; copies are destroyed after use and never kept privately.

4. External parties. Without the information-security officer's approval I give no customer data to any third party (suppliers, design teams, partners), and I never send customer data through personal e-mail, chat tools or removable media.

5. Account security. My account is mine alone; I do not lend or share it; I keep my password and authenticator safe and report any suspected leak to the information-security officer at once.

6. Leaving or changing role. When I leave or change role I hand over all customer files as required; I take, copy or destroy nothing, and my duty of confidentiality continues after I leave.

7. Accountability. I know that the system records each of my accesses to and actions on customer data; if I break this commitment I accept the consequences under company rules and the law."""


def ensure_roles(group_model: Any) -> None:
    for name in ROLE_NAMES:
        group_model.objects.get_or_create(name=name)


def ensure_first_agreement(agreement_model: Any) -> None:
    """Without a published agreement nobody could pass the sign-in gate, not even the
    administrator who would publish one; so version 1 ships with the system."""
    agreement_model.objects.get_or_create(
        version=1,
        defaults={"title": TITLE, "body": BODY, "body_en": BODY_EN, "published_at": timezone.now()},
    )
