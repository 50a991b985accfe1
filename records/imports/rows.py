"""Checking one row of a register with the rules a typed file meets.

A row becomes the data the registration form would post and goes through that form (ID and
credit-code checksums, mobiles, bank cards, dates, lengths, identifiers in free text) and then
through the intake service's own check (separate consent for sensitive data, the minimum level).
Problems name the column as the person's sheet does and never quote a cell: the messages are
kept with the import and shown on a page, and a cell may hold a customer's data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from access import policy
from access.models import Department, User
from access.policy import Capability
from core import identifiers
from core.refusals import Refused
from records import consents, intake
from records import content as record_content
from records.crypto import blind_index
from records.forms import IntakeForm
from records.imports.columns import BY_KEY, CellProblem, categories, choice, day, text_of
from records.imports.workbook import SheetRow


@dataclass
class Checked:
    """A row that may be imported, with what the intake service needs. The check seals these
    for the commit (``to_json``), which then saves without reading the upload again."""

    number: int  # the row's number in its sheet
    meta: intake.Metadata
    content: dict[str, str]
    terms: consents.ConsentTerms
    minimum: int  # the lowest level the content allows
    tier: int
    handler_id: int
    old_number: str
    evidence_reference: str
    indexes: dict[str, str]  # blind index kind -> value ("" when absent)
    location: tuple[str, str, str] | None = None  # room, cabinet, shelf as the register says

    def to_json(self) -> dict[str, Any]:
        terms = self.terms
        return {
            "number": self.number,
            "meta": [self.meta.kind, self.meta.source, self.meta.acquired_at.isoformat()],
            "content": self.content,
            "terms": {
                "purpose": terms.purpose,
                "scope": terms.scope,
                "sensitive_scope": terms.sensitive_scope,
                "method": terms.method,
                "obtained_at": terms.obtained_at.isoformat() if terms.obtained_at else None,
                "public_disclosure": terms.public_disclosure,
            },
            "levels": [self.minimum, self.tier],
            "handler_id": self.handler_id,
            "references": [self.old_number, self.evidence_reference, list(self.location or ())],
            "indexes": self.indexes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Checked:
        kind, source, acquired = data["meta"]
        terms = dict(data["terms"])
        if terms["obtained_at"]:
            terms["obtained_at"] = date.fromisoformat(terms["obtained_at"])
        tier = data["levels"][1]
        return cls(
            number=data["number"],
            meta=intake.Metadata(kind, source, date.fromisoformat(acquired), tier),
            content=data["content"],
            terms=consents.ConsentTerms(**terms),
            minimum=data["levels"][0],
            tier=tier,
            handler_id=data["handler_id"],
            old_number=data["references"][0],
            evidence_reference=data["references"][1],
            indexes=data["indexes"],
            location=_location_of(data["references"][2:]),
        )


def _location_of(stored: list[Any]) -> tuple[str, str, str] | None:
    """A chunk sealed before locations were read has no third reference."""
    parts = stored[0] if stored else []
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


# Room, cabinet and shelf as a register writes them: "档案室A / 03 / 2", "档案室A-03-2".
# A slash (or comma) wins over a hyphen, which may be part of a room's name.
_LOCATION_PARTS = (re.compile(r"[/／\\、,，]"), re.compile(r"-"))
_LOCATION_LIMITS = (60, 30, 30)


def location(text: str) -> tuple[str, str, str] | None:
    """The three parts of a paper location, or None when the cell is empty; ``CellProblem``
    when it is not room / cabinet / shelf."""
    if not text:
        return None
    parts: list[str] = []
    for separator in _LOCATION_PARTS:
        parts = [part.strip() for part in separator.split(text.strip())]
        if len(parts) > 1:
            break
    if len(parts) != 3 or not all(parts):
        raise CellProblem(
            _("Write the room, the cabinet and the shelf, for example 档案室A / 03 / 2.")
        )
    if any(len(part) > limit for part, limit in zip(parts, _LOCATION_LIMITS, strict=True)):
        raise CellProblem(_("A room has at most 60 characters, a cabinet or shelf 30."))
    return parts[0], parts[1], parts[2]


def may_hold(department: Department) -> list[User]:
    """The department's people who may keep its files now (active, at work, registering
    files): whom a row may name at the check, and whom the commit still gives them to."""
    people = User.objects.filter(department=department, is_active=True)
    return [person for person in people if policy.can(person, Capability.RECORD_INTAKE)]


def heir(department: Department, importer: User, holders: set[int]) -> int:
    """Who takes a file whose handler left or moved after the check: the department's head
    (heading it is enough; their own department may be another), else the importer if they
    may hold its files; 0 when neither can (the file then stays with the row's handler)."""
    head = department.head
    if head is not None and department.pk in policy.headed_department_ids(head):
        return head.pk
    return importer.pk if importer.pk in holders else 0


class Handlers:
    """The department's people a row may name as handler, by account name or full name, and
    the one registration form every row of the import goes through (``BaomiForm.rebind``)."""

    def __init__(self, department: Department, importer: User) -> None:
        self.importer = importer
        self.department = department
        self.form = IntakeForm()
        self.by_name: dict[str, User] = {}
        self.shared_names: set[str] = set()  # two colleagues called 张伟: the account decides
        by_full_name: dict[str, User] = {}
        for person in may_hold(department):
            self.by_name[person.username.casefold()] = person
            name = person.get_full_name().casefold()
            if name in by_full_name:
                self.shared_names.add(name)
            by_full_name[name] = person
        self.usernames = set(self.by_name)
        for name, person in by_full_name.items():
            self.by_name.setdefault(name, person)

    def find(self, text: str) -> User:
        if not text:
            if self.importer.department_id == self.department.pk and policy.can(
                self.importer, Capability.RECORD_INTAKE
            ):
                return self.importer
            raise CellProblem(
                _("Name the handler: a member of the department who keeps this file.")
            )
        key = text.strip().casefold()
        if key in self.shared_names and key not in self.usernames:
            raise CellProblem(
                _("Several people of the department have this name. Use their account name.")
            )
        person = self.by_name.get(key)
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
            if not text or key in (
                "kind",
                "handler",
                "old_number",
                "evidence_reference",
                "paper_location",
            ):
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
    form = handlers.form
    form.rebind(data)
    valid = form.is_valid()
    for name, errors in form.errors.items():
        if name not in problems and name != "attachment_kind":
            problems[name] = " ".join(str(e) for e in errors)
    try:
        handler = handlers.find(text_of(BY_KEY["handler"], row.cells.get("handler")))
    except CellProblem as problem:
        problems["handler"] = str(problem)
    references = {}
    for key, longest in (("old_number", 40), ("evidence_reference", 100)):
        try:
            references[key] = text_of(BY_KEY[key], row.cells.get(key))
        except CellProblem as problem:
            problems[key] = str(problem)
            continue
        if identifiers.found_in(references[key]):
            problems[key] = _("Only a number or a place, never a customer's phone or ID number.")
        elif len(references[key]) > longest:
            problems[key] = _("At most %(n)s characters.") % {"n": longest}
    place = None
    try:
        written = text_of(BY_KEY["paper_location"], row.cells.get("paper_location"))
        place = location(written)
    except CellProblem as problem:
        problems["paper_location"] = str(problem)
    else:
        if identifiers.found_in(written):  # kept in clear and audited when placed: no PII
            problems["paper_location"] = _(
                "Only a number or a place, never a customer's phone or ID number."
            )
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
        return [
            _("%(column)s: %(problem)s") % {"column": _label(key), "problem": message}
            for key, message in ranked
        ]
    keys = record_content.search_keys(content)
    return Checked(
        number=row.number,
        meta=meta,
        content=content,
        terms=terms,
        minimum=derivation.minimum,
        tier=tier,
        handler_id=handler.pk,
        old_number=references["old_number"],
        evidence_reference=references["evidence_reference"],
        indexes={kind: blind_index(kind, value) if value else "" for kind, value in keys.items()},
        location=place,
    )
