"""Audit log benchmarks on PostgreSQL (issue 3). Run on demand, never in the test suite.

    .venv/bin/python benchmarks/audit_bench.py                 # everything, 1M events
    .venv/bin/python benchmarks/audit_bench.py --only append   # append throughput only
    .venv/bin/python benchmarks/audit_bench.py --events 200000 --only verify,console

It creates (and drops) its own database, ``baomi_bench`` on 127.0.0.1:5432 unless
BENCH_DATABASE_URL says otherwise, and prints each figure with its goal and, for appends, the
ratio against the named baseline: a plain Django insert of the same row into a table of the
same shape (same columns and indexes, no triggers, no chain).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import configure, recreate  # noqa: E402 - after sys.path

DEFAULT_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/baomi_bench")


def setup_django() -> None:
    import django

    django.setup()


# --- Append throughput ---------------------------------------------------------------------------


def _plain_model():
    from django.db import models

    from audit.models import AuditEvent

    attrs = {
        "__module__": __name__,
        "Meta": type(
            "Meta", (), {"db_table": "bench_plain", "managed": False, "app_label": "audit"}
        ),
    }
    for field in AuditEvent._meta.concrete_fields:
        if field.name == "id":
            continue
        clone = field.clone()
        if isinstance(clone, models.ForeignKey):
            clone = models.BigIntegerField(null=True, db_column=field.column)
        attrs[field.name] = clone
    return type("BenchPlain", (models.Model,), attrs)


def _writer(kind: str, events: int, tag: str, start: mp.Event) -> None:
    setup_django()
    from django.db import connections

    connections.close_all()
    import audit

    plain = _plain_model() if kind == "plain" else None
    start.wait()
    for n in range(events):
        if plain is None:
            audit.record(None, "access.denied", url_name="bench", writer=tag, n=n)
        else:
            plain.objects.create(
                action="access.denied",
                details={"url_name": "bench", "writer": tag, "n": n},
            )


def _sealer(stop: mp.Event, interval: float) -> None:
    """The beat task's work, every ``interval`` seconds (production default: 5 s)."""
    setup_django()
    from django.db import connections

    connections.close_all()
    from audit.chain import seal_pending

    while not stop.wait(interval):
        seal_pending()
    seal_pending()


def _reset_tables() -> None:
    from django.db import connection

    from audit import dbguard

    dbguard.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE audit_auditevent, audit_sealblock, audit_chainstate RESTART IDENTITY"
        )
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
        cursor.execute("CREATE TABLE bench_plain (LIKE audit_auditevent INCLUDING ALL)")
    dbguard.install(connection)


def run_append(writers: int, per_writer: int, kind: str, interval: float) -> dict[str, float]:
    from django.db import connections

    from audit.chain import unsealed_backlog
    from audit.verification import verify_chain

    _reset_tables()
    connections.close_all()
    ctx = mp.get_context("fork")
    start, stop = ctx.Event(), ctx.Event()
    sealer = ctx.Process(target=_sealer, args=(stop, interval)) if kind == "chained" else None
    if sealer:
        sealer.start()
    procs = [
        ctx.Process(target=_writer, args=(kind, per_writer, f"w{i}", start)) for i in range(writers)
    ]
    for proc in procs:
        proc.start()
    time.sleep(1.0)  # let every process finish django.setup()
    began = time.perf_counter()
    start.set()
    for proc in procs:
        proc.join()
    written = time.perf_counter()
    result = {"events": writers * per_writer, "seconds": written - began}
    result["rate"] = result["events"] / result["seconds"]
    if sealer:
        stop.set()  # the sealer finishes its last pass, then exits
        sealer.join()
        result["chain_complete_after"] = time.perf_counter() - written
        assert unsealed_backlog()[0] == 0
        report = verify_chain()
        assert report.ok, report.problem
        assert report.checked == result["events"]
    return result


