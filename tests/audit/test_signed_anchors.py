"""Issue 17 §9 (R70): anchors are signed, numbered and linked, written every few minutes; a cut
tail, a deleted anchor, an emptied anchor store and a forged anchor all fail verification, and
an outside auditor verifies an export offline with scripts/verify_audit_export.py."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from audit.anchors import ANCHOR_DIR, read_anchors, write_anchor
from audit.verification import verify_chain
from tests.audit.test_chain import BLOCKS, as_table_owner, make_events
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db

VERIFIER = Path(__file__).resolve().parents[2] / "scripts" / "verify_audit_export.py"


def _store():
    return storages["anchors"]


def _delete_anchor(number: int) -> None:
    name = next(a.name for a in read_anchors() if a.number == number)
    _store().delete(f"{ANCHOR_DIR}/{name}")


def test_r70_anchors_are_signed_numbered_and_linked():
    make_events(3)
    first = write_anchor()
    make_events(2)
    second = write_anchor()
    assert (first.number, second.number) == (1, 2)
    assert second.prev == first.digest()
    assert first.signature
    assert verify_chain().ok


def test_r70_cutting_the_tail_after_the_newest_anchor_fails():
    make_events(4)
    write_anchor()
    make_events(3)
    write_anchor()
    with as_table_owner() as cursor:
        cursor.execute(f"DELETE FROM {BLOCKS} WHERE number = 2")
    problem = verify_chain().problem
    assert problem.kind == "truncated"


def test_r70_a_missing_anchor_in_the_series_fails():
    for _ in range(3):
        make_events(2)
        write_anchor()
    _delete_anchor(2)
    problem = verify_chain().problem
    assert problem.kind == "anchor_missing"
    assert "anchor number 2 is missing" in problem.message


def test_r70_an_emptied_anchor_store_fails_even_after_cutting_into_the_anchored_part():
    make_events(5)
    write_anchor()
    make_events(3)
    write_anchor()
    for anchor in read_anchors():
        _store().delete(f"{ANCHOR_DIR}/{anchor.name}")
    with as_table_owner() as cursor:
        cursor.execute(f"DELETE FROM {BLOCKS} WHERE number = 2")
    problem = verify_chain().problem
    assert problem.kind == "anchors_lost"
    assert "holds none" in problem.message


def test_r70_an_old_chain_with_no_anchor_at_all_fails(settings):
    make_events(2)
    with as_table_owner() as cursor:
        cursor.execute(f"UPDATE {BLOCKS} SET sealed_at = %s", [timezone.now() - timedelta(hours=1)])
        cursor.execute("DELETE FROM audit_chainstate")
    problem = verify_chain().problem
    assert problem.kind == "no_anchors"


def test_r70_an_anchor_not_signed_by_the_anchor_key_fails():
    make_events(2)
    anchor = write_anchor()
    forged = json.loads(_store().open(f"{ANCHOR_DIR}/{anchor.name}").read())
    forged["hash"] = "f" * 64
    _store().delete(f"{ANCHOR_DIR}/{anchor.name}")
    from django.core.files.base import ContentFile

    _store().save(f"{ANCHOR_DIR}/{anchor.name}", ContentFile(json.dumps(forged).encode()))
    problem = verify_chain().problem
    assert problem.kind == "anchor_signature"


def _export(client) -> bytes:
    response = client.get(reverse("audit:chain_export"))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _verify(tmp_path: Path, data: bytes, *extra: str) -> subprocess.CompletedProcess:
    path = tmp_path / "export.zip"
    path.write_bytes(data)
    return subprocess.run(
        [sys.executable, str(VERIFIER), str(path), *extra],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _rewritten(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = change(item.filename, source.read(item.filename))
            if content is not None:
                target.writestr(item.filename, content)
    return out.getvalue()


def test_r70_an_outside_auditor_verifies_the_export_offline_and_catches_tampering(
    auditor, tmp_path
):
    import audit

    for i in range(12):
        audit.record(auditor, "access.denied", url_name="页面", reason=f"第{i}次 “测试”\n")
    make_events(5)
    write_anchor()
    make_events(4)
    write_anchor()
    data = _export(client_verified(auditor))
    public_key = zipfile.ZipFile(io.BytesIO(data)).read("public_key.txt").decode().strip()

    good = _verify(tmp_path, data, "--public-key", public_key)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "intact" in good.stdout

    def change_event(name: str, content: bytes) -> bytes:
        if name != "events.jsonl":
            return content
        lines = content.splitlines()
        lines[3] = lines[3].replace(b"access.denied", b"auth.sign_in")
        return b"\n".join(lines) + b"\n"

    last_block = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("blocks.jsonl").splitlines()[-1])

    def cut_tail(name: str, content: bytes) -> bytes:
        """What a database owner does: the last block and its events go, consistently."""
        if name == "events.jsonl":
            return b"\n".join(content.splitlines()[: -last_block["count"]]) + b"\n"
        if name == "blocks.jsonl":
            return b"\n".join(content.splitlines()[:-1]) + b"\n"
        return content

    def drop_first_anchor(name: str, content: bytes) -> bytes | None:
        return None if name.startswith("anchors/") and "0000000001" in name else content

    for change, expected in (
        (change_event, "do not hash to its head"),
        (cut_tail, "events at the end of the log were removed"),
        (drop_first_anchor, "anchor number 1 is missing"),
    ):
        result = _verify(tmp_path, _rewritten(data, change), "--public-key", public_key)
        assert result.returncode == 1, (change.__name__, result.stdout)
        assert expected in result.stdout, (change.__name__, result.stdout)

    other_key = "A" * 43 + "="
    wrong = _verify(tmp_path, data, "--public-key", other_key)
    assert wrong.returncode == 1
    assert "not signed by the anchor key" in wrong.stdout
