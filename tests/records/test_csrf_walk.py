"""CSRF walk (issue 8 §2): every route, found by walking the URL configuration, refuses a
state-changing request (POST, PUT, PATCH, DELETE) that carries no CSRF token, even from a person
fully signed in and entitled to act; the refusal explains itself and changes nothing. A view
marked csrf_exempt, or a new route without an object for its ids, fails this test."""

from __future__ import annotations

from django.test import Client
from django.urls import get_resolver
from django_otp import DEVICE_ID_SESSION_KEY

from audit.models import AuditEvent
from records.models import CustomerRecord
from tests.helpers import client_verified
from tests.records.test_idor_walk import _converter, _walk, walk_objects  # noqa: F401 - fixture

CSRF_REFUSAL = "This form expired or was sent from another page"


def _all_routes(objects: dict) -> list[str]:
    urls = []
    for namespace, _name, route, converters in _walk(get_resolver().url_patterns):
        if namespace == "admin" and converters:
            continue  # Django's admin: its own CSRF protection, walked at its fixed routes
        if namespace == "api":
            continue  # no session, no cookie to ride: a client token on every call
        if route.startswith("static/") or "(?P<" in route:
            continue
        url = "/" + route
        for param in converters:
            value = objects.get(namespace, {}).get(param)
            assert value is not None, f"give the walk an object for {param} in {route}"
            url = url.replace(f"<{_converter(route, param)}:{param}>", str(value))
        urls.append(url)
    return urls


def _strict_client(user) -> Client:
    """The same signed-in session as client_verified, but checking CSRF as a browser would."""
    signed_in = client_verified(user)
    client = Client(enforce_csrf_checks=True)
    client.cookies = signed_in.cookies
    assert DEVICE_ID_SESSION_KEY in client.session
    return client


def test_every_state_changing_route_refuses_a_request_without_a_csrf_token(sales_org, walk_objects):  # noqa: F811
    head = _strict_client(sales_org.head)  # entitled to approve, review, sign...
    urls = _all_routes(walk_objects)
    assert len(urls) >= 60
    before = {
        "records": list(CustomerRecord.objects.values_list("pk", "status", "updated_at")),
        "events": AuditEvent.objects.exclude(action="access.denied").count(),
    }
    for url in urls:
        for method in ("post", "put", "patch", "delete"):
            response = getattr(head, method)(url, {"decision": "approve", "reason": "review"})
            status = response.status_code
            if status == 405:
                continue  # the route does not take this method at all
            assert status == 403, (method.upper(), url, status)
            assert CSRF_REFUSAL in response.content.decode(), (method.upper(), url)
    assert (
        list(CustomerRecord.objects.values_list("pk", "status", "updated_at")) == before["records"]
    )
    assert AuditEvent.objects.exclude(action="access.denied").count() == before["events"]
