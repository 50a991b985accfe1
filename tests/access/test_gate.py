"""Deny by default: a walk over the whole URL resolver (issue 2 §6, R2, R3).

Every URL pattern, including those added by later features and by Django's admin, is turned
into a concrete path and requested at each incomplete sign-in stage. Outside the explicit
allow-list nothing may answer with content.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

from access.gate import ALLOW_LIST, Stage
from tests.helpers import client_verified, give_authenticator

pytestmark = pytest.mark.django_db

SAMPLE_VALUES = ["1", "x", "auth", str(uuid.uuid4()), "a/b", "0"]


@dataclass(frozen=True)
class Route:
    path: str
    view_name: str


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple]:
    for entry in resolver.url_patterns:
        regex = prefix + entry.pattern.regex.pattern.lstrip("^").rstrip("$").replace(r"\Z", "")
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _patterns(entry, regex, ns)
        elif isinstance(entry, URLPattern):
            yield regex, namespace, entry


def _concrete_paths(regex: str) -> Iterator[str]:
    for template, params in normalize(regex):
        if not params:
            yield "/" + template
            continue
        for value in SAMPLE_VALUES:
            yield "/" + template % dict.fromkeys(params, value)


def all_routes() -> list[Route]:
    routes: dict[str, Route] = {}
    for regex, _namespace, _entry in _patterns(get_resolver()):
        for path in _concrete_paths(regex):
            try:
                match = resolve(path)
            except Resolver404:
                continue
            routes.setdefault(path, Route(path, match.view_name))
            break
    return sorted(routes.values(), key=lambda r: r.path)


def test_walk_finds_the_routes_it_must_cover():
    names = {route.view_name for route in all_routes()}
    # Sanity: the walk reaches our pages, the admin (including object pages) and Django's own.
    assert {"home", "access:login", "access:security", "admin:index", "set_language"} <= names
    assert "admin:access_user_change" in names
    assert len(names) > 40


def _assert_closed(client: Client, route: Route, expected_step: str) -> None:
    for method in ("get", "post"):
        response = getattr(client, method)(route.path)
        if method == "get":
            assert response.status_code in (301, 302), (route, response.status_code)
            location = response["Location"]
            # Admin's own "add slash" redirects are fine as long as they lead back into the gate.
            if response.status_code == 301 or not location.startswith(expected_step):
                follow = client.get(location)
                assert follow.status_code in (301, 302, 404), (route, location)
                if follow.status_code != 404:
                    assert follow["Location"].startswith(expected_step), (route, location)
        else:
            assert response.status_code in (301, 302, 403, 405), (route, response.status_code)
            assert b"Welcome" not in response.content


def _open_at(route: Route, stage: Stage) -> bool:
    return ALLOW_LIST.get(route.view_name, Stage.AGREED) <= stage


def test_deny_by_default_anonymous_visitors_reach_only_the_allow_list():
    client = Client()
    closed = [route for route in all_routes() if not _open_at(route, Stage.ANONYMOUS)]
    assert closed
    for route in closed:
        _assert_closed(client, route, "/accounts/login/")


def test_deny_by_default_password_without_second_factor_reaches_only_the_otp_step(
    sales_person,
):
    give_authenticator(sales_person)
    client = Client()
    client.force_login(sales_person)
    closed = [route for route in all_routes() if not _open_at(route, Stage.PASSWORD)]
    for route in closed:
        _assert_closed(client, route, "/accounts/otp/verify/")


def test_deny_by_default_unsigned_agreement_reaches_only_the_agreement(sales_person):
    client = client_verified(sales_person, agreed=False)
    closed = [route for route in all_routes() if not _open_at(route, Stage.VERIFIED)]
    for route in closed:
        _assert_closed(client, route, "/accounts/agreement/")


def test_allow_list_is_small_and_explicit():
    assert set(ALLOW_LIST) == {
        "access:login",
        "access:logout",
        "health",
        "ready",
        "set_language",
        "access:otp_verify",
        "access:otp_setup",
        # Issue 21 §1: the passkey as the second step (after the password only).
        "access:passkey_verify_begin",
        "access:passkey_verify_complete",
        "access:agreement",
        # R52: an external recipient's single-use delivery link (token + out-of-band passcode).
        "share_link",
        # Issue 17 §20: a one-time enrolment link (a token sent out of band) sets a password.
        "access:enrol",
        # Issue 21 §2: the integration API, whose client token is checked on every call
        # (tests/records/api: no token, a wrong, revoked or expired one get 401).
        "api:drafts",
        "api:record_status",
        "api:outcome",
        "api:reference_status",
    }
    assert all(stage < Stage.AGREED for stage in ALLOW_LIST.values())


def test_signed_in_non_staff_person_cannot_use_the_admin(sales_person):
    client = client_verified(sales_person)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "You do not have the right to do this." in response.content.decode()
    assert client.get("/admin/access/user/").status_code == 403
    assert client.get("/admin/login/").status_code == 403


def test_admin_has_no_login_page_of_its_own_that_would_skip_the_second_factor(sales_person):
    staff = sales_person
    staff.is_staff = True
    staff.save()
    client = Client()
    response = client.post("/admin/login/", {"username": "zhang.wei", "password": "x"})
    assert response.status_code == 403
    response = client.get("/admin/login/")
    assert response["Location"].startswith("/accounts/login/")


def test_admin_password_change_goes_through_re_authentication(sales_person):
    sales_person.is_staff = True
    sales_person.save()
    client = client_verified(sales_person)
    response = client.get("/admin/password_change/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/security/confirm/")
