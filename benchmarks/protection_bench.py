"""What the protection costs on a file page (issue 20 §4). Run on demand, never in the tests.

    .venv/bin/python benchmarks/protection_bench.py
    .venv/bin/python benchmarks/protection_bench.py --rounds 400 --database-url postgres://...

It creates (and drops) its own database on PostgreSQL and a small world (a department, its
salesperson and head, one approved file with three attachments), then times, alternately in
one process:

- protected: ``GET /records/<id>/`` through the whole stack, as a signed-in salesperson's
  browser sends it: session, person (roles, authenticator, agreement, pledge), the gate, CSRF,
  CSP and security headers, the view and its audit event;
- unprotected: the same URL through the same handler (URL resolution, connection checks,
  request signals) but with one middleware instead of Baomi's stack: it loads the person with a
  plain ``User.objects.get`` and gives the request an in-memory session. No session read, no
  second factor, no agreement, no gate, no CSRF, CSP or security headers; the view's own work
  (policy, decryption, its audit event, rendering) is the same.

It prints p50/p95 of each and the ratio unprotected/protected medians (goal >= 0.8x), by block
of rounds and overall, and the queries each makes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import alternate, configure, drop, percentile, recreate  # noqa: E402 - after sys.path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/baomi_bench_protection"


class KnownPerson:
    """The unprotected baseline's only middleware: the person, known without asking."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib.messages.storage.fallback import FallbackStorage
        from django.contrib.sessions.backends.signed_cookies import SessionStore
        from django.utils import timezone

        from access import snapshot
        from access.models import User

        # The script runs as __main__; Django imports this class anew, so the id travels by
        # the environment.
        user = User.objects.get(pk=int(os.environ["BENCH_PERSON"]))
        # Taken as fully signed in without asking, so the page (menu included) is the same.
        user.is_verified = lambda: True
        setattr(user, snapshot.AGREEMENT_ATTR, snapshot.AgreementState(1, timezone.now()))
        request.user = user
        request.session = SessionStore()
        request._messages = FallbackStorage(request)  # as the middleware sets it
        return self.get_response(request)


def world():
    from records import attachments
    from records import content as record_content
    from tests.factories import approved, build_world, pdf_upload
    from tests.helpers import client_verified

    w = build_world()
    record = approved(w.sales, w.head)
    cipher = record_content.cipher_of(record)
    for _ in range(3):
        attachments.store(w.sales, record, cipher, pdf_upload(), "contract")
    return w, record, client_verified(w.sales)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--blocks", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    configure(args.database_url)
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    recreate(args.database_url)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    w, record, client = world()
    os.environ["BENCH_PERSON"] = str(w.sales.pk)
    url = reverse("records:detail", args=[record.pk])
    bare = Client()
    with override_settings(MIDDLEWARE=["benchmarks.protection_bench.KnownPerson"]):
        assert bare.get(url).status_code == 200  # the handler keeps this middleware from now

    def protected() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def unprotected() -> None:
        response = bare.get(url)
        assert response.status_code == 200, response.status_code

    for run in (protected, unprotected):  # warm both
        for _ in range(20):
            run()
    for name, run in (("protected", protected), ("unprotected", unprotected)):
        with CaptureQueriesContext(connection) as seen:
            run()
        print(f"  {name}: {len(seen)} queries")
    ratios, ours, base = [], [], []
    for block in range(args.blocks):
        mine, plain = alternate(args.rounds // args.blocks, protected, unprotected)
        ratio = statistics.median(plain) / statistics.median(mine)
        ratios.append(ratio)
        ours += mine
        base += plain
        mine_ms, plain_ms = statistics.median(mine) * 1000, statistics.median(plain) * 1000
        print(f"  block {block + 1}: protected p50 {mine_ms:6.2f} ms, "
              f"unprotected p50 {plain_ms:6.2f} ms, {ratio:.2f}x")  # fmt: skip
    for name, times in (("protected", ours), ("unprotected", base)):
        ms = [t * 1000 for t in times]
        print(f"{name:<12} p50 {statistics.median(ms):6.2f} ms  p95 {percentile(ms, 0.95):6.2f} ms")
    overall = statistics.median(base) / statistics.median(ours)
    print(
        f"file page protected at {overall:.2f}x of unprotected (blocks {min(ratios):.2f}"
        f"-{max(ratios):.2f}; goal >= 0.8x)"
    )
    drop(args.database_url)


if __name__ == "__main__":
    main()
