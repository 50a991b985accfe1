"""Issue 21 §2: the security officer's desk for integration clients. Only the officer issues
tokens; a token is shown once and kept only as a fingerprint; revoking asks first."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from audit.models import AuditEvent
from records.api.models import IntegrationClient
from tests.factories import build_world
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def _issue(browser, world, **extra):
    data = {"name": "销售客户管理系统", "scopes": ["drafts:create", "records:status"],
            "departments": [world.dept.pk], "rate_per_minute": "60", **extra}  # fmt: skip
    return browser.post("/records/integrations/", data)


def test_i21_2_only_the_security_officer_issues_tokens(world):
    for person in (world.sales, world.head, world.keeper, world.lawyer):
        assert client_verified(person).get("/records/integrations/").status_code == 403
        assert _issue(client_verified(person), world).status_code == 403
    assert not IntegrationClient.objects.exists()


def test_i21_2_a_token_is_shown_once_and_stored_only_as_a_fingerprint(world):
    officer = client_verified(world.officer)
    answer = _issue(officer, world)
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    token = re.search(r'data-testid="token-value">(bm_[^<]+)<', answer.content.decode()).group(1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM records_integrationclient")
        assert token not in str(cursor.fetchall())
    assert token not in str(list(AuditEvent.objects.values_list("details", flat=True)))
    listing = officer.get("/records/integrations/").content.decode()
    assert "销售客户管理系统" in listing
    assert token not in listing
    event = AuditEvent.objects.get(action="api.client_issued")
    assert event.details["scopes"] == ["drafts:create", "records:status"]


def test_i21_2_bad_input_is_explained_and_kept(world):
    officer = client_verified(world.officer)
    answer = _issue(officer, world, departments=[], expires_on="2020-01-01")
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'value="销售客户管理系统"' in page
    assert not IntegrationClient.objects.exists()


def test_i21_2_revoking_asks_first_then_the_token_stops(world):
    officer = client_verified(world.officer)
    _issue(officer, world)
    client = IntegrationClient.objects.get()
    confirm = officer.get(f"/records/integrations/{client.pk}/revoke/")
    assert "cannot be undone" in confirm.content.decode()
    client.refresh_from_db()
    assert client.revoked_at is None
    officer.post(f"/records/integrations/{client.pk}/revoke/")
    client.refresh_from_db()
    assert client.revoked_at is not None
    assert officer.get(f"/records/integrations/{client.pk}/revoke/").status_code == 404


def test_i21_2_a_tokens_prefix_is_shown_as_a_code_not_as_words(world, monkeypatch):
    """A random prefix such as "bm_g-BQi" once read as English and a snake_case code on the
    Chinese page (a CI run failed on it): it is marked as code."""
    from records.api import clients

    monkeypatch.setattr(clients.secrets, "token_urlsafe", lambda n: "g-BQi" + "x" * 38)
    officer = client_verified(world.officer)
    _issue(officer, world)
    assert "<code>bm_g-BQi…</code>" in officer.get("/records/integrations/").content.decode()


def test_i21_2_the_desk_page_title_is_its_name_alone(world):
    """The delivery log was once pasted into the page's <title> as well as its body."""
    page = client_verified(world.officer).get("/records/integrations/").content.decode()
    assert "<title>Integration API · Baomi</title>" in page
    assert page.count('data-testid="api-deliveries"') == 1
