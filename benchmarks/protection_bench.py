"""What the protection costs (issue 20 §4, §5). Run on demand, never in the tests.

    .venv/bin/python benchmarks/protection_bench.py
    .venv/bin/python benchmarks/protection_bench.py --rounds 400 --database-url postgres://...

It creates (and drops) its own database on PostgreSQL and a small world (a department, its
salesperson and head, one approved file with three attachments), then times, alternately in
one process, each kind of request of the load test's mix (benchmarks/load.py) as the
salesperson sends it:

- protected: through the whole stack, as a signed-in salesperson's browser sends it: session,
  person (roles, authenticator, agreement, pledge), the gate, CSRF, CSP and security headers,
  the view and its audit events;
- unprotected: the same URL through the same handler (URL resolution, connection checks,
  request signals) but with one middleware instead of Baomi's stack: it loads the person with a
  plain ``User.objects.get`` and gives the request an in-memory session. No session read, no
  second factor, no agreement, no gate, no CSRF, CSP or security headers; the view's own work
  (policy, decryption, its audit events, rendering) is the same.

It prints, per kind, p50/p95 of each and the ratio unprotected/protected medians (the file
page's goal is >= 0.8x, §4), by block of rounds and overall, and the queries each makes; then
the whole mix's ratio, its kinds weighted as load.py weighs them for a salesperson: what the
load test's mix would do without the protection, on the same work.
"""

from __future__ import annotations

import argparse
import os
import re
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
        user = User.objects.select_related("department").get(pk=int(os.environ["BENCH_PERSON"]))
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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# load.py's mix for a salesperson: a head's approval there is a file page here.
MIX = {"list": 0.30, "search": 0.15, "file page": 0.40, "reveal": 0.05, "intake": 0.10}


def requests(record, field: str) -> dict:
    """Each kind of the mix as ``kind(client) -> response``; both sides send the same."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    page = reverse("records:detail", args=[record.pk])
    reveal = {"fields_to_reveal": field, "reason": "verification", "note": ""}

    def intake(client):
        data = {
            "kind": "person", "source": "walk_in", "acquired_at": "2026-11-02", "tier": "",
            "consent_purpose": "购房及相关服务", "consent_method": "paper",
            "consent_scope": ["identity", "contact", "transaction"],
            "consent_obtained_at": "2026-11-01", "attachment_kind": "id_scan",
            "full_name": "欧阳晓梅", "mobile": "13912345678", "needs": "三居室", "then": "submit",
            "consent_evidence": SimpleUploadedFile("consent.pdf", PDF, "application/pdf"),
        }  # fmt: skip
        return client.post(reverse("records:new"), data)

    return {
        "list": lambda client: client.get(reverse("records:list")),
        "search": lambda client: client.post(reverse("records:list"), {"q": "13912345678"}),
        "file page": lambda client: client.get(page),
        # load.py's reveal: the page, then the reveal
        "reveal": lambda client: (client.get(page), client.post(page + "reveal/", reveal))[1],
        "intake": intake,
    }


EXPECTED = {"list": 200, "search": 200, "file page": 200, "reveal": 200, "intake": 302}


def measure(kind: str, send, client, bare, rounds: int, blocks: int) -> tuple[float, float]:
    """Alternate the two sides of one kind; print its figures; return both medians (ms)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def protected() -> None:
        response = send(client)
        assert response.status_code == EXPECTED[kind], (kind, response.status_code)

    def unprotected() -> None:
        response = send(bare)
        assert response.status_code == EXPECTED[kind], (kind, response.status_code)

    for run in (protected, unprotected):  # warm both
        for _ in range(10):
            run()
    counts = []
    for run in (protected, unprotected):
        with CaptureQueriesContext(connection) as seen:
            run()
        counts.append(len(seen))
    print(f"{kind}: {counts[0]} queries protected, {counts[1]} unprotected")
    ratios, ours, base = [], [], []
    for _block in range(blocks):
        mine, plain = alternate(rounds // blocks, protected, unprotected)
        ratios.append(statistics.median(plain) / statistics.median(mine))
        ours += mine
        base += plain
    for name, times in (("protected", ours), ("unprotected", base)):
        ms = [t * 1000 for t in times]
        print(
            f"  {name:<12} p50 {statistics.median(ms):6.2f} ms  p95 {percentile(ms, 0.95):6.2f} ms"
        )
    overall = statistics.median(base) / statistics.median(ours)
    print(
        f"  protected at {overall:.2f}x of unprotected (blocks {min(ratios):.2f}-{max(ratios):.2f})"
    )
    return statistics.median(ours) * 1000, statistics.median(base) * 1000


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
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    w, record, client = world()
    os.environ["BENCH_PERSON"] = str(w.sales.pk)
    bare = Client()
    with override_settings(MIDDLEWARE=["benchmarks.protection_bench.KnownPerson"]):
        assert bare.get(reverse("records:list")).status_code == 200  # the handler keeps it
    page = client.get(reverse("records:detail", args=[record.pk])).content.decode()
    field = re.search(r'name="fields_to_reveal" value="([a-z_]+)"', page).group(1)  # as load.py
    medians = {}
    for kind, send in requests(record, field).items():
        rounds = args.rounds if kind == "file page" else max(50, args.rounds // 3)
        medians[kind] = measure(kind, send, client, bare, rounds, args.blocks)
    mine = sum(MIX[k] * medians[k][0] for k in MIX)
    plain = sum(MIX[k] * medians[k][1] for k in MIX)
    print(
        f"\nthe load test's mix (weighted medians): protected {mine:.2f} ms, unprotected "
        f"{plain:.2f} ms a request: {plain / mine:.2f}x"
    )
    print("file page goal >= 0.8x of unprotected (§4)")
    drop(args.database_url)


if __name__ == "__main__":
    main()
