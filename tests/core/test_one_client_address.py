"""Issue 18 §10: django-auditlog's field history records the same client address as Baomi's
audit log, never the one a client writes into X-Forwarded-For."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from audit.models import AuditEvent
from tests.factories import make_person
from tests.helpers import admin_user_form, client_verified

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("proxies", "expected"), [(0, "127.0.0.1"), (1, "198.51.100.7")])
def test_i18_10_field_history_and_audit_log_name_the_same_address(
    sales_person, settings, proxies, expected
):
    settings.BAOMI_PROXY_COUNT = proxies
    admin_user = make_person("it.admin", is_staff=True, is_superuser=True)
    client = client_verified(admin_user)
    url, data = admin_user_form(client, sales_person)
    data.update({"full_name": "张伟伟", "groups": [], "employment_status": "active"})
    # The client claims 203.0.113.66; a trusted proxy (when there is one) saw 198.51.100.7.
    spoofed = {"HTTP_X_FORWARDED_FOR": "203.0.113.66, 198.51.100.7"}
    assert client.post(url, data, **spoofed).status_code == 302
    entry = LogEntry.objects.get_for_object(sales_person).order_by("-timestamp").first()
    event = AuditEvent.objects.get(action="admin.change")
    assert entry.remote_addr == expected
    assert event.ip_address == expected