def bench_append(per_writer: int, reps: int, interval: float) -> None:
    print(f"\n## Append throughput ({per_writer} events per writer process, 1 transaction each)")
    print("baseline: plain Django insert of the same row into a same-shape table (no chain)")
    print(
        f"sealer every {interval:g} s in its own process; {reps} interleaved runs, median [min-max]"
    )
    print(
        f"{'writers':>7} {'plain ev/s':>22} {'chained ev/s':>22} {'ratio':>6} "
        f"{'chain complete':>15}"
    )
    for writers in (1, 4, 8):
        plain, chained, lags = [], [], []
        for _ in range(reps):
            plain.append(run_append(writers, per_writer, "plain", interval)["rate"])
            result = run_append(writers, per_writer, "chained", interval)
            chained.append(result["rate"])
            lags.append(result["chain_complete_after"])

        def fmt(values: list[float]) -> str:
            return f"{statistics.median(values):,.0f} [{min(values):,.0f}-{max(values):,.0f}]"

        ratio = statistics.median(chained) / statistics.median(plain)
        print(
            f"{writers:>7} {fmt(plain):>22} {fmt(chained):>22} {ratio:>6.2f} {max(lags):>13.2f} s"
        )
    print("goal: ratio >= 0.80 at 8 writers; chain complete within seconds of the last write")


# --- 1M events for verify and console ----------------------------------------------------------

SEED_SQL = """
INSERT INTO access_department (code, name)
SELECT 'dept-' || d, '部门' || d FROM generate_series(1, 12) AS d
ON CONFLICT DO NOTHING;

INSERT INTO access_user (password, is_superuser, username, first_name, last_name, email,
    is_staff, is_active, date_joined, full_name, employee_number, employment_status, department_id)
SELECT '!', false, 'bench' || u, '', '', '', false, true, now(), '员工' || u,
       'B' || lpad(u::text, 5, '0'), 'active',
       (SELECT id FROM access_department WHERE code = 'dept-' || (1 + u % 12))
FROM generate_series(1, 500) AS u
ON CONFLICT DO NOTHING;

INSERT INTO audit_auditevent (occurred_at, actor_id, actor_name, actor_number, actor_department,
    action, target_type, target_id, target_label, ip_address, user_agent, request_id, details)
SELECT now() - interval '365 days' + (i * interval '31.5 seconds'),
       u.id, u.full_name, u.employee_number, '部门' || (1 + (i % 12)),
       (ARRAY['record.view', 'record.view', 'record.view', 'record.reveal', 'auth.sign_in',
              'auth.sign_out', 'access.denied', 'record.export', 'request.approve',
              'agreement.signed'])[1 + (i % 10)],
       'records.customerrecord', (1 + (i::bigint * 7919) % 100000)::text,
       'KH-2026-' || lpad((1 + (i::bigint * 7919) % 100000)::text, 6, '0'),
       ('10.0.' || (i % 250) || '.' || (1 + i % 200))::inet,
       -- As browsers send it, and details of the size the services write (3-5 keys).
       'Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A.231005.007; wv) AppleWebKit/537.36 '
       || '(KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.193 Mobile Safari/537.36 '
       || 'MicroMessenger/8.0.' || (40 + i % 10),
       md5(i::text),
       jsonb_build_object('record_department', '部门' || (1 + (i % 12)), 'n', i,
                          'reason',
                          (ARRAY['客户来电核对身份', '签约前核对证件', '回访'])[1 + i % 3],
                          'fields', jsonb_build_array('mobile', 'id_number'),
                          'tier', 1 + i % 3)
FROM generate_series(1, %(events)s) AS i
JOIN LATERAL (SELECT id, full_name, employee_number FROM access_user
              WHERE username = 'bench' || (1 + (i * 31) % 500)) AS u ON true;
"""


def seed_million(events: int) -> None:
    from django.db import connection

    from audit.chain import seal_pending

    _reset_tables()
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(SEED_SQL.replace("%(events)s", str(int(events))))
        cursor.execute("ANALYZE")
    inserted = time.perf_counter()
    sealed = seal_pending()
    done = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE audit_auditevent")
    print(
        f"\nseeded {events:,} events by SQL in {inserted - began:.1f} s; sealed {sealed:,} in "
        f"{done - inserted:.1f} s ({sealed / (done - inserted):,.0f} events/s)"
    )


