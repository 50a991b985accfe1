"""The access review as the head meets it (R72, issue 16 §6): keeping an access says so, and a
revocation, which cannot be undone, first shows a page of what it will end and asks for the
reason there; nothing changes until the head confirms."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.messages import get_messages
from django.utils import timezone

from access import policy, reviews
from access.models import Grant, ReviewItem
from tests.factories import read_grant
from tests.helpers import client_verified


def _campaign(lending_org, officer):
    grant = read_grant(lending_org.borrower, lending_org.file, lending_org.archivist)
    campaign = reviews.open_campaign(
        officer, "2026 年度权限复核", timezone.localdate() + timedelta(days=14)
    )
    return campaign, grant


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_r72_revoking_a_grant_first_shows_what_it_ends_and_changes_nothing(lending_org, officer):
    campaign, grant = _campaign(lending_org, officer)
    item = campaign.items.get(person=lending_org.borrower, kind="grant")
    page = client_verified(lending_org.head_b).get(f"/accounts/reviews/items/{item.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert lending_org.borrower.get_full_name() in text or "borrower" in text
    assert lending_org.file.archive_number in text
    assert "can no longer open this file" in text
    assert "cannot be undone" in text
    assert 'name="note"' in text
    item.refresh_from_db()
    assert item.decision == ReviewItem.Decision.PENDING
    assert Grant.objects.active().filter(pk=grant.pk).exists()


def test_r72_revocation_without_a_reason_stays_on_its_page_with_the_reason_asked(
    lending_org, officer
):
    campaign, grant = _campaign(lending_org, officer)
    item = campaign.items.get(person=lending_org.borrower, kind="grant")
    client = client_verified(lending_org.head_b)
    page = client.post(f"/accounts/reviews/items/{item.pk}/", {"decision": "revoke", "note": " "})
    assert page.status_code == 200
    assert "Say why the access is revoked." in page.content.decode()
    assert Grant.objects.active().filter(pk=grant.pk).exists()


def test_r72_a_confirmed_revocation_ends_the_access_and_says_so(lending_org, officer):
    campaign, grant = _campaign(lending_org, officer)
    item = campaign.items.get(person=lending_org.borrower, kind="grant")
    client = client_verified(lending_org.head_b)
    done = client.post(
        f"/accounts/reviews/items/{item.pk}/", {"decision": "revoke", "note": "借阅已无必要"}
    )
    assert done.status_code == 302
    assert done.url == "/accounts/reviews/"
    number = lending_org.file.archive_number
    assert f"Revoked: {lending_org.borrower} no longer has access to file {number}." in _said(done)
    assert not Grant.objects.active().filter(pk=grant.pk).exists()
    assert not policy.decide(lending_org.borrower, "view", lending_org.file)


def test_r72_revoking_a_role_lists_the_files_the_person_still_handles(lending_org, officer):
    campaign, _grant = _campaign(lending_org, officer)
    item = campaign.items.get(person=lending_org.owner, kind="role")
    page = client_verified(lending_org.head_a).get(f"/accounts/reviews/items/{item.pk}/")
    text = page.content.decode()
    assert "loses the role" in text
    assert "still handles 1 client file" in text


def test_r72_keeping_an_access_says_it_was_kept(lending_org, officer):
    campaign, _grant = _campaign(lending_org, officer)
    item = campaign.items.get(person=lending_org.borrower, kind="role")
    done = client_verified(lending_org.head_b).post(
        f"/accounts/reviews/items/{item.pk}/", {"decision": "keep"}
    )
    assert done.status_code == 302
    assert any(said.startswith("Kept:") and "the role" in said for said in _said(done))
    item.refresh_from_db()
    assert item.decision == ReviewItem.Decision.CONFIRMED


def test_r72_nobody_opens_the_revocation_page_of_an_item_outside_their_scope(lending_org, officer):
    campaign, _grant = _campaign(lending_org, officer)
    item = campaign.items.get(person=lending_org.borrower, kind="grant")
    page = client_verified(lending_org.head_a).get(f"/accounts/reviews/items/{item.pk}/")
    assert page.status_code == 403


def test_r72_an_item_decided_already_has_no_revocation_page(lending_org, officer):
    campaign, _grant = _campaign(lending_org, officer)
    item = campaign.items.get(person=lending_org.borrower, kind="grant")
    reviews.decide(lending_org.head_b, item, keep=True)
    page = client_verified(lending_org.head_b).get(f"/accounts/reviews/items/{item.pk}/")
    assert page.status_code == 302
    assert "This item was decided already." in _said(page)
