"""R30/R13: after registering files with known values, none of them can be found at rest:
not in the database file or dump, not in stored files, not in log output, in any encoding."""

from __future__ import annotations

import base64
import logging
import os
import sqlite3
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

from records import intake, review
from tests.factories import PERSON, register
from tests.helpers import client_verified

SECRETS = [
    PERSON["id_number"],
    PERSON["mobile"],
    PERSON["bank_card"],
    PERSON["full_name"],
    PERSON["address_detail"],
    PERSON["negotiation_notes"],
    "身份证号与扫描件不一致",  # the head's review comment
]


def encodings(value: str) -> list[bytes]:
    raw = value.encode()
    forms = [raw, value.encode("utf-16-le"), raw.hex().encode(), raw.hex().upper().encode()]
    forms.append(urllib.parse.quote(value).encode())
    for shift in range(3):  # base64 of the value at every alignment inside a longer text
        encoded = base64.b64encode(b"x" * shift + raw)[4 if shift else 0 :]
        forms.append(encoded[: max(8, len(encoded) - 4)])
    if value.isdigit() or value.isascii():
        forms.append(value.lower().encode())
    return forms


def assert_absent(blob: bytes, where: str) -> None:
    for value in SECRETS:
        for form in encodings(value):
            assert form not in blob, f"{value[:2]}… found in {where} as {form[:12]!r}"


def _database_bytes(tmp_path: Path) -> bytes:
    if connection.vendor == "sqlite":
        target = tmp_path / "copy.sqlite3"
        with sqlite3.connect(target) as copy:
            connection.ensure_connection()
            connection.connection.backup(copy)
        return target.read_bytes()
    settings_dict = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""}
    dump = subprocess.run(
        [
            "pg_dump",
            "-h", settings_dict["HOST"] or "127.0.0.1",
            "-p", str(settings_dict["PORT"] or 5432),
            "-U", settings_dict["USER"],
            "--data-only",
            settings_dict["NAME"],
        ],
        capture_output=True,
        env=env,
        check=True,
        timeout=120,
    )  # fmt: skip
    return dump.stdout


@pytest.mark.django_db(transaction=True)
def test_r30_no_known_value_is_stored_or_logged_in_any_encoding(sales_org, tmp_path, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    record = register(sales_org.sales)
    intake.submit(sales_org.sales, record)
    review.return_for_correction(sales_org.head, record, "身份证号与扫描件不一致")
    # The web pages too: the form post, the masked page and a reveal.
    client = client_verified(sales_org.sales)
    response = client.post(
        f"/records/{record.pk}/reveal/",
        {"fields_to_reveal": ["id_number", "mobile"], "reason": "verification"},
    )
    assert PERSON["id_number"] in response.content.decode()  # shown to the user, only there
    search = client.post("/records/", {"q": PERSON["mobile"]})
    assert search.status_code == 200

    assert_absent(_database_bytes(tmp_path), f"the {connection.vendor} database")
    stored = list((tmp_path / "files").rglob("*"))
    assert any(path.is_file() for path in stored), "the attachments were stored"
    for path in stored:
        assert PERSON["full_name"] not in path.name
        if path.is_file():
            assert_absent(path.read_bytes(), f"stored file {path.name}")
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    out, err = capfd.readouterr()
    assert_absent((logged + out + err).encode(), "log output")
