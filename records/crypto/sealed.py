"""Where values sealed with ``seal_blob`` are kept, so a key rotation re-wraps them too.

A sealed value's data key is wrapped under the KEK of the day it was sealed: a webhook secret, a
group robot's key, an exit pledge's scan, a partner's NDA, mail waiting in the outbox, an
import in progress. Rotating the KEKs re-wrapped only the files' data keys, and the command
then said the old KEK could go while these still needed it: retiring it would have left them
unreadable. Each owner names its sealed columns (and stored files) here, with the context it
seals them under (records/apps.py wires the wings); records/ops/rotation.py walks them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SealedColumn:
    model: Any
    field: str
    context: Callable[[Any], str]
    reads: tuple[str, ...] = ()  # the fields ``context`` needs besides the primary key
    chunk: int = 50  # rows per transaction; 1 for values of megabytes (scans, uploads)


@dataclass(frozen=True)
class SealedFile:
    """Sealed bytes kept in file storage; ``flag`` is the row's "is sealed" column."""

    model: Any
    field: str
    context: Callable[[Any], str]
    flag: str


COLUMNS: list[SealedColumn] = []
FILES: list[SealedFile] = []


def column(
    model: Any,
    field: str,
    context: Callable[[Any], str],
    reads: tuple[str, ...] = (),
    chunk: int = 50,
) -> None:
    COLUMNS.append(SealedColumn(model, field, context, reads, chunk))


def stored_file(model: Any, field: str, context: Callable[[Any], str], flag: str) -> None:
    FILES.append(SealedFile(model, field, context, flag))
