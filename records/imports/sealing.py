"""What an import seals, and under which context: its upload, each chunk of checked rows and
each chunk's rejected rows. Named for key rotation here (records/crypto/sealed.py), so a KEK
retired after ``rotate_keys`` leaves no import in progress unreadable."""

from __future__ import annotations

from records.crypto import sealed
from records.imports.models import ImportBatch, ImportChunk


def context(batch: ImportBatch) -> str:
    return f"import:{batch.pk}"


def chunk_context(batch: ImportBatch, number: int) -> str:
    return _of_chunk(batch.pk, number)


def rejects_context(batch: ImportBatch, number: int) -> str:
    return _of_chunk(batch.pk, number) + ":rejects"


def _of_chunk(batch_id: object, number: int) -> str:
    """From the batch's id alone: a chunk's rotation must not load its batch's upload."""
    return f"import:{batch_id}:{number}"


def _chunk(chunk: ImportChunk) -> str:
    return _of_chunk(chunk.batch_id, chunk.number)


def _rejects(chunk: ImportChunk) -> str:
    return _of_chunk(chunk.batch_id, chunk.number) + ":rejects"


# An upload is up to 20 MB and a chunk 500 rows: one upload, or ten chunks, per transaction.
sealed.column(ImportBatch, "sealed_upload", context, chunk=1)
sealed.column(ImportChunk, "sealed", _chunk, reads=("batch_id", "number"), chunk=10)
sealed.column(ImportChunk, "sealed_rejects", _rejects, reads=("batch_id", "number"), chunk=10)
