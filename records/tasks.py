"""Celery looks for tasks in each app's ``tasks`` module: the records wings keep their own, and
this module brings them in."""

from __future__ import annotations

from records.imports.tasks import approve_import, check_register, expire_imports, import_register
from records.ops.tasks import nightly_backup, restore_drill
from records.rights.tasks import subject_requests_overdue

__all__ = [
    "approve_import",
    "check_register",
    "expire_imports",
    "import_register",
    "nightly_backup",
    "restore_drill",
    "subject_requests_overdue",
]
