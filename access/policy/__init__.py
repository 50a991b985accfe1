"""The single authority on what a person may do (DESIGN.md "access/policy").

Views, templates, menus, admin and services ask this package; nothing else looks at roles,
levels or statuses to decide. One module per subject, one public surface here:

- ``capabilities``: which parts of the system a person may use (``can``, ``require_can``);
- ``records``: what a person may do to a client file (``decide``, ``require``) and which files
  they see (``visible_records``, ``clear_fields``, ...);
- ``grants``: per-object grants as the rules read them (``loans``, ``granted_records``);
- ``requests``: approval chains and who acts on a request (``decide_request``);
- ``custody``: who may hold a file, hand-overs, emergency access;
- ``integrations``: what an integration client (the CRM, through the API) may do;
- ``reviews``: the yearly access review; ``disposal``: disposal batches;
- ``actions``: everything a person may do on one file, computed in one pass for a page
  (requests, transfers and disposal batches: ``access.workflow.available_actions``).

Every decision has the form ``decide_*(user, [action,] object) -> Decision(allowed, reason)``;
``require*`` raises ``Denied`` with the reason. Superusers get nothing by role here:
``is_superuser`` appears in no rule.
"""

from access.policy.accounts import (
    decide_enrolment_approval,
    decide_enrolment_issue,
    decide_own_device,
    needs_second_approver,
)
from access.policy.actions import Allowed, allowed_actions, decide_registration_form
from access.policy.capabilities import (
    PERMISSION_CAPABILITIES,
    Capability,
    can,
    decides_permission,
    has_permission,
    refusal,
    require_can,
)
from access.policy.custody import (
    TransferLike,
    break_glass_today,
    decide_break_glass,
    decide_break_glass_review,
    decide_offboarding,
    decide_pledge,
    decide_transfer_answer,
    may_receive,
    offboarding_candidates,
    receivers,
)
from access.policy.decisions import ALLOW, Decision, Denied
from access.policy.disposal import (
    DISPOSAL_SIGNATURES,
    BatchLike,
    batch_signatures,
    decide_batch_signature,
    decide_disposal_edit,
    decide_disposal_execution,
    decide_disposal_signature,
    disposal_batches,
)
from access.policy.grants import READ_PERMISSION, grant_rows, granted_records, loans
from access.policy.imports import decide_import, decide_import_approval, import_departments
from access.policy.integrations import (
    SCOPE_LABELS,
    ClientLike,
    Scope,
    decide_api,
    decide_api_record,
    decide_client,
    decide_scope,
    require_api,
    require_api_record,
    require_scope,
)
from access.policy.lists import department_files, own_files
from access.policy.records import (
    RecordAction,
    RecordLike,
    catalogue,
    clear_fields,
    custodians,
    decide,
    decide_many,
    hidden_from,
    loan_until,
    require,
    review_queue,
    visible_records,
)
from access.policy.reports import reads_company_wide, report_departments
from access.policy.requests import (
    ApprovalLike,
    RequestAction,
    Step,
    approval_chain,
    approvals_for,
    decide_approval,
    decide_request,
    decide_signature,
    require_request,
    visible_requests,
)
from access.policy.reviews import decide_review_item, review_items_for, reviewer_role_for
from access.policy.roles import Person, has_role, headed_department_ids, roles_of, signed_in

__all__ = [
    "ALLOW",
    "DISPOSAL_SIGNATURES",
    "PERMISSION_CAPABILITIES",
    "READ_PERMISSION",
    "SCOPE_LABELS",
    "Allowed",
    "ApprovalLike",
    "BatchLike",
    "Capability",
    "ClientLike",
    "Decision",
    "Denied",
    "Person",
    "RecordAction",
    "RecordLike",
    "RequestAction",
    "Scope",
    "Step",
    "TransferLike",
    "allowed_actions",
    "approval_chain",
    "approvals_for",
    "batch_signatures",
    "break_glass_today",
    "can",
    "catalogue",
    "clear_fields",
    "custodians",
    "decide",
    "decide_api",
    "decide_api_record",
    "decide_approval",
    "decide_batch_signature",
    "decide_break_glass",
    "decide_break_glass_review",
    "decide_client",
    "decide_disposal_edit",
    "decide_disposal_execution",
    "decide_disposal_signature",
    "decide_enrolment_approval",
    "decide_enrolment_issue",
    "decide_import",
    "decide_import_approval",
    "decide_many",
    "decide_offboarding",
    "decide_own_device",
    "decide_pledge",
    "decide_registration_form",
    "decide_request",
    "decide_review_item",
    "decide_scope",
    "decide_signature",
    "decide_transfer_answer",
    "decides_permission",
    "department_files",
    "disposal_batches",
    "grant_rows",
    "granted_records",
    "has_permission",
    "has_role",
    "headed_department_ids",
    "hidden_from",
    "import_departments",
    "loan_until",
    "loans",
    "may_receive",
    "needs_second_approver",
    "offboarding_candidates",
    "own_files",
    "reads_company_wide",
    "receivers",
    "refusal",
    "report_departments",
    "require",
    "require_api",
    "require_api_record",
    "require_can",
    "require_request",
    "require_scope",
    "review_items_for",
    "review_queue",
    "reviewer_role_for",
    "roles_of",
    "signed_in",
    "visible_records",
    "visible_requests",
]
