"""Beat's scheduler, which also keeps the operations watch (issue 18 §7).

The watch must run in a process that survives the worker: a task would die with the worker it
is meant to report. Beat is that process (one per deployment), and it already wakes up at every
heartbeat interval, so at each of those it runs records.ops.watch; when an alert opens or
closes, beat sends the outbox itself, since the worker that normally does may be what died.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery.beat import PersistentScheduler

log = logging.getLogger(__name__)


class WatchfulScheduler(PersistentScheduler):
    """``PersistentScheduler`` plus ``records.ops.watch.run()`` every heartbeat interval."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._next_watch = 0.0

    def _every(self) -> float:
        entry = self.app.conf.beat_schedule.get("baomi-heartbeat", {})
        return float(entry.get("schedule", 60.0))

    def tick(self, *args: Any, **kwargs: Any) -> float:
        interval = super().tick(*args, **kwargs)
        now = time.monotonic()
        if now >= self._next_watch:
            self._next_watch = now + self._every()
            self._watch()
        return min(interval, max(0.5, self._next_watch - time.monotonic()))

    def _watch(self) -> None:
        import django
        from django.apps import apps
        from django.db import close_old_connections

        if not apps.ready:
            django.setup()
        close_old_connections()
        try:
            from records.ops import watch

            changed = watch.run()
            if changed:
                log.warning("operations watch: %s", changed)
                # Sent from here, not only by the worker: the problem may be the worker itself,
                # or the broker it is reached by (SKIP LOCKED: never twice with a worker).
                from records.ops import outbox

                outbox.deliver_pending(limit=20, budget_seconds=60)
        except Exception:  # the database may be away a moment; beat must keep scheduling
            log.exception("operations watch failed")
        finally:
            close_old_connections()