def _has_events(events: int) -> bool:
    from audit.chain import chain_head

    return chain_head()[0] >= events


def bench_verify() -> None:
    from django.db import connection

    connection.close()
    out = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "audit_verify",
            "--no-seal",  # and the command's own default of workers (CPUs + 1)
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(text for text in out.splitlines() if text.startswith("checked"))
    rate = float(re.search(r"\(([\d,]+) events/s", line).group(1).replace(",", ""))
    peak = re.search(r"peak memory (\d+) MB", line).group(1)
    print("\n## audit_verify")
    print(line)
    print(f"rate {rate:,.0f} events/s (goal >= 250,000); peak memory {peak} MB (whole process)")


def bench_console(samples: int) -> None:
    from datetime import timedelta

    from django.contrib.auth.models import Group
    from django.test import Client
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from access.models import Agreement, AgreementSignature, User
    from access.roles import Role

    auditor, _ = User.objects.get_or_create(
        username="bench-auditor", defaults={"full_name": "审计"}
    )
    auditor.groups.add(Group.objects.get(name=Role.AUDITOR.value))
    device = TOTPDevice.objects.filter(user=auditor).first() or TOTPDevice.objects.create(
        user=auditor, name="a"
    )
    agreement = Agreement.objects.current()
    AgreementSignature.objects.get_or_create(
        user=auditor, agreement=agreement, defaults={"text_sha256": agreement.text_sha256()}
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(auditor)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    some = User.objects.filter(username="bench77").first()
    today = timezone.localdate()
    cases = {
        "no filter": {},
        "person": {"actor": some.employee_number},
        "department": {"department": "部门5"},
        "action": {"action": "record.reveal"},
        "target (one file)": {"target_type": "records.customerrecord", "target_id": "4242"},
        "date range (1 week)": {
            "date_from": str(today - timedelta(days=200)),
            "date_to": str(today - timedelta(days=193)),
        },
        "person + action": {"actor": some.employee_number, "action": "record.view"},
    }
    print(f"\n## Console filter + page (50 rows, whole request incl. template), {samples} requests")
    print(f"{'filter':<22} {'p50 ms':>8} {'p95 ms':>8} {'rows':>5}")
    worst = 0.0
    for name, params in cases.items():
        timings = []
        rows = 0
        cursor = None
        for i in range(samples):
            query = dict(params)
            if cursor and i % 2:
                query["after"] = cursor  # every other request is a next page
            began = time.perf_counter()
            response = client.get("/audit/", query)
            timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
            html = response.content.decode()
            rows = html.count('<td class="nowrap">') // 3  # time, address, sequence per row
            found = re.search(r"after=([0-9.]+)", html)
            cursor = found.group(1) if found else None
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[int(len(timings) * 0.95) - 1]
        worst = max(worst, p95)
        print(f"{name:<22} {p50:>8.1f} {p95:>8.1f} {rows:>5}")
    print(f"worst p95 {worst:.1f} ms (goal < 50 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default="append,verify,console")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--per-writer", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seal-interval", type=float, default=1.0)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of the last run if it fits"
    )
    parser.add_argument(
        "--database-url", default=DEFAULT_URL, help="its own database, dropped and created"
    )
    args = parser.parse_args()
    configure(args.database_url)
    wanted = set(args.only.split(","))
    print(f"database {args.database_url}; {os.cpu_count()} CPUs")
    if not args.reuse:
        recreate(args.database_url)
    setup_django()
    if "append" in wanted:
        bench_append(args.per_writer, args.reps, args.seal_interval)
    if wanted & {"verify", "console"} and not (args.reuse and _has_events(args.events)):
        seed_million(args.events)
    if "verify" in wanted:
        bench_verify()
    if "console" in wanted:
        bench_console(args.samples)


if __name__ == "__main__":
    main()
