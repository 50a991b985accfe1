"""Uploads stay in memory until they are encrypted (issue 8 §1: nothing unencrypted touches the
disk). Django's default spills a file over 2.5 MB to a temporary file in clear; this handler
keeps every file in memory, up to the attachment limit. Past the limit it keeps counting but not
storing, so the form refuses the file by its real size without holding it."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class MemoryOnlyUploadHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        from records.attachments import upload_limit
        from records.imports.workbook import MAX_BYTES

        # The largest anything may be: each form refuses what is too large for it by its size.
        self.limit = max(upload_limit(), MAX_BYTES)
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received <= self.limit:
            self.buffer.write(raw_data)
        return None  # nothing for any later handler

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,  # the real size, for a clear "too large" message
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
