"""Client-file benchmarks on PostgreSQL (issue 4). Run on demand, never in the test suite.

    .venv/bin/python benchmarks/records_bench.py                      # everything, 1M files
    .venv/bin/python benchmarks/records_bench.py --records 200000
    .venv/bin/python benchmarks/records_bench.py --only crypto,intake  # no bulk seeding
    .venv/bin/python benchmarks/records_bench.py --reuse --only queries

It creates (and drops, unless --reuse) its own database ``baomi_bench_records`` on
127.0.0.1:5432 (BENCH_DATABASE_URL overrides) and prints each figure with its goal and baseline:

- crypto: seal + open of one realistic file (four sections, data key wrapped and unwrapped) per
  record, against raw AES-256-GCM of the same plaintext under one key;
- intake: ``records.intake.create`` (validation, tier, encryption, blind indexes, consent row,
  two audit events) against a plain Django insert of the same rows (record + consent) without
  encryption or audit; goal ratio < 2;
- seed: the generator. Files are built by ``records.samples.Samples`` (Chinese names, valid ID
  numbers, mobiles, Luhn bank cards), sealed exactly as intake seals them, and bulk-inserted;
  20 departments x 10 salespeople, files spread evenly, 90 % approved;
- queries: list page 1, list page 40 (keyset), search by mobile and by full name (blind index,
  decrypt and re-check), for a salesperson and for a department head; p50/p95 over repeated
  runs, goal p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import percentile, recreate  # noqa: E402 - after sys.path

BENCH_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/baomi_bench_records"
)
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")  # no seal-on-commit
os.environ.setdefault("BAOMI_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("BAOMI_LOG_LEVEL", "ERROR")

DEPARTMENTS = 20
SALES_PER_DEPT = 10


def report(name: str, seconds: list[float], goal: str = "") -> None:
    ms = [s * 1000 for s in seconds]
    print(
        f"  {name:<44} p50 {statistics.median(ms):7.2f} ms  p95 {percentile(ms, 0.95):7.2f} ms"
        + (f"   goal {goal}" if goal else "")
    )


# --- People ------------------------------------------------------------------------------------


def people():
    from django.contrib.auth.models import Group

    from access.models import Department, User
    from access.roles import Role

    sales_group = Group.objects.get(name=Role.SALES.value)
    head_group = Group.objects.get(name=Role.DEPT_HEAD.value)
    departments, sales, heads = [], [], []
    for d in range(DEPARTMENTS):
        dept, _ = Department.objects.get_or_create(code=f"bench-{d}", name=f"销售{d + 1}部")
        head, created = User.objects.get_or_create(
            username=f"head{d}", defaults={"department": dept, "full_name": f"主管{d}"}
        )
        if created:
            head.groups.add(head_group)
        dept.head = head
        dept.save(update_fields=["head"])
        departments.append(dept)
        heads.append(head)
        for s in range(SALES_PER_DEPT):
            user, created = User.objects.get_or_create(
                username=f"sales{d}-{s}", defaults={"department": dept, "full_name": f"销售{d}-{s}"}
            )
            if created:
                user.groups.add(sales_group)
            sales.append(user)
    return departments, sales, heads


# --- Crypto ------------------------------------------------------------------------------------


def bench_crypto(rounds: int) -> None:
    import json

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from records import content as record_content
    from records.samples import Samples

    samples = Samples(7)
    contents = [samples.person(1) for _ in range(rounds)]
    start = time.perf_counter()
    for item in contents:
        record, cipher = record_content.new_record(tier=1)
        record_content.write(record, cipher, item)
        opened = record_content.read(record)
        assert opened["full_name"] == item["full_name"]
    ours = (time.perf_counter() - start) / rounds
    key = AESGCM.generate_key(bit_length=256)
    aead = AESGCM(key)
    start = time.perf_counter()
    for item in contents:
        plaintext = json.dumps(item, ensure_ascii=False).encode()
        nonce = os.urandom(12)
        aead.decrypt(nonce, aead.encrypt(nonce, plaintext, None), None)
    raw = (time.perf_counter() - start) / rounds
    print("crypto: seal + open of one file (4 sections, DEK wrap/unwrap, 3 blind indexes)")
    print(f"  ours {ours * 1e6:8.1f} µs/file   raw AES-GCM of the same JSON {raw * 1e6:6.1f} µs")
    print(f"  ratio {ours / raw:.1f}x (baseline: raw AES-256-GCM, one key, no envelope)")


# --- Intake ------------------------------------------------------------------------------------


def bench_intake(count: int, sales) -> None:
    from django.db import transaction

    from records import intake
    from records.consents import ConsentTerms
    from records.fields import Category
    from records.models import Consent, CustomerRecord
    from records.samples import Samples

    samples = Samples(11)
    terms = ConsentTerms(
        purpose="购房及相关服务",
        scope=[c.value for c in Category],
        sensitive_scope=["id_number", "bank_account", "special"],
        obtained_at=date(2026, 11, 1),
    )
    meta = intake.Metadata(kind="person", source="walk_in", acquired_at=date(2026, 11, 2))
    contents = [samples.person(random.choice((1, 2, 3))) for _ in range(count)]
    user = sales[0]
    start = time.perf_counter()
    for item in contents:
        intake.create(user, meta, item, terms)
    ours = (time.perf_counter() - start) / count

    import json

    start = time.perf_counter()
    for item in contents:
        with transaction.atomic():
            plain = json.dumps(item, ensure_ascii=False).encode()
            record = CustomerRecord.objects.create(
                kind="person", tier=1, minimum_tier=1, handler=user,
                department_id=user.department_id, source="walk_in",
                acquired_at=date(2026, 11, 2), key_version=1,
                wrapped_key=b"k" * 61, sealed_identity=plain, categories=["identity"],
            )  # fmt: skip
            Consent.objects.create(
                record=record, purpose=terms.purpose, scope=terms.scope, method="paper",
                obtained_at=date(2026, 11, 1), recorded_by=user,
            )  # fmt: skip
    plain_cost = (time.perf_counter() - start) / count
    CustomerRecord.objects.filter(key_version=1, wrapped_key=b"k" * 61).delete()
    print(f"intake: {count} files through records.intake.create")
    print(f"  ours {ours * 1000:6.2f} ms/file ({1 / ours:,.0f}/s)   plain insert "
          f"{plain_cost * 1000:5.2f} ms/file ({1 / plain_cost:,.0f}/s)")  # fmt: skip
    print(f"  ratio {ours / plain_cost:.2f}x   goal < 2x")
    print("  (baseline: Django insert of the same record + consent rows, no crypto, no audit)")


# --- Seed --------------------------------------------------------------------------------------


def seed(total: int, sales) -> None:
    from records import classification
    from records import content as record_content
    from records.fields import categories_present
    from records.models import CustomerRecord
    from records.samples import Samples

    samples = Samples(2026)
    batch: list[CustomerRecord] = []
    start = time.perf_counter()
    done = 0
    for index in range(total):
        handler = sales[index % len(sales)]
        item = samples.person(1 + index % 3)
        minimum = classification.derive(item).minimum
        status = "approved" if index % 10 else random.choice(["draft", "submitted", "returned"])
        record, cipher = record_content.new_record(
            kind="person", tier=minimum, minimum_tier=minimum, status=status,
            handler_id=handler.pk, department_id=handler.department_id, source="walk_in",
            acquired_at=date(2020 + index % 7, 1 + index % 12, 1 + index % 28),
            archive_number=f"KH-B{index // 1_000_000}-{index % 1_000_000:06d}"
            if status == "approved" else None,
        )  # fmt: skip
        record_content.write(record, cipher, item)
        record.categories = sorted(categories_present(item))
        batch.append(record)
        if len(batch) == 2000:
            CustomerRecord.objects.bulk_create(batch)
            done += len(batch)
            batch = []
            if done % 50_000 == 0:
                rate = done / (time.perf_counter() - start)
                print(f"  seeded {done:,}/{total:,} ({rate:,.0f}/s)", flush=True)
    if batch:
        CustomerRecord.objects.bulk_create(batch)
    elapsed = time.perf_counter() - start
    print(f"seed: {total:,} files in {elapsed:,.0f} s ({total / elapsed:,.0f}/s)")


# --- Queries -----------------------------------------------------------------------------------


def bench_queries(rounds: int, sales, heads) -> None:
    from django.db import connection

    from records import content as record_content
    from records import listing
    from records.models import CustomerRecord

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE records_customerrecord")
    total = CustomerRecord.objects.count()
    print(f"queries on {total:,} files ({rounds} runs each)")
    for label, user, scope in (
        ("salesperson", sales[3], "mine"),
        ("department head", heads[3], "department"),
    ):
        filters = listing.Filters(scope=scope)
        mine = listing.base_queryset(user, filters).count()
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            first = listing.page(user, filters, size=25)
            times.append(time.perf_counter() - start)
        report(f"{label} ({mine:,} files): list page 1", times, "p95 < 50 ms")
        cursor_at = first.next_cursor
        for _ in range(39):
            cursor_at = listing.page(user, filters, cursor_at, size=25).next_cursor or cursor_at
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            listing.page(user, filters, cursor_at, size=25)
            times.append(time.perf_counter() - start)
        report(f"{label}: list page 40 (keyset)", times, "p95 < 50 ms")
        target = listing.base_queryset(user, filters).exclude(status="draft").order_by("?").first()
        known = record_content.read(target)
        for kind, value in (("mobile", known.get("mobile")), ("full name", known["full_name"])):
            if not value:
                continue
            times = []
            for _ in range(rounds):
                start = time.perf_counter()
                hits = listing.search(user, value)
                times.append(time.perf_counter() - start)
            assert any(hit.record.pk == target.pk for hit in hits)
            report(f"{label}: search by {kind} ({len(hits)} hits)", times, "p95 < 50 ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--intake", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--only", default="crypto,intake,seed,queries")
    parser.add_argument("--reuse", action="store_true", help="keep the existing bench database")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    if not args.reuse:
        recreate(BENCH_URL)
    import django

    django.setup()
    _departments, sales, heads = people()
    print(f"PostgreSQL {BENCH_URL.rsplit('@', 1)[-1]}, {os.cpu_count()} CPUs")
    if "crypto" in parts:
        bench_crypto(2000)
    if "intake" in parts:
        bench_intake(args.intake, sales)
    if "seed" in parts:
        seed(args.records, sales)
    if "queries" in parts:
        bench_queries(args.rounds, sales, heads)


if __name__ == "__main__":
    main()
