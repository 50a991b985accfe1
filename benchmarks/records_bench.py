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

from benchmarks.common import alternate, configure, percentile, recreate  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/baomi_bench_records"


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
    import json

    def plain_insert(item) -> None:
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

    mine, base = [], []
    for item in contents:  # ours and the baseline in turn: same table size, same load
        start = time.perf_counter()
        intake.create(user, meta, item, terms)
        mine.append(time.perf_counter() - start)
        start = time.perf_counter()
        plain_insert(item)
        base.append(time.perf_counter() - start)
    ours, plain_cost = sum(mine) / count, sum(base) / count
    CustomerRecord.objects.filter(key_version=1, wrapped_key=b"k" * 61).delete()
    print(f"intake: {count} files through records.intake.create")
    print(f"  ours {ours * 1000:6.2f} ms/file ({1 / ours:,.0f}/s)   plain insert "
          f"{plain_cost * 1000:5.2f} ms/file ({1 / plain_cost:,.0f}/s)")  # fmt: skip
    print(f"  ratio {ours / plain_cost:.2f}x   goal < 2x")
    print("  (baseline: Django insert of the same record + consent rows, no crypto, no audit)")


# --- Seed --------------------------------------------------------------------------------------


MEASURED_DEPARTMENT = 3  # the department whose head and salespeople the queries measure


def seed(total: int, sales) -> None:
    """``total`` files: the measured department's share sealed exactly as intake seals them
    (every row those people list is a real file), the other departments' rows inserted by SQL
    with their metadata only (nobody measured opens them; the planner sees the whole table).
    Statuses: 90 % approved, the rest drafts, submitted, returned; changes spread over two years."""
    from django.db import connection

    from benchmarks.common import insert_files
    from records import classification
    from records import content as record_content
    from records.fields import categories_present
    from records.models import CustomerRecord
    from records.samples import Samples

    measured = [u for u in sales if u.department.code == f"bench-{MEASURED_DEPARTMENT}"]
    others = [u for u in sales if u not in measured]
    sealed = total * len(measured) // len(sales)
    samples = Samples(2026)
    batch: list[CustomerRecord] = []
    start = time.perf_counter()
    for index in range(sealed):
        handler = measured[index % len(measured)]
        item = samples.person(1 + index % 3)
        minimum = classification.derive(item).minimum
        status = "approved" if index % 10 else random.choice(["draft", "submitted", "returned"])
        record, cipher = record_content.new_record(
            kind="person", tier=minimum, minimum_tier=minimum, status=status,
            handler_id=handler.pk, department_id=handler.department_id, source="walk_in",
            acquired_at=date(2020 + index % 7, 1 + index % 12, 1 + index % 28),
            archive_number=f"KH-B{MEASURED_DEPARTMENT}-{index:07d}"
            if status == "approved" else None,
        )  # fmt: skip
        record_content.write(record, cipher, item)
        record.categories = sorted(categories_present(item))
        batch.append(record)
        if len(batch) == 2000:
            CustomerRecord.objects.bulk_create(batch)
            batch = []
    if batch:
        CustomerRecord.objects.bulk_create(batch)
    sealed_seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        insert_files(
            cursor, total - sealed, others,
            status="CASE WHEN g %% 10 = 0 THEN (ARRAY['draft', 'submitted', 'returned'])"
            "[1 + g %% 3] ELSE 'approved' END",
            archive_number="CASE WHEN g %% 10 = 0 THEN NULL"
            " ELSE 'KH-X' || lpad(g::text, 9, '0') END",
            tier="1 + g %% 3",
        )  # fmt: skip
        cursor.execute(
            "UPDATE records_customerrecord SET updated_at = now() - random() * interval '730 days'"
        )
        cursor.execute("VACUUM ANALYZE records_customerrecord")
    elapsed = time.perf_counter() - start
    print(
        f"seed: {total:,} files in {elapsed:,.0f} s ({sealed:,} sealed in {sealed_seconds:,.0f} s,"
        f" {total - sealed:,} metadata rows by SQL)"
    )


# --- Queries -----------------------------------------------------------------------------------


def compare(name: str, mine: list[float], base: list[float], goal: str = "p95 < 50 ms") -> None:
    report(name, mine, goal)
    ratio = statistics.median(base) / statistics.median(mine)
    print(f"  {'':<44} baseline p50 {statistics.median(base) * 1000:7.2f} ms  ({ratio:.2f}x)")


