"""Baomi's settings plus one trivial page behind the same gate, for benchmarks/load.py only.

The load test compares the realistic mix with what the same stack does for a page that does
nothing (issue 20 §5): same gunicorn, same middleware (session, person, second factor,
agreement, CSRF, CSP, audit context), no work in the view.
"""

from config.settings import *  # noqa: F403 - the whole product configuration, unchanged

ROOT_URLCONF = "benchmarks.load_urls"
