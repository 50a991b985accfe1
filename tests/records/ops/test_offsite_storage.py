"""Off-site backups and anchors (R31, issue 7 §1): with ``BAOMI_BACKUP_S3_BUCKET`` and
``BAOMI_ANCHOR_S3_BUCKET`` the archives and audit anchors go to S3-compatible object storage.

No cloud is reachable here, so the S3 API is served on loopback by moto's server (a real HTTP
S3 endpoint in its own process); django-storages and boto3 talk to it exactly as to a bucket of
Aliyun OSS, Tencent COS, MinIO or AWS.
"""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import uuid
from datetime import timedelta

import boto3
import pytest
from django.core.management import call_command
from django.utils import timezone

from audit import anchors
from records.ops import backups, drill
from records.ops.models import Backup
from tests.factories import approved, build_world
from tests.integration.stack import free_port, wait_for
from tests.records.ops.test_restore import _target

pytestmark = pytest.mark.django_db(transaction=True)

CREDENTIALS = {"aws_access_key_id": "baomi-test", "aws_secret_access_key": "baomi-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    server = subprocess.Popen(  # an S3-compatible server on loopback
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        assert server.poll() is None, log.read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
        return True

    wait_for("the S3 server", answers, timeout=30)
    yield endpoint
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A new bucket, configured as an operator would (the BAOMI_*_S3_* variables, which the
    restore's verification process reads too), and the storages built from them by the settings'
    own function."""
    import environ

    from config.storage import folder_or_bucket

    name = f"baomi-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=name)
    for variable, value in {
        "BAOMI_BACKUP_S3_BUCKET": name,
        "BAOMI_ANCHOR_S3_BUCKET": name,
        "BAOMI_S3_ENDPOINT_URL": s3_endpoint,
        "BAOMI_S3_REGION": "us-east-1",
        "BAOMI_S3_ADDRESSING_STYLE": "path",
        "BAOMI_S3_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "BAOMI_S3_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
    }.items():
        monkeypatch.setenv(variable, value)
    storages = dict(settings.STORAGES)
    storages["backups"] = folder_or_bucket(environ.Env(), settings.VAR_DIR, "BACKUP", "backups")
    storages["anchors"] = folder_or_bucket(environ.Env(), settings.VAR_DIR, "ANCHOR", "anchors")
    assert storages["backups"]["BACKEND"] == "storages.backends.s3.S3Storage"
    settings.STORAGES = storages

    def keys(prefix: str) -> list[str]:
        listed = client.list_objects_v2(Bucket=name, Prefix=prefix).get("Contents", [])
        return sorted(item["Key"] for item in listed)

    return keys


def test_r31_backups_go_to_the_bucket_and_restore_and_drill_fetch_them_from_there(bucket, tmp_path):
    world = build_world()
    approved(world.sales, world.head, {"full_name": "异地客户", "mobile": "13900000009"})
    assert anchors.write_anchor() is not None
    made = backups.create()
    assert bucket("backups/") == [f"backups/{made.name}"]
    assert bucket("anchors/")[0].startswith("anchors/audit-anchors/")
    assert not list(tmp_path.glob("backups/*"))  # nothing went to the local folder
    assert backups.stored_archives() == [made.name]

    outcome = drill.run()
    assert outcome["ok"], outcome
    later = anchors.write_anchor()  # written after the backup, to the bucket

    url, _rows, drop = _target(tmp_path)
    out = io.StringIO()
    try:
        call_command(
            "restore", "--stored", "latest", "--to", url, "--files", str(tmp_path / "f"), stdout=out
        )
    finally:
        drop()
    text = out.getvalue()
    assert f"Fetching {made.name} from the backups storage" in text
    # The verification process read the anchors from the bucket: it knows the later one.
    assert f"1 anchor(s) were written after the backup (from sequence {later.seq}" in text
    assert "Audit chain verified up to the backup." in text
    assert not list(tmp_path.glob("baomi-fetch-*"))


def test_r31_generations_are_pruned_in_the_bucket(bucket, settings):
    build_world()
    old, new = backups.create(), backups.create()
    Backup.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    settings.BAOMI_BACKUP_KEEP_DAILY = 1
    settings.BAOMI_BACKUP_KEEP_WEEKLY = 0
    settings.BAOMI_BACKUP_KEEP_MONTHLY = 0
    assert backups.prune() == 1
    assert bucket("backups/") == [f"backups/{new.name}"]


def test_r31_restore_names_what_the_storage_holds_when_asked_for_a_missing_archive(bucket):
    from django.core.management import CommandError

    build_world()
    made = backups.create()
    out = io.StringIO()
    call_command("restore", "--list", stdout=out)
    assert out.getvalue().split() == [made.name]
    with pytest.raises(CommandError, match="No archive 'baomi-1999"):
        call_command(
            "restore", "--stored", "baomi-19990101-000000.bmbk", "--to", "x", "--files", "y"
        )
