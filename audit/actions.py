"""The closed vocabulary of audit actions.

Every event names one of these; ``audit.record`` refuses anything else, so a typo cannot create
an event that no filter, KPI or anomaly rule knows about. Later capabilities add their actions
here, in the one list.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Action:
    code: str
    label: str | Promise
    category: str


_ACTIONS = [
    # Sign-in and account security (R2)
    Action("auth.sign_in", _("Signed in"), "auth"),
    Action("auth.sign_in_failed", _("Sign-in failed"), "auth"),
    Action("auth.locked_out", _("Locked out after failed sign-ins"), "auth"),
    Action("auth.sign_out", _("Signed out"), "auth"),
    Action("auth.otp_enrolled", _("Authenticator enrolled"), "auth"),
    Action("auth.backup_codes_issued", _("Backup codes issued"), "auth"),
    Action("auth.backup_code_used", _("Backup code used"), "auth"),
    Action("auth.reauthenticated", _("Re-authenticated"), "auth"),
    Action("auth.password_changed", _("Password changed"), "auth"),
    Action("auth.second_factor_reset", _("Second factor reset by an administrator"), "auth"),
    Action("auth.passkey_enrolled", _("Passkey added"), "auth"),
    Action("auth.passkey_renamed", _("Passkey renamed"), "auth"),
    Action("auth.passkey_removed", _("Passkey removed"), "auth"),
    Action("account.created", _("Account created"), "auth"),
    Action("account.enrolment_link_issued", _("Enrolment link issued (sign-in reset)"), "auth"),
    Action("account.enrolment_link_approved", _("Sign-in reset approved"), "auth"),
    Action("account.enrolment_completed", _("Own password and authenticator set by link"), "auth"),
    Action("account.status_changed", _("Employment status changed (leave, return)"), "auth"),
    # Agreements (R3)
    Action("agreement.signed", _("Confidentiality agreement signed"), "access"),
    # Authorization
    Action("access.denied", _("Access denied"), "access"),
    # Administration
    Action("admin.add", _("Administrator added an object"), "admin"),
    Action("admin.change", _("Administrator changed an object"), "admin"),
    Action("admin.delete", _("Administrator deleted an object"), "admin"),
    # Client files (records issue)
    Action("record.create", _("Client file registered"), "record"),
    Action("record.update", _("Client file changed"), "record"),
    Action("record.submit", _("Client file submitted for review"), "record"),
    Action("record.approve", _("Client file approved and numbered"), "record"),
    # Inventory rounds (issue 19 §2)
    Action("inventory.round_planned", _("Inventory round planned"), "record"),
    Action("inventory.round_closed", _("Inventory round closed"), "record"),
    Action("inventory.report", _("Inventory round report printed or exported"), "record"),
    Action("inventory.worksheet", _("Inventory worksheet printed"), "record"),
    # Bringing an existing register in (issue 19 §1)
    Action("record.imported", _("Client file imported from a register"), "record"),
    Action("import.checked", _("Register uploaded and checked"), "record"),
    Action("import.started", _("Register import started"), "record"),
    Action("import.finished", _("Register import finished; uploaded file destroyed"), "record"),
    Action("import.cancelled", _("Register import cancelled; uploaded file destroyed"), "record"),
    Action(
        "import.expired",
        _("Register import not started in time: cancelled, uploaded file destroyed"),
        "record",
    ),
    Action("import.refused", _("Register could not be read; uploaded file destroyed"), "record"),
    Action("import.rejects_downloaded", _("Rejected rows of a register downloaded"), "record"),
    Action("record.return", _("Client file returned for correction"), "record"),
    Action("record.view", _("Client file viewed"), "record"),
    Action("record.reveal", _("Sensitive value revealed"), "record"),
    Action("record.search", _("Client files searched"), "record"),
    Action("record.attachment_add", _("Attachment added"), "record"),
    Action("record.attachment_download", _("Attachment downloaded"), "record"),
    Action("record.attachment_view", _("Attachment viewed (watermarked)"), "record"),
    Action("record.communication_add", _("Communication record added"), "record"),
    Action("record.consent_recorded", _("Consent recorded"), "record"),
    Action("record.consent_withdrawn", _("Consent withdrawn"), "record"),
    Action("record.paper_registered", _("Paper file location registered"), "record"),
    Action("record.inventory_check", _("Paper file inventory check"), "record"),
    Action("record.cover_sheet", _("Paper file cover sheet printed"), "record"),
    Action("record.registration_form", _("Customer registration form printed"), "record"),
    Action("record.keys_rotated", _("Data keys re-wrapped under a new key"), "record"),
    Action("backup.created", _("Encrypted backup made"), "backup"),
    Action("backup.pruned", _("Old backup generation deleted"), "backup"),
    Action("backup.drill", _("Restore drill run"), "backup"),
    # Group-chat alerts (issue 21 §3)
    Action("alerts.channel_added", _("Group robot connected for alerts"), "admin"),
    Action("alerts.channel_removed", _("Group robot removed"), "admin"),
    Action("alerts.channel_tested", _("Test message sent to a group robot"), "admin"),
    # The integration API (issue 21 §2)
    Action("api.client_issued", _("Integration client created (token issued)"), "admin"),
    Action("api.client_revoked", _("Integration client's token revoked"), "admin"),
    Action("api.call", _("Integration API called"), "admin"),
    Action("record.export", _("Client file exported"), "record"),
    Action("record.destroy", _("Client file destroyed"), "record"),
    Action("record.restricted", _("Client file restricted (storage only)"), "record"),
    Action(
        "record.draft_purge_notice", _("Handler told an abandoned draft will be purged"), "record"
    ),
    Action("record.draft_purged", _("Abandoned draft purged"), "record"),
    Action("record.outcome", _("Outcome of the business recorded"), "record"),
    Action("record.access_report", _("Access report made for the customer"), "record"),
    Action("record.reopened", _("Approved file reopened for a customer's correction"), "record"),
    Action("subject.registered", _("Customer's request about their data registered"), "record"),
    Action("subject.answered", _("Customer's request answered"), "record"),
    Action("subject.overdue", _("Customer's request past its legal deadline"), "record"),
    Action("subject.letter", _("Answer letter to the customer printed"), "record"),
    Action("incident.breach_kit", _("Breach kit computed for an incident"), "incident"),
    Action("processing.recorded", _("Record of processing activities versioned"), "retention"),
    Action("processing.exported", _("Record of processing activities exported"), "retention"),
    Action("retention.policy_saved", _("Retention policy saved"), "disposal"),
    Action("hold.placed", _("Legal hold placed"), "disposal"),
    Action("hold.released", _("Legal hold released"), "disposal"),
    Action("disposal.proposed", _("Files proposed for destruction"), "disposal"),
    Action("disposal.list_printed", _("Destruction list printed"), "disposal"),
    Action("disposal.item_removed", _("File taken out of a disposal batch"), "disposal"),
    Action("disposal.signed", _("Disposal batch signed"), "disposal"),
    Action("disposal.executed", _("Disposal batch executed"), "disposal"),
    Action("disposal.paper_shredded", _("Paper folder shredded before a witness"), "disposal"),
    Action("disposal.certificate", _("Destruction certificate issued"), "disposal"),
    Action("record.transfer_offered", _("File handed to a colleague"), "record"),
    Action("record.transfer_received", _("Receipt of a file confirmed"), "record"),
    Action("record.transfer_declined", _("Receipt of a file declined"), "record"),
    Action("record.transfer_cancelled", _("Hand-over of a file called off"), "record"),
    Action("record.handed_over", _("File reassigned in a hand-over"), "record"),
    Action("person.handed_over", _("Hand-over completed (leaving or role change)"), "access"),
    Action("person.handover_sheet", _("Hand-over sheet printed"), "access"),
    Action("training.session_recorded", _("Confidentiality training session recorded"), "access"),
    Action("training.attendance_recorded", _("Training attendance recorded"), "access"),
    Action("training.reminder", _("Confidentiality training reminder sent"), "access"),
    Action("pledge.prepared", _("Exit confidentiality pledge prepared"), "access"),
    Action("pledge.signed", _("Exit confidentiality pledge signed"), "access"),
    Action("pledge.read", _("Exit confidentiality pledge printed or opened"), "access"),
    # Requests and grants (access issue)
    Action("request.create", _("Request submitted"), "request"),
    Action("request.form_printed", _("Request form printed"), "request"),
    Action("request.approve", _("Request approved"), "request"),
    Action("request.reject", _("Request rejected"), "request"),
    Action("request.cancel", _("Request withdrawn"), "request"),
    Action("request.hand_out", _("Files handed out"), "request"),
    Action("request.take_back", _("Files taken back"), "request"),
    Action("request.item_ended", _("A file's part of a loan ended"), "request"),
    Action("request.closed", _("Request closed"), "request"),
    Action("request.copy_destroyed", _("Copy destruction confirmed"), "request"),
    Action("request.reminder", _("Reminder sent"), "request"),
    Action("share.link_created", _("External delivery link created"), "request"),
    Action("share.passcode_failed", _("Wrong passcode on a delivery link"), "request"),
    Action("share.receipt_confirmed", _("Recipient confirmed receipt"), "request"),
    Action("party.created", _("External party registered"), "access"),
    Action("party.updated", _("External party or NDA changed"), "access"),
    Action("party.nda_viewed", _("Signed NDA opened"), "access"),
    Action("party.nda_reminder", _("Legal reminded that an NDA expires"), "access"),
    Action("review.opened", _("Access review opened"), "access"),
    Action("review.decided", _("Access review item decided"), "access"),
    Action("review.escalated", _("Access review escalated at its deadline"), "access"),
    Action("review.closed", _("Access review closed"), "access"),
    Action("account.role_removed", _("Role removed from an account"), "access"),
    Action("access.break_glass", _("Emergency access used"), "access"),
    Action("access.break_glass_reviewed", _("Emergency access reviewed"), "access"),
    Action("grant.issued", _("Access granted"), "access"),
    Action("grant.revoked", _("Access revoked"), "access"),
    Action("grant.expired_swept", _("Expired grants removed"), "access"),
    Action("grant.expired_use", _("Expired grant used"), "access"),
    # The audit log itself (R70)
    Action("audit.console_view", _("Audit console viewed"), "audit"),
    Action("report.management", _("Management report viewed or exported"), "audit"),
    Action("audit.export", _("Audit events exported"), "audit"),
    Action("audit.verify", _("Audit chain verified"), "audit"),
    Action("audit.anchor", _("Audit chain head anchored"), "audit"),
    Action("audit.chain_exported", _("Audit log exported for an outside auditor"), "audit"),
    Action("audit.alert_raised", _("Anomaly alert raised"), "audit"),
    Action("audit.alert_closed", _("Anomaly alert closed"), "audit"),
    # Incidents (R73)
    Action("incident.reported", _("Incident reported"), "incident"),
    Action("incident.triaged", _("Incident triaged"), "incident"),
    Action("incident.closed", _("Incident closed"), "incident"),
    Action(
        "incident.escalated", _("Incident past its deadline, escalated to management"), "incident"
    ),
]

ACTIONS: dict[str, Action] = {action.code: action for action in _ACTIONS}


def is_known(code: str) -> bool:
    return code in ACTIONS


def label(code: str) -> str:
    action = ACTIONS.get(code)
    return str(action.label) if action else code


def choices() -> list[tuple[str, str]]:
    return [(a.code, str(a.label)) for a in _ACTIONS]
