"""Hostile input everywhere a user can type (issue 8 §1), property-based: every page with any
query string, and every form found on every page with any values, as every kind of person. No
answer is ever a server error; script typed anywhere comes back escaped; a refused form keeps
what was typed.

The routes and forms are discovered from the URL configuration and the pages themselves, so a
new page or form is fuzzed without anyone adding it here. Example counts are bounded so that CI
stays fast (BAOMI_FUZZ_EXAMPLES raises them for a longer run on demand).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from access.models import User
from tests.helpers import client_verified
from tests.records.test_csrf_walk import _all_routes
from tests.records.test_idor_walk import walk_objects  # noqa: F401 - fixture

EXAMPLES = int(os.environ.get("BAOMI_FUZZ_EXAMPLES", "150"))
SCRIPT = "<script>alert('baomi')</script>"
HOSTILE = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "1; DROP TABLE records_customerrecord",
    '=HYPERLINK("http://evil")',
    "\x00",
    "a\x00b",
    "１３９１２３４５６７８",  # full-width digits
    "١٢٣",  # Arabic-Indic digits
    "𠀀𠀁",
    "\u202egnp.exe",
    "../../etc/passwd",
    "%00",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "9999-12-31",
    "9999-12-31T23:59",
    "0001-01-01",
    "0001-01-01T00:00",
    "0000-00-00",
    "2026-01-01T00:00:00_x",  # a file-list cursor with a broken key (issue 17 §12)
    "99999999999999999999999.1",  # an audit cursor past the calendar
    "1.99999999999999999999999",
    "   ",
    "x" * 5000,
    "00000000-0000-0000-0000-000000000000",
    "KH-2026-000001",
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30), st.integers().map(str))
PARAMS = ["scope", "tier", "status", "handler", "date_from", "date_to", "after", "show", "next",
          "numbers", "code", "actor", "department", "action", "target_type", "target_id", "page",
          "q", "o", "p", "language"]  # fmt: skip
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)
# Forms that end the session or the account of the person fuzzing would stop the walk early.
NOT_FUZZED = {"/accounts/logout/", "/i18n/setlang/"}


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> input type
    choices: dict[str, list[str]] = field(default_factory=dict)


class _Forms(HTMLParser):
    def __init__(self, page: str):
        super().__init__()
        self.page, self.forms, self._select = page, [], None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.forms.append(Form(a.get("action") or self.page))
        elif self.forms and tag in {"input", "textarea", "select"} and a.get("name"):
            kind = a.get("type", tag) if tag == "input" else tag
            if kind in {"submit", "button", "file", "image", "reset"}:
                if kind == "submit" and a.get("value"):
                    self.forms[-1].choices.setdefault(a["name"], []).append(a["value"])
                return
            if a["name"] == "csrfmiddlewaretoken":
                return
            self.forms[-1].fields.setdefault(a["name"], kind)
            if kind in {"hidden", "radio", "checkbox"} and a.get("value") is not None:
                self.forms[-1].choices.setdefault(a["name"], []).append(a["value"])
            self._select = a["name"] if tag == "select" else None
        elif tag == "option" and self._select and self.forms:
            self.forms[-1].choices.setdefault(self._select, []).append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


@pytest.fixture
def people(sales_org, walk_objects):  # noqa: F811 - the IDOR walk's walk_objects: one object of every kind
    everyone = [sales_org.sales, sales_org.head, sales_org.auditor, sales_org.admin]
    everyone += list(User.objects.filter(username__in=["keeper", "officer", "lawyer"]))
    return {user.username: client_verified(user) for user in everyone}


def _escaped(body: str, typed: str) -> bool:
    return SCRIPT not in body or SCRIPT not in typed


def test_no_query_string_makes_any_page_fail_and_typed_script_comes_back_escaped(
    people,
    walk_objects,  # noqa: F811
):
    urls = sorted(u for u in _all_routes(walk_objects) if not u.startswith("/admin/"))
    urls += ["/admin/", "/admin/access/user/", "/admin/access/department/"]

    @FUZZ
    @given(
        url=st.sampled_from(urls),
        who=st.sampled_from(sorted(people)),
        params=st.dictionaries(
            st.one_of(st.sampled_from(PARAMS), st.text(min_size=1, max_size=8)), VALUES, max_size=4
        ),
    )
    def probe(url: str, who: str, params: dict[str, str]) -> None:
        response = people[who].get(url, params)
        assert response.status_code < 500, (url, params)
        if response.get("Content-Type", "").startswith("text/html"):
            body = response.content.decode()
            assert all(_escaped(body, value) for value in params.values()), (url, params)

    probe()


def _forms(people: dict, urls: list[str]) -> list[tuple[str, Form]]:
    found: dict[str, tuple[str, Form]] = {}
    for who, client in people.items():
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            parser = _Forms(url)
            parser.feed(response.content.decode())
            for form in parser.forms:
                if form.action not in NOT_FUZZED and form.fields:
                    found.setdefault(form.action, (who, form))  # one person per form
    return [found[action] for action in sorted(found)]


def test_no_form_answers_any_input_with_a_server_error_and_refusals_keep_what_was_typed(
    people,
    walk_objects,  # noqa: F811
):
    urls = sorted(u for u in _all_routes(walk_objects) if not u.startswith("/admin/"))
    forms = _forms(people, urls)
    assert len(forms) >= 20, [form.action for _who, form in forms]

    @st.composite
    def submissions(draw):
        who, form = draw(st.sampled_from(forms))
        data = {}
        for name, kind in form.fields.items():
            options = form.choices.get(name)
            offered = draw(st.integers(0, 9)) < (8 if kind == "hidden" else 5)
            if options and offered:
                data[name] = draw(st.sampled_from(options))  # a value the page offers
            elif draw(st.integers(0, 4)):  # sometimes leave it out
                data[name] = draw(VALUES)
        for name, options in form.choices.items():
            if name not in form.fields:
                data[name] = draw(st.sampled_from(options))  # which submit button
        return who, form, data

    @FUZZ
    @given(submission=submissions())
    def probe(submission) -> None:
        who, form, data = submission
        response = people[who].post(form.action, data)
        assert response.status_code < 500, (form.action, data)
        body = unescape(response.content.decode()) if response.status_code == 400 else ""
        honest = all(
            data[name] in form.choices.get(name, [])
            for name, kind in form.fields.items()
            if kind == "hidden" and name in data
        )
        if response.status_code == 400 and honest:
            # A refused form shows the page again with what was typed (secrets excepted). Only
            # for what a browser can send: hidden fields as the page set them.
            for name, value in data.items():
                if form.fields.get(name) in {"text", "textarea"} and _plain(value):
                    assert value.strip() in body, (form.action, name, value)
        if response.get("Content-Type", "").startswith("text/html"):
            raw = response.content.decode()
            assert all(_escaped(raw, str(v)) for v in data.values()), (form.action, data)

    probe()


def _plain(value: str) -> bool:
    """Values a form is expected to echo as typed: printable, not blank, not huge."""
    return bool(value.strip()) and value.isprintable() and len(value) <= 200
