"""Load test on loopback (issue 8 §3): the production stack (gunicorn with 2 workers, Celery
worker and beat, PostgreSQL, Redis: docker-compose's own commands, as in the real-stack test)
driven by N concurrent signed-in people with a realistic mix. Run on demand, never in CI:

    .venv/bin/python benchmarks/load.py                       # 1, 2, 4, 8, 16 people, 20 s each
    .venv/bin/python benchmarks/load.py --users 4,8 --seconds 30 --files 2000

It creates (and drops) its own database ``baomi_load`` on 127.0.0.1:5432 and uses Redis db 13.
The mix, per request: file list 30 %, search by mobile 15 %, file page (masked) 30 %, reveal of a
mobile with a reason 5 %, intake of a new file with a PDF 10 %, approval of a submitted file by a
department head 10 % (salespeople open a file instead). Every person signs in with password and
TOTP first. Printed per level: requests/s, p50/p95/p99 in ms, and errors (any 5xx, refused
connection or unexpected answer). The client runs in this process (threads), on the same two
cores as the server, so figures are a floor; compare runs on the same machine only.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOAD_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/baomi_load")
BROKER = os.environ.get("LOAD_BROKER_URL", "redis://127.0.0.1:6379/13")
VAR = Path(tempfile.mkdtemp(prefix="baomi-load-"))

from benchmarks.common import drop, recreate  # noqa: E402 - after sys.path
from records.crypto import generate_key_text  # noqa: E402 - plain module, no settings needed

KEYS = {
    "BAOMI_RECORD_KEKS": f"1:{generate_key_text()}",
    "BAOMI_INDEX_KEY": generate_key_text(),
    "BAOMI_BACKUP_KEY": generate_key_text(),
}
os.environ.update(
    DATABASE_URL=LOAD_URL,
    CELERY_BROKER_URL=BROKER,
    BAOMI_VAR_DIR=str(VAR / "seed"),
    DJANGO_SETTINGS_MODULE="config.settings",
    BAOMI_LOG_LEVEL="ERROR",
    **KEYS,
)

DEPARTMENTS = 4
SALES_PER_DEPT = 5
PASSWORD = "Correct-Horse-42!"  # noqa: S105 - the throw-away load database's people
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def seed(files: int) -> dict:
    """People with authenticators and signed agreements; approved files spread over them."""
    recreate(LOAD_URL, migrate=False)  # migrated below, in this process
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from access import people
    from access.models import Department
    from access.roles import Role
    from records import intake, review
    from records.consents import ConsentTerms
    from records.samples import Samples
    from tests.factories import make_person, pdf_upload
    from tests.helpers import sign_current_agreement

    samples = Samples(7)
    world: dict = {"sales": [], "heads": [], "files": defaultdict(list)}
    terms = ConsentTerms(
        purpose="购房及相关服务",
        scope=["identity", "contact", "transaction"],
        method="paper",
        obtained_at=date(2026, 11, 1),
    )
    password = make_password(PASSWORD)
    for d in range(DEPARTMENTS):
        dept = Department.objects.create(code=f"load-{d}", name=f"销售{d + 1}部")
        head = make_person(f"head{d}", roles=[Role.DEPT_HEAD], department=dept)
        people.set_head(dept, head)
        world["heads"].append(head)
        for s in range(SALES_PER_DEPT):
            world["sales"].append(make_person(f"sales{d}-{s}", roles=[Role.SALES], department=dept))
    everyone = world["sales"] + world["heads"]
    for user in everyone:
        user.password = password
        user.save(update_fields=["password"])
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        sign_current_agreement(user)
    started = time.monotonic()
    for i in range(files):
        owner = world["sales"][i % len(world["sales"])]
        content = samples.person(tier=2)
        record = intake.create(
            owner,
            intake.Metadata(kind="person", source="walk_in", acquired_at=date(2026, 11, 2)),
            content,
            terms,
            evidence=pdf_upload("consent.pdf"),
        )
        intake.submit(owner, record)
        review.approve(world["heads"][i % len(world["sales"]) // SALES_PER_DEPT], record)
        world["files"][owner.pk].append((str(record.pk), content["mobile"]))
        world["files"][("dept", owner.department_id)].append((str(record.pk), content["mobile"]))
    print(f"seeded {len(everyone)} people and {files} approved files in "
          f"{time.monotonic() - started:.0f} s")  # fmt: skip
    return world


class Person:
    """One signed-in person and what they do."""

    def __init__(self, stack, user, files: list, head: bool):
        from tests.integration.stack import WebClient

        self.client, self.user, self.files, self.head = WebClient(stack), user, files, head
        self.token = ""

    def sign_in(self) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tests.helpers import otp_code
        from tests.integration.stack import csrf_token

        self.client.post("/accounts/login/", {"username": self.user.username, "password": PASSWORD})
        device = TOTPDevice.objects.get(user=self.user)
        home = self.client.post("/accounts/otp/verify/", {"token": otp_code(device)})
        assert home.url == "/", f"{self.user.username} did not get in: {home.url}"
        self.token = csrf_token(self.client.get("/records/").text)

    def _post(self, path: str, data: dict, files: dict | None = None):
        return self.client.post(path, data, files, follow=False, token=self.token)

    def act(self, rng: random.Random, submitted: list, lock: threading.Lock) -> tuple[str, bool]:
        roll = rng.random()
        pk, mobile = rng.choice(self.files)
        if roll < 0.30:
            return "list", self.client.request("GET", "/records/").status == 200
        if roll < 0.45:
            return "search", self._post("/records/", {"q": mobile}).status == 200
        if roll < 0.75:
            return "detail", self.client.request("GET", f"/records/{pk}/").status == 200
        if roll < 0.80:
            page = self.client.request("GET", f"/records/{pk}/")
            field = re.search(r'name="fields_to_reveal" value="([a-z_]+)"', page.text)
            if field is None:  # everything already in clear for this person
                return "detail", page.status == 200
            data = {"fields_to_reveal": field.group(1), "reason": "verification", "note": ""}
            return "reveal", self._post(f"/records/{pk}/reveal/", data).status == 200
        if roll < 0.90 and not self.head:
            data = {
                "kind": "person", "source": "walk_in", "acquired_at": "2026-11-02", "tier": "",
                "consent_purpose": "购房及相关服务", "consent_method": "paper",
                "consent_scope": ["identity", "contact", "transaction"],
                "consent_obtained_at": "2026-11-01", "attachment_kind": "id_scan",
                "full_name": "欧阳晓梅", "mobile": "13912345678", "needs": "三居室",
                "then": "submit",
            }  # fmt: skip
            files = {"consent_evidence": ("consent.pdf", PDF, "application/pdf")}
            response = self._post("/records/new/", data, files)
            location = response.header("Location")
            if response.status == 302 and location.startswith("/records/"):
                with lock:
                    submitted.append((self.user.department_id, location.split("/")[2]))
            return "intake", response.status == 302
        if self.head:
            with lock:
                mine = [s for s in submitted if s[0] == self.user.department_id]
                if mine:
                    submitted.remove(mine[0])
            if mine:
                response = self._post(f"/records/{mine[0][1]}/review/", {"decision": "approve"})
                return "approve", response.status == 302
        return "detail", self.client.request("GET", f"/records/{pk}/").status == 200


def run_level(people: list, seconds: float, trivial: bool = False) -> dict:
    """``seconds`` of the realistic mix by ``people`` at once, or of the trivial gated page."""
    timings: list[float] = []
    by_kind: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    kinds: dict[str, int] = defaultdict(int)
    submitted: list = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop(person: Person, seed_value: int) -> None:
        rng = random.Random(seed_value)
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                if trivial:
                    kind = "trivial"
                    ok = person.client.request("GET", "/bench/trivial/").status == 200
                else:
                    kind, ok = person.act(rng, submitted, lock)
            except OSError as error:
                kind, ok = f"connection ({type(error).__name__})", False
            elapsed = time.perf_counter() - started
            with lock:
                timings.append(elapsed)
                by_kind[kind].append(elapsed)
                kinds[kind] += 1
                if not ok:
                    errors[kind] += 1

    threads = [threading.Thread(target=loop, args=(p, i)) for i, p in enumerate(people)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    ordered = sorted(timings)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {
        "users": len(people),
        "requests": len(timings),
        "rps": len(timings) / wall,
        "p50": statistics.median(ordered) * 1000,
        "p95": pct(0.95),
        "p99": pct(0.99),
        "errors": dict(errors),
        "mix": dict(kinds),
        "median_ms": {k: round(statistics.median(v) * 1000, 1) for k, v in sorted(by_kind.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="1,2,4,8,16")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="gunicorn threads per worker (gthread worker class); 0: compose's sync workers",
    )
    parser.add_argument(
        "--no-trivial",
        action="store_true",
        help="skip the baseline: after each level, the same people on a trivial gated page",
    )
    args = parser.parse_args()
    levels = [int(n) for n in args.users.split(",")]
    world = seed(args.files)

    from tests.integration.stack import Stack, production_env

    # The stack logs at its own level: its start is read from the worker's "ready." line.
    env = production_env(LOAD_URL, BROKER, VAR / "stack") | KEYS
    # The product plus one trivial page behind the same gate, the baseline (load_settings.py).
    env["DJANGO_SETTINGS_MODULE"] = "benchmarks.load_settings"
    if args.threads:
        env["GUNICORN_CMD_ARGS"] = f"{env.get('GUNICORN_CMD_ARGS', '')} --threads={args.threads}"
    workers = env.get("WEB_CONCURRENCY", "2")
    kind = f"gthread, {args.threads} threads each" if args.threads else "sync"
    print(f"gunicorn: {workers} workers ({kind})")
    collect = [sys.executable, "manage.py", "collectstatic", "--noinput"]
    subprocess.run(collect, cwd=ROOT, env=env, check=True, capture_output=True)
    stack = Stack(env, VAR)
    stack.start()
    try:
        candidates = [(u, False) for u in world["sales"]] + [(u, True) for u in world["heads"]]
        rng = random.Random(1)
        rng.shuffle(candidates)
        candidates.sort(key=lambda pair: not pair[1])  # heads first: approvals in every level
        print(f"\n{'users':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
              f"{'trivial req/s':>13} {'ratio':>5} errors")  # fmt: skip
        results = []
        signed_in: dict[int, Person] = {}  # each person signs in once (a TOTP code works once)
        for count in levels:
            chosen = [_pick(candidates, i, count) for i in range(count)]
            for user, head in chosen:
                if user.pk not in signed_in:
                    signed_in[user.pk] = Person(stack, user, _files(world, user, head), head)
                    signed_in[user.pk].sign_in()
            level = [signed_in[user.pk] for user, _h in chosen]
            result = run_level(level, args.seconds)
            # The baseline right after, by the same people on the same stack.
            base = None if args.no_trivial else run_level(level, args.seconds, trivial=True)
            result["trivial_rps"] = base["rps"] if base else 0.0
            result["errors"].update(
                {f"trivial {k}": v for k, v in (base or {}).get("errors", {}).items()}
            )
            results.append(result)
            ratio = result["rps"] / result["trivial_rps"] if base else 0.0
            print(f"{result['users']:>5} {result['rps']:>7.1f} {result['p50']:>7.1f} "
                  f"{result['p95']:>7.1f} {result['p99']:>7.1f} "
                  f"{result['trivial_rps']:>13.1f} {ratio:>5.2f} "
                  f"{sum(result['errors'].values())} {result['errors'] or ''}")  # fmt: skip
        top = max(r["rps"] for r in results)
        # Saturation: the fewest people that get 90 % of the best throughput; past it, more
        # people only queue (latency grows, throughput does not).
        best = next(r for r in results if r["rps"] >= 0.9 * top)
        print(f"\nsaturation: {best['rps']:.1f} requests/s at {best['users']} people "
              f"(best {top:.1f}); p95 there {best['p95']:.0f} ms, errors "
              f"{sum(best['errors'].values())} (goal p95 < 150 ms, 0 errors)")  # fmt: skip
        if best["trivial_rps"]:
            print(f"realistic mix at {best['rps'] / best['trivial_rps']:.2f}x of the trivial "
                  f"gated page ({best['trivial_rps']:.1f} requests/s; goal >= 0.5x)")  # fmt: skip
        print("mix at saturation:", best["mix"])
        print("median ms by kind at 1 person:", results[0]["median_ms"])
        print("median ms by kind at saturation:", best["median_ms"])
    finally:
        codes = stack.stop()
        drop(LOAD_URL)
    print("stack stopped:", codes)


def _pick(candidates: list, i: int, count: int):
    """Level N: up to 4 heads (one per department), the rest salespeople, from the heads'
    departments first: a head approves only what their own department submits."""
    heads = [c for c in candidates if c[1]][: max(1, min(4, count // 4))]
    theirs = {user.department_id for user, _head in heads}
    sales = sorted(
        (c for c in candidates if not c[1]), key=lambda c: c[0].department_id not in theirs
    )
    return (heads + sales)[i]


def _files(world: dict, user, head: bool) -> list:
    """A salesperson works on their own files, a head on the department's."""
    return world["files"][("dept", user.department_id) if head else user.pk]


if __name__ == "__main__":
    main()
