"""Checking one row of a register with the rules a typed file meets.

A row becomes the data the registration form would post and goes through that form (ID and
credit-code checksums, mobiles, bank cards, dates, lengths, identifiers in free text) and then
through the intake service's own check (separate consent for sensitive data, the minimum level).
Problems name the column as the person's sheet does and never quote a cell: the messages are
kept with the import and shown on a page, and a cell may hold a customer's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from access import policy
from access.models import Department, User
from access.policy import Capability
from core import identifiers
from core.refusals import Refused
from records import consents, intake
from records import content as record_content
from records.classification import Derivation
from records.crypto import blind_index
from records.forms import IntakeForm
from records.imports.columns import BY_KEY, CellProblem, categories, choice, day, text_of
from records.imports.workbook import SheetRow


@dataclass
class Checked:
    """A row that may be imported, with what the intake service needs."""

    row: SheetRow
    meta: intake.Metadata
    content: dict[str, str]
    terms: consents.ConsentTerms
    derivation: Derivation
    tier: int
    handler: User
    old_number: str
    evidence_reference: str
    indexes: dict[str, str]  # blind index kind -> value ("" when absent)


class Handlers:
    """The department's people a row may name as handler, by account name or full name."""

    def __init__(self, department: Department, importer: User) -> None:
        self.importer = importer
        self.department = department
        self.by_name: dict[str, User] = {}
        for person in User.objects.filter(department=department, is_active=True):
            if policy.can(person, Capability.RECORD_INTAKE):
                self.by_name[person.username.casefold()] = person
                self.by_name.setdefault(person.get_full_name().casefold(), person)

    def find(self, text: str) -> User:
        if not text:
            if self.importer.department_id == self.department.pk and policy.can(
                self.importer, Capability.RECORD_INTAKE
            ):
                return self.importer
            raise CellProblem(
                _("Name the handler: a member of the department who keeps this file.")
            )
        person = self.by_name.get(text.strip().casefold())
        if person is None:
            raise CellProblem(
                _("No one of this name registers files in the department. Use their account name.")
            )
        return person


def _label(key: str) -> str:
    column = BY_KEY.get(key)
    return str(column.label) if column else _("the row")


def _form_data(row: SheetRow, problems: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": row.kind, "attachment_kind": "id_scan"}
    for key, value in row.cells.items():
        column = BY_KEY[key]
        try:
            text = text_of(column, value)
            if not text or key in ("kind", "handler", "old_number", "evidence_reference"):
                continue
            if key in ("source", "tier", "gender", "income_band", "consent_method"):
                data[key] = str(choice(key, text))
            elif key in ("acquired_at", "consent_obtained_at"):
                data[key] = day(value)
            elif key in ("consent_scope", "consent_sensitive"):
                data[key] = categories(text, sensitive=key == "consent_sensitive")
            else:
                data[key] = text
        except CellProblem as problem:
            problems[key] = str(problem)
    data.setdefault("consent_purpose", str(IntakeForm.base_fields["consent_purpose"].initial))
    return data


def check(row: SheetRow, handlers: Handlers) -> Checked | list[str]:
    """The row ready to import, or its problems, each "column: what is wrong"."""
    if row.problem:
        return [row.problem]
    problems: dict[str, str] = {}
    data = _form_data(row, problems)
    form = IntakeForm(data=data)
    valid = form.is_valid()
    for name, errors in form.errors.items():
        if name not in problems and name != "attachment_kind":
            problems[name] = " ".join(str(e) for e in errors)
    try:
        handler = handlers.find(text_of(BY_KEY["handler"], row.cells.get("handler")))
    except CellProblem as problem:
        problems["handler"] = str(problem)
    references = {}
    for key in ("old_number", "evidence_reference"):
        references[key] = text_of(BY_KEY[key], row.cells.get(key))
        if identifiers.found_in(references[key]):
            problems[key] = _("Only a number or a place, never a customer's phone or ID number.")
    if not problems and valid:
        meta, terms = form.metadata(), form.consent_terms()
        content = intake.clean_content(meta.kind, form.content())
        try:
            derivation, tier = intake.check_content(meta, content, terms)
        except Refused as refused:
            for name, messages in refused.errors.items():
                problems[name] = " ".join(str(m) for m in messages)
    if problems:
        order = {key: index for index, key in enumerate(BY_KEY)}
        ranked = sorted(problems.items(), key=lambda item: order.get(item[0], len(order)))
        return [f"{_label(key)}: {message}" for key, message in ranked]
    keys = record_content.search_keys(content)
    return Checked(
        row=row,
        meta=meta,
        content=content,
        terms=terms,
        derivation=derivation,
        tier=tier,
        handler=handler,
        old_number=references["old_number"][:40],
        evidence_reference=references["evidence_reference"][:100],
        indexes={kind: blind_index(kind, value) if value else "" for kind, value in keys.items()},
    )
