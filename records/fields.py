"""The intake template (R10): which field belongs to which section and data category.

One table serves the form, the classification, the consent check, masking and the demo, so a
field added here is encrypted, classified, consented and masked without touching those modules.
Field names are identifiers, never shown; labels are translated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Section(StrEnum):
    """One sealed ciphertext per section (the associated data names the section)."""

    IDENTITY = "identity"
    FINANCIAL = "financial"
    TRANSACTION = "transaction"
    OTHER = "other"


class Category(StrEnum):
    """What consent is given for (R11). Sensitive categories need their own, separate consent."""

    IDENTITY = "identity"
    CONTACT = "contact"
    ID_NUMBER = "id_number"
    FINANCIAL = "financial"
    BANK_ACCOUNT = "bank_account"
    TRANSACTION = "transaction"
    SPECIAL = "special"
    COMMUNICATIONS = "communications"


CATEGORY_LABELS: dict[Category, Promise] = {
    Category.IDENTITY: _("Identity (name, gender, family)"),
    Category.CONTACT: _("Contact details (phone, e-mail, address)"),
    Category.ID_NUMBER: _("ID number or credit code"),
    Category.FINANCIAL: _("Income, payment and credit records"),
    Category.BANK_ACCOUNT: _("Bank account"),
    Category.TRANSACTION: _("Needs, properties, budget, negotiation, contracts"),
    Category.SPECIAL: _("Health, religion, political status"),
    Category.COMMUNICATIONS: _("Communication records"),
}

SENSITIVE_CATEGORIES = frozenset({Category.ID_NUMBER, Category.BANK_ACCOUNT, Category.SPECIAL})


class Masking(StrEnum):
    """How a value is shown by default (masking.py).

    SECRET values are masked for everyone until revealed with a reason; NAME and CONTACT values
    are masked unless the policy clears that class for this viewer and tier
    (``access.policy.clear_fields``); BUSINESS values are shown to anyone allowed to view the
    record at all.
    """

    SECRET = "secret"  # noqa: S105 - a masking class, not a password
    NAME = "name"
    CONTACT = "contact"
    BUSINESS = "business"


@dataclass(frozen=True)
class Field:
    name: str
    label: Promise
    section: Section
    category: Category
    masking: Masking
    kind: str = "text"  # text | long | id_number | uscc | mobile | email | bank_card | money
    person: bool = True  # asked for a person
    company: bool = True  # asked for a company
    help: Promise | str = ""


FIELDS: tuple[Field, ...] = (
    # Identity
    Field("full_name", _("Name"), Section.IDENTITY, Category.IDENTITY, Masking.NAME,
          help=_("A person's full name, or the company's registered name.")),
    Field("gender", _("Gender"), Section.IDENTITY, Category.IDENTITY, Masking.BUSINESS,
          kind="gender", company=False),
    Field("id_number", _("Resident ID number"), Section.IDENTITY, Category.ID_NUMBER,
          Masking.SECRET, kind="id_number", company=False),
    Field("credit_code", _("Unified social credit code"), Section.IDENTITY, Category.ID_NUMBER,
          Masking.SECRET, kind="uscc", person=False),
    Field("contact_person", _("Contact person"), Section.IDENTITY, Category.CONTACT,
          Masking.NAME, person=False),
    Field("mobile", _("Mobile phone"), Section.IDENTITY, Category.CONTACT, Masking.CONTACT,
          kind="mobile"),
    Field("email", _("E-mail"), Section.IDENTITY, Category.CONTACT, Masking.CONTACT,
          kind="email"),
    Field("address_region", _("Province, city and district"), Section.IDENTITY,
          Category.CONTACT, Masking.BUSINESS, help=_("For example 北京市朝阳区.")),
    Field("address_detail", _("Street address"), Section.IDENTITY, Category.CONTACT,
          Masking.SECRET, help=_("Street, building, unit and room.")),
    Field("family_members", _("Family members"), Section.IDENTITY, Category.IDENTITY,
          Masking.CONTACT, kind="long", company=False,
          help=_("One per line: relation, name, and anything the deal needs.")),
    # Financial
    Field("income_band", _("Income band"), Section.FINANCIAL, Category.FINANCIAL,
          Masking.SECRET, kind="income"),
    Field("bank_name", _("Bank"), Section.FINANCIAL, Category.BANK_ACCOUNT, Masking.BUSINESS),
    Field("bank_card", _("Bank card or account number"), Section.FINANCIAL,
          Category.BANK_ACCOUNT, Masking.SECRET, kind="bank_card"),
    Field("credit_notes", _("Payment and credit records"), Section.FINANCIAL,
          Category.FINANCIAL, Masking.SECRET, kind="long"),
    # Transaction
    Field("needs", _("Needs"), Section.TRANSACTION, Category.TRANSACTION, Masking.BUSINESS,
          kind="long"),
    Field("intended_properties", _("Intended properties"), Section.TRANSACTION,
          Category.TRANSACTION, Masking.BUSINESS, kind="long"),
    Field("budget", _("Budget (yuan)"), Section.TRANSACTION, Category.TRANSACTION,
          Masking.CONTACT, kind="money", help=_("A specific budget makes the file Level 2.")),
    Field("negotiation_notes", _("Price negotiation notes"), Section.TRANSACTION,
          Category.TRANSACTION, Masking.CONTACT, kind="long"),
    Field("deal_progress", _("Unpublished deal progress"), Section.TRANSACTION,
          Category.TRANSACTION, Masking.CONTACT, kind="long"),
    Field("contract_refs", _("Contract references"), Section.TRANSACTION,
          Category.TRANSACTION, Masking.BUSINESS),
    Field("design_plans", _("Design plans"), Section.TRANSACTION, Category.TRANSACTION,
          Masking.BUSINESS, kind="long"),
    # Other sensitive data
    Field("health", _("Health"), Section.OTHER, Category.SPECIAL, Masking.SECRET, kind="long",
          company=False),
    Field("religion", _("Religion"), Section.OTHER, Category.SPECIAL, Masking.SECRET,
          company=False),
    Field("political_status", _("Political status"), Section.OTHER, Category.SPECIAL,
          Masking.SECRET, company=False),
)  # fmt: skip

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

SECTION_LABELS: dict[Section, Promise] = {
    Section.IDENTITY: _("Identity"),
    Section.FINANCIAL: _("Financial"),
    Section.TRANSACTION: _("Transaction"),
    Section.OTHER: _("Other sensitive data"),
}

INCOME_BANDS: list[tuple[str, Promise]] = [
    ("", _("— not asked —")),
    ("lt100k", _("Under 100,000 yuan a year")),
    ("100k-300k", _("100,000 – 300,000 yuan a year")),
    ("300k-1m", _("300,000 – 1 million yuan a year")),
    ("gt1m", _("Over 1 million yuan a year")),
]

GENDERS: list[tuple[str, Promise]] = [
    ("", _("— not asked —")),
    ("female", _("Female")),
    ("male", _("Male")),
]


def fields_in(section: Section) -> list[Field]:
    return [f for f in FIELDS if f.section == section]


# An attachment of these kinds holds what the field holds (an ID card scan shows the ID number):
# it counts like that field for the minimum level, the separate consent and the data categories
# of the access report and the processing record (issue 17 §2). Kind -> (field, what it is).
ATTACHMENT_STANDS_FOR: dict[str, tuple[str, Promise]] = {
    "id_scan": ("id_number", _("An ID scan is attached")),
}


def fields_of_attachments(kinds: Iterable[str]) -> dict[str, Promise]:
    """Field name -> why it counts as present, for the attachments of these kinds."""
    found: dict[str, Promise] = {}
    for kind in kinds:
        if kind in ATTACHMENT_STANDS_FOR:
            name, why = ATTACHMENT_STANDS_FOR[kind]
            found.setdefault(name, why)
    return found


def categories_present(
    content: dict[str, str], has_communications: bool = False, attachment_kinds: Iterable[str] = ()
) -> set[Category]:
    """Data categories the file actually holds: what consent must cover."""
    present = {BY_NAME[name].category for name, value in content.items() if value}
    present |= {BY_NAME[name].category for name in fields_of_attachments(attachment_kinds)}
    if has_communications:
        present.add(Category.COMMUNICATIONS)
    return present