def bench_lists(rounds: int, sales, heads, keeper) -> None:
    """Pages 1, 40 and 400 (or the last) of each list, against the bare keyset query of the
    same rows (no policy, no decryption, no select_related) as baseline."""
    from records import catalogue, listing
    from records.models import CustomerRecord

    for label, user, scope in (
        ("salesperson", sales[MEASURED_DEPARTMENT * SALES_PER_DEPT], "mine"),
        ("department head", heads[MEASURED_DEPARTMENT], "department"),
    ):
        filters = listing.Filters(scope=scope)
        held = listing.base_queryset(user, filters).count()
        last = (held - 1) // 25
        cursor, done = "", 0
        for depth in (0, 39, min(399, last)):
            while done < depth:
                cursor, done = listing.page(user, filters, cursor, size=25).next_cursor, done + 1
            where = listing.page_queries(user, filters, cursor, 25)[0].query.where
            baseline = CustomerRecord.objects.order_by("-updated_at", "-id")
            baseline.query.where = where  # the same filter and position, nothing else

            def ours(cursor=cursor, filters=filters, user=user):
                listing.page(user, filters, cursor, size=25)

            def base(baseline=baseline):
                list(baseline.values_list("id", "updated_at")[:26])

            mine, plain = alternate(rounds, ours, base)
            compare(f"{label} ({held:,} files): list page {depth + 1}", mine, plain)
    criteria = catalogue.Criteria()
    after, done = "", 0
    catalogued = CustomerRecord.objects.filter(status__in=["approved", "archived"])
    for depth in (0, 39, 399):
        while done < depth:
            after, done = catalogue.search(keeper, criteria, after=after).after, done + 1

        def ours(after=after):
            catalogue.search(keeper, criteria, after=after)

        def base(after=after):
            start = catalogued.filter(archive_number__gt=after) if after else catalogued
            list(start.order_by("archive_number").values_list("id", "archive_number")[:51])

        mine, plain = alternate(rounds, ours, base)
        compare(f"archivist: catalogue page {depth + 1} (50 a page)", mine, plain)


def bench_search(rounds: int, sales, heads) -> None:
    """Exact search, against the bare blind-index lookup (no policy, no decrypt, no re-check)."""
    from records import content as record_content
    from records import crypto, listing
    from records.models import CustomerRecord

    for label, user in (
        ("salesperson", sales[MEASURED_DEPARTMENT * SALES_PER_DEPT]),
        ("department head", heads[MEASURED_DEPARTMENT]),
    ):
        scope = "mine" if label == "salesperson" else "department"
        candidates = listing.base_queryset(user, listing.Filters(scope=scope))
        target = candidates.exclude(status="draft").order_by("?").first()
        known = record_content.read(target)
        for kind, index_kind, value in (
            ("mobile", "mobile", known.get("mobile")),
            ("full name", "name", known["full_name"]),
        ):
            if not value:
                continue
            key = record_content.search_keys(known)[index_kind]
            column = record_content.INDEX_COLUMNS[index_kind]

            def ours(value=value, user=user, target=target):
                hits = listing.search(user, value)
                assert any(hit.record.pk == target.pk for hit in hits)

            def base(column=column, key=key, index_kind=index_kind):
                found = CustomerRecord.objects.filter(
                    **{column: crypto.blind_index(index_kind, key)}
                )
                list(found.values_list("id")[:100])

            mine, plain = alternate(rounds, ours, base)
            compare(f"{label}: search by {kind}", mine, plain)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--intake", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--only", default="crypto,intake,seed,lists,search")
    parser.add_argument("--reuse", action="store_true", help="keep the existing bench database")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
        help="the benchmark's own database (dropped and created unless --reuse)",
    )
    args = parser.parse_args()
    parts = set(args.only.split(","))
    configure(args.database_url)
    if not args.reuse:
        recreate(args.database_url)
    import django

    django.setup()
    from access.models import User

    _departments, sales, heads = people()
    keeper = archivist(User)
    print(f"PostgreSQL {args.database_url.rsplit('@', 1)[-1]}, {os.cpu_count()} CPUs")
    if "crypto" in parts:
        bench_crypto(2000)
    if "intake" in parts:
        bench_intake(args.intake, sales)
    if "seed" in parts:
        seed(args.records, sales)
    from records.models import CustomerRecord

    if parts & {"lists", "search"}:
        print(f"queries on {CustomerRecord.objects.count():,} files ({args.rounds} runs each)")
    if "lists" in parts:
        bench_lists(args.rounds, sales, heads, keeper)
    if "search" in parts:
        bench_search(args.rounds, sales, heads)


def archivist(user_model):
    from django.contrib.auth.models import Group

    from access.roles import Role

    keeper, created = user_model.objects.get_or_create(
        username="keeper", defaults={"full_name": "档案员"}
    )
    if created:
        keeper.groups.add(Group.objects.get(name=Role.ARCHIVIST.value))
    return keeper


if __name__ == "__main__":
    main()
