"""People, departments, second factors, agreements, requests, grants, custody and reviews.

One module per subject; every model is importable from ``access.models`` as Django expects."""

from access.models.agreements import Agreement, AgreementQuerySet, AgreementSignature
from access.models.custody import Handover, Transfer
from access.models.devices import BackupCode, BackupCodeDevice
from access.models.enrolment import EnrolmentLink
from access.models.grants import (
    BreakGlass,
    Grant,
    GrantPermission,
    GrantQuerySet,
    RecordUserObjectPermission,
)
from access.models.people import Department, User
from access.models.requests import (
    AccessRequest,
    AccessRequestItem,
    Approval,
    ApprovalDecision,
    CopyFormat,
    CopyRegisterEntry,
    ExternalParty,
    Medium,
    RequestCounter,
    RequestKind,
    RequestState,
    ShareLink,
)
from access.models.reviews import ReviewCampaign, ReviewItem
from access.models.training import (
    ExitPledge,
    TrainingAttendance,
    TrainingReminder,
    TrainingSession,
)

__all__ = [
    "AccessRequest",
    "AccessRequestItem",
    "Agreement",
    "AgreementQuerySet",
    "AgreementSignature",
    "Approval",
    "ApprovalDecision",
    "BackupCode",
    "BackupCodeDevice",
    "BreakGlass",
    "CopyFormat",
    "CopyRegisterEntry",
    "Department",
    "EnrolmentLink",
    "ExitPledge",
    "ExternalParty",
    "Grant",
    "GrantPermission",
    "GrantQuerySet",
    "Handover",
    "Medium",
    "RecordUserObjectPermission",
    "RequestCounter",
    "RequestKind",
    "RequestState",
    "ReviewCampaign",
    "ReviewItem",
    "ShareLink",
    "TrainingAttendance",
    "TrainingReminder",
    "TrainingSession",
    "Transfer",
    "User",
]
