"""Who is asking, read in one query per request (issue 20 §4).

Every request needs the person, their roles, whether an exit pledge waits for them and whether
they signed the current confidentiality agreement; read one by one that was five round trips
before the page did any work. The session's user is loaded with all of it as annotations of
the one user query (``AtWorkModelBackend.get_user``), and the answers are put where the policy
and the gate look first. Nothing is kept between requests, so nothing can go stale: a role
taken away, an agreement published or a pledge prepared shows on the person's next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import DateTimeField, Exists, F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from access.roles import Role

if TYPE_CHECKING:
    from access.models import User

_ROLE = "snapshot_role_"
AGREEMENT_ATTR = "_baomi_agreement_state"


@dataclass(frozen=True)
class AgreementState:
    """The current agreement's version (None when none is published) and when this person
    signed it (None when they have not)."""

    version: int | None
    signed_at: datetime | None

    @property
    def signed(self) -> bool:
        return self.version is not None and self.signed_at is not None


def annotated(users: QuerySet[User]) -> QuerySet[User]:
    """``users`` with every answer the gate and the policy need on each request."""
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from access.models import Agreement, AgreementSignature, ExitPledge

    person = OuterRef("pk")
    # ``published`` compares with the database's clock, not a parameter: the query is
    # compiled once (``load``).
    current = Agreement.objects.published().order_by("-version").values("version")[:1]
    signed = AgreementSignature.objects.filter(user=person, agreement__version=Subquery(current))
    roles = {
        f"{_ROLE}{role.name.lower()}": Exists(Group.objects.filter(user=person, name=role.value))
        for role in Role
    }
    return users.annotate(
        **roles,
        # The person's first confirmed authenticator, which the session's verified device
        # must be for the middleware to skip loading it (SnapshotOTPMiddleware).
        snapshot_totp=Subquery(
            TOTPDevice.objects.filter(user=person, confirmed=True).order_by("pk").values("pk")[:1]
        ),
        snapshot_pledge=Exists(ExitPledge.objects.filter(person=person, signed_at__isnull=True)),
        snapshot_agreement=Subquery(current),
        snapshot_signed_at=Subquery(signed.values("signed_at")[:1]),
        # The department every audit event names, joined rather than asked for later.
        snapshot_department_code=F("department__code"),
        snapshot_department_name=F("department__name"),
        snapshot_department_head=F("department__head_id"),
    )


# The user query with every annotation, compiled once per database: building a query of ten
# subqueries through the ORM cost more than running it (~8 ms against ~1 ms a request).
_COMPILED: dict[tuple[str, str], tuple[str, tuple[Any, ...]]] = {}
_SENTINEL = -424242  # stands for the user id in the compiled parameters


def load(pk: Any) -> User | None:
    """The person with id ``pk`` and their snapshot, in one query, or None."""
    from access.models import User

    alias = router.db_for_read(User)
    key = (alias, connections[alias].vendor)
    if key not in _COMPILED:
        query = annotated(User._default_manager.filter(pk=_SENTINEL)).query
        sql, params = query.get_compiler(alias).as_sql()
        if list(params).count(_SENTINEL) != 1:  # the id must be the one parameter replaced
            raise ImproperlyConfigured("the person query's parameters hold the sentinel twice")
        _COMPILED[key] = (sql, tuple(params))
    sql, params = _COMPILED[key]
    found = list(
        User._default_manager.db_manager(alias).raw(
            sql, [pk if value == _SENTINEL else value for value in params]
        )
    )
    if not found:
        return None
    apply(found[0])
    return found[0]


def apply(user: Any) -> None:
    """Put the annotations where ``policy.roles_of``, the pledge capability and
    ``gate.stage_of`` look before they query."""
    from access.policy import capabilities, roles

    held = frozenset(role for role in Role if getattr(user, f"{_ROLE}{role.name.lower()}"))
    setattr(user, roles._ROLE_CACHE_ATTR, held)
    setattr(user, capabilities._PLEDGE_CACHE_ATTR, bool(user.snapshot_pledge))
    setattr(
        user,
        AGREEMENT_ATTR,
        AgreementState(user.snapshot_agreement, _moment(user.snapshot_signed_at)),
    )
    if user.department_id is not None and not type(user).department.is_cached(user):
        from access.models import Department

        department = Department(
            id=user.department_id,
            code=user.snapshot_department_code,
            name=user.snapshot_department_name,
            head_id=user.snapshot_department_head,
        )
        department._state.adding, department._state.db = False, user._state.db
        type(user).department.field.set_cached_value(user, department)


def _moment(value: Any) -> datetime | None:
    """A raw query's timestamp as the ORM would give it: SQLite returns it naive (in UTC, as
    Django stores it) or as text; PostgreSQL already aware."""
    if value is None:
        return None
    moment = DateTimeField().to_python(value)
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def confirmed_devices(user: Any) -> frozenset[str] | None:
    """The persistent ids (django-otp's ``app.model/pk``) of the person's confirmed
    authenticators read with them, or None for a user not loaded through ``annotated``."""
    if not hasattr(user, "snapshot_totp"):
        return None
    pk = user.snapshot_totp
    return frozenset() if pk is None else frozenset({f"otp_totp.totpdevice/{pk}"})


def forget(user: Any) -> None:
    """After signing the agreement or a pledge in this request: read them afresh."""
    from access.policy import capabilities

    for attr in (AGREEMENT_ATTR, capabilities._PLEDGE_CACHE_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)
