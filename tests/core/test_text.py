"""Issue 17 §8: one cleaning rule for every human-entered string that others read."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from core.text import clean_text
from records.content import read
from records.models import CustomerRecord
from tests.helpers import admin_user_form, client_verified
from tests.records.test_record_pages import GOOD_FORM

RLO, ZWSP, ZWJ, BOM, LRI, PDI = "\u202e", "\u200b", "\u200d", "\ufeff", "\u2066", "\u2069"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (f"张伟{RLO}321", "张伟321"),
        (f"欧阳{ZWSP}晓梅", "欧阳晓梅"),
        (f"{BOM}王芳{ZWJ}", "王芳"),
        (f"{LRI}李娜{PDI}", "李娜"),
        ("陈\x00静\x1b[31m", "陈静[31m"),
        ("𠮷野家 䶮 ·阿依古丽", "𠮷野家 䶮 ·阿依古丽"),  # rare and minority-name characters stay
        ("\ue000王", "\ue000王"),  # private-use characters (legacy name characters) stay
        ("第一行\r\n第二行", "第一行 第二行"),
    ],
)
def test_p8_invisible_and_direction_characters_are_removed(typed, kept):
    assert clean_text(typed) == kept


def test_p8_multiline_text_keeps_its_lines():
    assert clean_text(f"看房{ZWSP}\r\n签约\u2028付款", multiline=True) == "看房\n签约\n付款"


@given(st.text())
def test_p8_cleaning_is_idempotent_and_leaves_no_format_or_control_character(text):
    import unicodedata

    once = clean_text(text, multiline=True)
    assert clean_text(once, multiline=True) == once
    assert not [c for c in once if unicodedata.category(c) in ("Cf", "Cs") or c in "\r\x00\x1b"]


@pytest.mark.django_db
def test_p8_a_customer_name_with_a_direction_override_is_stored_as_it_reads(sales_org):
    client = client_verified(sales_org.sales)
    data = {**GOOD_FORM, "full_name": f"欧阳{RLO}晓梅{ZWSP}", "needs": f"三居室{LRI}，近地铁"}
    response = client.post(reverse("records:new"), data)
    assert response.status_code == 302
    content = read(CustomerRecord.objects.get())
    assert content["full_name"] == "欧阳晓梅"
    assert content["needs"] == "三居室，近地铁"


@pytest.mark.django_db
def test_p8_a_persons_name_set_in_the_admin_is_cleaned(sales_org):
    from tests.factories import make_person

    admin_user = make_person("it.admin", is_staff=True, is_superuser=True)
    client = client_verified(admin_user)
    url, data = admin_user_form(client, sales_org.sales)
    data.update({"full_name": f"张{RLO}伟", "groups": [], "employment_status": "active"})
    assert client.post(url, data).status_code == 302
    sales_org.sales.refresh_from_db()
    assert sales_org.sales.full_name == "张伟"


@pytest.mark.django_db
def test_p8_a_password_is_never_cleaned(sales_org):
    from access.forms import PasswordSignInForm

    form = PasswordSignInForm({"username": f"zhang.wei{ZWSP}", "password": f"pw{ZWSP}x"})
    assert form.is_valid()
    assert form.cleaned_data["username"] == "zhang.wei"
    assert form.cleaned_data["password"] == f"pw{ZWSP}x"
