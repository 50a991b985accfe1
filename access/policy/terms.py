"""The words of a client file that the rules read, by value: levels and statuses (mirrors of
records.classification.Tier and records.models.RecordStatus, which access/ does not import), and
the roles whose work is with customers."""

from __future__ import annotations

from access.roles import Role

# Levels (records.classification.Tier): 1 is the most secret.
TOP_SECRET = 1
SENSITIVE = 3
PUBLIC = 4
# Statuses (records.models.RecordStatus).
EDITABLE = frozenset({"draft", "returned"})
GONE = frozenset({"destroyed"})
CATALOGUED = frozenset({"approved", "archived"})
# Who may ask to borrow files at all: people whose work is with customers or with the company's
# obligations. Archivists hand files out, auditors and the security officer read the log.
BORROWERS = frozenset({Role.SALES, Role.DEPT_HEAD, Role.LEGAL, Role.MANAGEMENT})
