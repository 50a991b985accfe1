"""Issue 18 §12: the beat container's healthcheck says whether the heartbeat beat sends is fresh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core import health
from core.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_i18_12_a_fresh_heartbeat_passes_and_a_stale_or_missing_one_fails():
    with pytest.raises(CommandError, match="no heartbeat yet"):
        call_command("heartbeat_fresh")
    health.beat()
    call_command("heartbeat_fresh")
    Heartbeat.objects.update(last_seen=timezone.now() - timedelta(minutes=10))
    with pytest.raises(CommandError, match="limit 180 s"):
        call_command("heartbeat_fresh")
