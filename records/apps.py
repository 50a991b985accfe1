from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """Client files, their encryption, consent and classification (DESIGN.md "records/")."""

    name = "records"
    verbose_name = _("Client files")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from access import policy
        from access.policy import Capability
        from access.shell import NavItem, register_nav
        from records import demo  # noqa: F401 - registers the seed_demo step
        from records.models import Consent, CustomerRecord, InventoryCheck, PaperFile

        # Field-level history without content: sealed columns, keys and blind indexes are
        # never copied into the change log (they would outlive crypto-shredding there).
        auditlog.register(
            CustomerRecord,
            include_fields=[
                "archive_number",
                "kind",
                "tier",
                "status",
                "handler",
                "department",
                "source",
                "acquired_at",
                "retention_until",
                "reviewed_by",
                "disposal_review_requested_at",
            ],
        )
        auditlog.register(Consent, exclude_fields=["purpose"])
        auditlog.register(PaperFile)
        auditlog.register(InventoryCheck)

        def awaiting_review(user: object) -> int:
            return policy.review_queue(user, CustomerRecord.objects.all()).count()

        def awaiting_approval(user: object) -> int:
            from access import requests

            return requests.awaiting(user).count()

        def handed_to_me(user: object) -> int:
            from records import custody

            return custody.incoming(user).count()

        def review_items(user: object) -> int:
            from access import reviews

            return reviews.my_items(user).count()

        def open_emergencies(user: object) -> int:
            from records import break_glass

            return break_glass.open_reviews().exclude(grant__grantee_id=user.pk).count()

        def to_hand_out(user: object) -> int:
            from access import requests

            return requests.lending_desk()["to_hand_out"].count()

        for item in (
            NavItem(
                key="records",
                label=_("Client files"),
                url_name="records:list",
                capability=Capability.RECORD_INTAKE,
                description=_("Register customers, your files, exact search."),
            ),
            NavItem(
                key="review",
                label=_("Awaiting my review"),
                url_name="records:review_queue",
                capability=Capability.RECORD_REVIEW,
                description=_("Client files your staff submitted: approve or return."),
                count=awaiting_review,
            ),
            NavItem(
                key="archive",
                label=_("Archive catalogue"),
                url_name="records:catalogue",
                capability=Capability.PAPER_ARCHIVE,
                description=_("Approved files, where their folders are, cover sheets, inventory."),
            ),
            NavItem(
                key="requests",
                label=_("My requests"),
                url_name="requests:mine",
                capability=Capability.REQUEST_ACCESS,
                description=_("Borrow files of other departments or paper folders; follow them."),
            ),
            NavItem(
                key="approvals",
                label=_("Awaiting my approval"),
                url_name="requests:approvals",
                capability=Capability.APPROVE_REQUESTS,
                description=_("Borrow and copy requests that need your signature."),
                count=awaiting_approval,
            ),
            NavItem(
                key="desk",
                label=_("Lending desk"),
                url_name="requests:desk",
                capability=Capability.LENDING_DESK,
                description=_("Hand out approved loans, take files back and check them."),
                count=to_hand_out,
            ),
            NavItem(
                key="incoming",
                label=_("Files handed to me"),
                url_name="requests:incoming",
                capability=Capability.RECORD_INTAKE,
                description=_("Confirm receipt of files colleagues hand to you."),
                count=handed_to_me,
            ),
            NavItem(
                key="break_glass",
                label=_("Emergency access"),
                url_name="requests:break_glass",
                capability=Capability.BREAK_GLASS,
                description=_("Open one file for 30 minutes in an emergency; always reviewed."),
            ),
            NavItem(
                key="break_glass_reviews",
                label=_("Emergency access reviews"),
                url_name="requests:break_glass_reviews",
                capability=Capability.BREAK_GLASS_REVIEW,
                description=_("Close each emergency access as justified or not."),
                count=open_emergencies,
            ),
            NavItem(
                key="access_reviews",
                label=_("Access reviews"),
                url_name="requests:reviews",
                capability=Capability.ACCESS_REVIEW,
                description=_("Confirm or revoke your staff's roles and grants (yearly)."),
                count=review_items,
            ),
            NavItem(
                key="access_review_admin",
                label=_("Access reviews"),
                url_name="requests:reviews",
                capability=Capability.ACCESS_REVIEW_ADMIN,
                description=_("Open the yearly review, follow progress, close with a report."),
            ),
            NavItem(
                key="parties",
                label=_("External parties"),
                url_name="requests:parties",
                capability=Capability.EXTERNAL_PARTIES,
                description=_("Suppliers, design teams and partners, with their NDAs."),
            ),
            NavItem(
                key="rights",
                label=_("Customer rights"),
                url_name="records:rights",
                capability=Capability.CUSTOMER_RIGHTS,
                description=_("A customer asks who saw their file: the access report (PIPL 45)."),
            ),
            NavItem(
                key="handover",
                label=_("Hand-over"),
                url_name="requests:handover",
                capability=Capability.OFFBOARDING,
                description=_("When someone leaves or changes role: reassign all their files."),
            ),
        ):
            register_nav(item)
