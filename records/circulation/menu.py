"""Menu entries and home-page panels of circulation: requests, approvals, the lending desk,
hand-overs, emergency access, external parties."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from access.models import User
from access.policy import Capability
from access.shell import NavItem, register_nav


def awaiting_approval(user: User) -> int:
    from access import requests

    return requests.awaiting(user).count()


def handed_to_me(user: User) -> int:
    from records.circulation import custody

    return custody.incoming(user).count()


def open_emergencies(user: User) -> int:
    from records.circulation import break_glass

    return break_glass.open_reviews().exclude(grant__grantee_id=user.pk).count()


def to_hand_out(user: User) -> int:
    from access import requests

    return requests.lending_desk()["to_hand_out"].count()


def my_loans(user: User) -> int:
    from access import requests

    return requests.loans_of(user).count()


def loans_due(user: User) -> date | None:
    from access import requests

    return requests.loans_of(user).values_list("due_on", flat=True).first()


def pledge_to_sign(user: User) -> int:
    from access.models import ExitPledge

    return ExitPledge.objects.filter(person_id=user.pk, signed_at__isnull=True).count()


def register() -> None:
    for item in (
        NavItem(
            key="requests",
            group="work",
            order=130,
            label=_("My requests"),
            url_name="requests:mine",
            capability=Capability.REQUEST_ACCESS,
            description=_("Borrow files of other departments or paper folders; follow them."),
            count=my_loans,
            due=loans_due,
            todo=_("Files on loan to you, to return by their date."),
        ),
        NavItem(
            key="approvals",
            group="work",
            order=140,
            label=_("Requests to approve"),
            url_name="requests:approvals",
            capability=Capability.APPROVE_REQUESTS,
            description=_("Borrow and copy requests that need your signature."),
            count=awaiting_approval,
        ),
        NavItem(
            key="desk",
            group="circulation",
            order=150,
            label=_("Lending desk"),
            url_name="requests:desk",
            capability=Capability.LENDING_DESK,
            description=_("Hand out approved loans, take files back and check them."),
            count=to_hand_out,
        ),
        NavItem(
            key="incoming",
            group="work",
            order=160,
            label=_("Files handed to me"),
            url_name="requests:incoming",
            capability=Capability.RECORD_INTAKE,
            description=_("Confirm receipt of files colleagues hand to you."),
            count=handed_to_me,
        ),
        NavItem(
            key="break_glass",
            group="circulation",
            order=170,
            label=_("Emergency access"),
            url_name="requests:break_glass",
            capability=Capability.BREAK_GLASS,
            description=_("Open one file for 30 minutes in an emergency; always reviewed."),
        ),
        NavItem(
            key="break_glass_reviews",
            group="audit",
            order=180,
            label=_("Emergency access reviews"),
            url_name="requests:break_glass_reviews",
            capability=Capability.BREAK_GLASS_REVIEW,
            description=_("Close each emergency access as justified or not."),
            count=open_emergencies,
        ),
        NavItem(
            key="parties",
            group="circulation",
            order=210,
            label=_("External parties"),
            url_name="requests:parties",
            capability=Capability.EXTERNAL_PARTIES,
            description=_("Suppliers, design teams and partners, with their NDAs."),
        ),
        NavItem(
            key="exit_pledge",
            group="work",
            order=105,
            label=_("My exit pledge"),
            url_name="requests:my_pledge",
            capability=Capability.SIGN_EXIT_PLEDGE,
            description=_("Read and sign your exit confidentiality pledge before you leave."),
            count=pledge_to_sign,
            todo=_("Your exit confidentiality pledge, to read and sign before you leave."),
        ),
        NavItem(
            key="handover",
            group="circulation",
            order=230,
            label=_("Hand-over"),
            url_name="requests:handover",
            capability=Capability.OFFBOARDING,
            description=_("When someone leaves or changes role: reassign all their files."),
        ),
    ):
        register_nav(item)
