"""Form fields drawn by Jinja2 with the form templates Django ships for it.

A file page draws a dozen fields (reveal, return, transfer, contact log, attachment), and with
Django's own template language each field is five or six nested template renders: about a
third of the page's time (profile of 2026-12-02, issue 20 §5). Django keeps a Jinja2 copy of
every form and widget template with the same output; drawn that way the file page took 17.6 ms
instead of 21.5 ms, the HTML equal but for whitespace.

A template that only exists for Django's language (the admin's widgets) is drawn by it, so the
admin keeps working.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(BaseRenderer):
    @cached_property
    def jinja2(self) -> Jinja2:
        return Jinja2()

    @cached_property
    def django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
