"""The destruction journal: which files were destroyed when, kept outside the database (next to
the audit anchors), so a restore from an older backup can destroy them again (R60: a destroyed
file never comes back). Written before the destroying transaction commits: if that transaction
fails, the batch is run again anyway, and a journal line for a file that survived only makes a
restore destroy what was already approved for destruction."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import storages

FOLDER = "destructions"


def note(record_ids: list, when: datetime, why: str) -> None:
    if not record_ids:
        return
    payload = {"at": when.isoformat(), "why": why, "ids": sorted(str(i) for i in record_ids)}
    name = f"{FOLDER}/{when:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.json"
    storages["anchors"].save(name, ContentFile(json.dumps(payload).encode("ascii")))


def destroyed_since(moment: datetime) -> set[str]:
    storage = storages["anchors"]
    try:
        _dirs, files = storage.listdir(FOLDER)
    except FileNotFoundError:
        return set()
    found: set[str] = set()
    for name in files:
        with storage.open(f"{FOLDER}/{name}") as handle:
            entry = json.loads(handle.read().decode("ascii"))
        if datetime.fromisoformat(entry["at"]) >= moment:
            found.update(entry["ids"])
    return found
