"""What a rule answers: allowed or not, and why in the person's own words."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | Promise = ""
    # The refusal came from a grant that has run out: recorded as "grant.expired_use" (R71).
    expired_grant: bool = False

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


class Denied(PermissionDenied):
    """A refusal with its reason; the 403 page shows the reason and records ``access.denied``."""

    def __init__(self, decision: Decision):
        super().__init__(str(decision.reason))
        self.reason = decision.reason
        self.expired_grant = decision.expired_grant
