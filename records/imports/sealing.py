"""What an import seals, and under which context: its upload, each chunk of checked rows and
each chunk's rejected rows. Named for key rotation here (records/crypto/sealed.py), so a KEK
retired after ``rotate_keys`` leaves no import in progress unreadable."""

from __future__ import annotations

from records.crypto import sealed
from records.imports.models import ImportBatch, ImportChunk


def context(batch: ImportBatch) -> str:
    return f"import:{batch.pk}"


def chunk_context(batch: ImportBatch, number: int) -> str:
    return f"import:{batch.pk}:{number}"


def rejects_context(batch: ImportBatch, number: int) -> str:
    return f"import:{batch.pk}:{number}:rejects"


def _chunk(chunk: ImportChunk) -> str:
    return chunk_context(chunk.batch, chunk.number)


def _rejects(chunk: ImportChunk) -> str:
    return rejects_context(chunk.batch, chunk.number)


sealed.column(ImportBatch, "sealed_upload", context)
sealed.column(ImportChunk, "sealed", _chunk, reads=("batch", "number"))
sealed.column(ImportChunk, "sealed_rejects", _rejects, reads=("batch", "number"))
