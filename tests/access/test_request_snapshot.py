"""Issue 20 §4: who is asking is read in one query per request (access/snapshot.py), and
nothing of it outlives the request: a role taken away, a new agreement, a removed
authenticator or a pledge prepared shows on the person's very next request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import Agreement, AgreementSignature
from access.roles import Role
from records.circulation import pledges
from tests.factories import build_world
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db

PROTECTION_TABLES = (
    "auth_group",
    "otp_totp_totpdevice",
    "access_agreement",
    "access_exitpledge",
)


@pytest.fixture
def world():
    return build_world()


def queries_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_r2_the_gate_costs_the_session_and_one_user_query(world):
    """Session, then the person with roles, authenticator, agreement and pledge in one query;
    no separate read of any of them (before: groups, device, agreement and the pledge twice)."""
    client = client_verified(world.sales)
    sql = queries_of(client, reverse("records:list"))
    assert "django_session" in sql[0]
    assert sql[1].startswith('SELECT "access_user"')  # the user query ...
    assert all(table in sql[1] for table in PROTECTION_TABLES)  # ... with every answer
    for statement in sql[2:]:
        head = statement.split("WHERE", 1)[0]
        assert not any(f'FROM "{table}"' in head for table in PROTECTION_TABLES), statement


def test_r2_a_role_taken_away_is_gone_on_the_next_request(world):
    client = client_verified(world.head)
    assert client.get(reverse("records:review_queue")).status_code == 200
    world.head.groups.remove(Group.objects.get(name=Role.DEPT_HEAD.value))
    assert client.get(reverse("records:review_queue")).status_code == 403


def test_r3_a_new_agreement_is_asked_for_on_the_next_request(world):
    client = client_verified(world.sales)
    assert client.get(reverse("records:list")).status_code == 200
    Agreement.objects.create(version=99, title="v99", body="新版本", published_at=timezone.now())
    response = client.get(reverse("records:list"))
    assert response.status_code == 302
    assert reverse("access:agreement") in response["Location"]


def test_r2_a_removed_authenticator_ends_verification_on_the_next_request(world):
    client = client_verified(world.sales)
    assert client.get(reverse("records:list")).status_code == 200
    TOTPDevice.objects.filter(user=world.sales).delete()
    response = client.get(reverse("records:list"))
    assert response.status_code == 302
    assert "otp" in response["Location"]


def test_r2_an_authenticator_unconfirmed_by_an_administrator_stops_the_session(world):
    client = client_verified(world.sales)
    TOTPDevice.objects.filter(user=world.sales).update(confirmed=False)
    response = client.get(reverse("records:list"))
    assert response.status_code == 302
    assert "otp" in response["Location"]


def test_issue19_a_pledge_prepared_shows_in_the_menu_on_the_next_request(world):
    client = client_verified(world.sales)
    assert reverse("requests:my_pledge") not in client.get(reverse("home")).content.decode()
    pledges.prepare(world.head, world.sales)
    assert reverse("requests:my_pledge") in client.get(reverse("home")).content.decode()


def test_r3_home_shows_the_signed_agreement_without_reading_it_again(world):
    client = client_verified(world.sales)
    client.cookies["django_language"] = "en"
    sql = queries_of(client, reverse("home"))
    page = client.get(reverse("home")).content.decode()
    assert "access_agreement" not in " ".join(sql[2:])
    signed = timezone.localtime(AgreementSignature.objects.get(user=world.sales).signed_at)
    version = Agreement.objects.current().version
    assert f"Version {version}, signed {signed:%Y-%m-%d %H:%M}" in page


def test_r2_a_session_naming_someone_elses_authenticator_is_not_verified(world):
    """The fast path trusts the session's device only when it is the person's own."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client = client_verified(world.sales)
    other = client_verified(world.head)  # gives the head a confirmed authenticator
    assert other.get(reverse("records:list")).status_code == 200
    theirs = TOTPDevice.objects.get(user=world.head, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = theirs.persistent_id
    session.save()
    response = client.get(reverse("records:list"))
    assert response.status_code == 302
    assert "otp" in response["Location"]


def test_r2_a_password_change_ends_the_other_sessions(world):
    client = client_verified(world.sales)
    assert client.get(reverse("records:list")).status_code == 200
    world.sales.set_password("Another-Long-Passphrase-9")
    world.sales.save()
    response = client.get(reverse("records:list"))
    assert response.status_code == 302
    assert reverse("access:login") in response["Location"]
