"""Form fields are drawn by Jinja2 (core/form_rendering.py, issue 20 §5): every form of the
project that can be built without arguments draws the same HTML as with Django's own template
language, empty and with its errors; the admin, whose widgets exist only for Django's language,
still draws its pages."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.urls import reverse

from access import people
from core.form_rendering import FormRenderer
from tests.factories import make_person
from tests.helpers import client_verified

PACKAGES = ("access", "audit", "core", "disposal", "records")


def _forms() -> list[type[forms.BaseForm]]:
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            importlib.import_module(info.name)
    found: list[type[forms.BaseForm]] = []
    pending: list[type] = [forms.Form, forms.ModelForm]
    while pending:
        for kind in pending.pop().__subclasses__():
            pending.append(kind)
            if kind.__module__.split(".")[0] in PACKAGES and kind not in found:
                found.append(kind)
    return sorted(found, key=lambda k: f"{k.__module__}.{k.__qualname__}")


def _same(html: str) -> str:
    """The same HTML but for whitespace and how a quote is escaped (&#x27; / &#39;,
    &quot; / &#34;: the same character to a browser)."""
    html = html.replace("&#x27;", "&#39;").replace("&quot;", "&#34;")
    return re.sub(r"\s+", "", html)


def _drawn(form: forms.BaseForm) -> list[str]:
    return [field.as_field_group() for field in form] + [str(form.non_field_errors())]


def _file_page_forms(world) -> list[forms.BaseForm]:
    """The forms of the file page, whose cost the renderer was changed for; they need
    arguments, so the walk below cannot build them."""
    from access.models import User
    from records.forms import TransferForm
    from records.reveal_forms import RevealForm

    revealable = [("id_number", "ID number"), ("mobile", "Mobile")]
    receivers = User.objects.filter(pk__in=[world.sales.pk, world.head.pk])
    made = [RevealForm(revealable=revealable), TransferForm(receivers=receivers)]
    made += [RevealForm(data={}, revealable=revealable), TransferForm(data={}, receivers=receivers)]
    for form in made[2:]:
        form.is_valid()
    return made


@pytest.mark.django_db
def test_i20_5_every_form_draws_the_same_html_with_jinja2_as_with_django_templates():
    from tests.factories import build_world

    fast, plain = FormRenderer(), DjangoTemplates()
    # Jinja2 really draws the fields (a fallback for everything would pass the rest).
    assert type(fast.get_template("django/forms/field.html")).__module__.endswith("jinja2")
    built: list[forms.BaseForm] = _file_page_forms(build_world())
    for kind in _forms():
        for data in (None, {}):
            try:
                form = kind() if data is None else kind(data=data)
            except (TypeError, KeyError, AttributeError):
                continue  # needs arguments of its own (a person, a file): not here
            if data is not None:
                form.is_valid()
            built.append(form)
    compared = 0
    for form in built:
        form.renderer = fast
        drawn = _drawn(form)
        form.renderer = plain
        expected = _drawn(form)
        assert [_same(h) for h in drawn] == [_same(h) for h in expected], type(form)
        compared += len(expected)
    assert compared > 100  # the walk really found the project's forms


@pytest.mark.django_db
def test_i20_5_the_admin_still_draws_its_own_widgets():
    administrator = make_person("it.admin")
    people.make_account_administrator(administrator)
    page = client_verified(administrator).get(reverse("admin:records_calendarday_add"))
    assert page.status_code == 200
    assert 'name="day"' in page.content.decode()
