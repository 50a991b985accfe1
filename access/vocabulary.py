"""The words of access/'s codes for the audit console and pages (audit/wording.py): roles,
request kinds and states, grants, emergency access, reviews, hand-overs. Registered once from
``AccessConfig.ready`` because audit/ may not import access/."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.wording import register_resolver, register_values


def register() -> None:
    from access.models import (
        AccessRequestItem,
        ApprovalDecision,
        BreakGlass,
        CopyFormat,
        EnrolmentLink,
        ExitPledge,
        ExternalParty,
        Grant,
        GrantPermission,
        Handover,
        Medium,
        RequestKind,
        RequestState,
        ReviewItem,
        Transfer,
    )
    from access.roles import Role

    register_values("role", Role.choices)
    # The three signatures of a disposal batch, and the approval steps.
    register_values(
        "role",
        [
            ("head", _("Department head")),
            ("officer", _("Information-security officer")),
            ("roles", _("Roles")),
        ],
    )
    register_values("staff_as", [("roles", _("Their roles"))])
    register_values("method", ExitPledge.Method.choices, scope="pledge.signed")
    register_values("kind", RequestKind.choices)
    register_values("kind", ExternalParty.Kind.choices)
    register_values("kind", ReviewItem.Kind.choices)
    register_values("kind", EnrolmentLink.Purpose.choices)
    for kind in ("borrow", "copy", "external_share"):
        register_values("state", RequestState.choices, scope=kind)
    register_values("state", BreakGlass.State.choices, scope="break_glass")
    register_values("state", Transfer.State.choices, scope="transfer")
    register_values("medium", Medium.choices)
    register_values("condition", AccessRequestItem.Condition.choices)
    register_values("decision", ApprovalDecision.choices)
    register_values("decision", ReviewItem.Decision.choices)
    register_values("format", CopyFormat.choices)
    # After the copy formats: a scoped vocabulary also fills the shared one where it is empty.
    register_values(
        "format",
        [("pdf", _("PDF document")), ("scan", _("The signed scan"))],
        scope="pledge.read",
    )
    register_values("permission", GrantPermission.choices)
    register_values("source", Grant.Source.choices)
    register_values("reason", BreakGlass.ReasonCode.choices, scope="access.break_glass")
    register_values("reason", Handover.Reason.choices)
    register_values("reason", [("permission", _("No permission"))])
    register_values("outcome", BreakGlass.Outcome.choices)
    register_values(
        "workflow",
        [
            ("borrow", _("Borrowing")),
            ("copy", _("Copy")),
            ("external_share", _("External sharing")),
            ("break_glass", _("Emergency access")),
            ("disposal_batch", _("Disposal batch")),
            ("subject_request", _("Customer's request")),
            ("transfer", _("File hand-over")),
            ("review", _("Access review")),
        ],
    )
    register_resolver("person", _person_named)


def _person_named(value: str) -> str | None:
    """Alerts logged before names were logged carry the person's id: name them as the log names
    people today (a name, not an address or number a reader cannot use)."""
    from access.models import User

    if not value.isdigit():
        return None
    person = User.objects.filter(pk=int(value)).first()
    return person.audit_label() if person else None
