"""The audit log. Write events only through ``audit.record`` (see audit/api.py)."""

from __future__ import annotations

from typing import Any


def record(*args: Any, **kwargs: Any) -> Any:
    """Append an audit event; see :func:`audit.api.record`. Imported lazily (app registry)."""
    from audit.api import record as _record

    return _record(*args, **kwargs)


def record_many(*args: Any, **kwargs: Any) -> Any:
    """Append one event per target in one statement; see :func:`audit.api.record_many`."""
    from audit.api import record_many as _record_many

    return _record_many(*args, **kwargs)
