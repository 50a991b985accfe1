"""Baomi's three database roles on the test cluster, made by the very script compose's db service
runs on first start (deploy/postgres/10-baomi-roles.sh), with names of their own so that runs
never meet, and removed again afterwards (issue 18 §2)."""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection

from tests.integration.stack import ROOT

INIT_SCRIPT = ROOT / "deploy" / "postgres" / "10-baomi-roles.sh"


@dataclass
class Roles:
    owner: str
    app: str
    drill: str
    host: str
    port: str
    database: str

    def url(self, role: str, database: str = "") -> str:
        """A connection URL as .env writes it (the test cluster trusts loopback: no password)."""
        return f"postgres://{role}@{self.host}:{self.port}/{database or self.database}"


@contextmanager
def baomi_roles() -> Iterator[Roles]:
    db = connection.settings_dict
    suffix = secrets.token_hex(3)
    roles = Roles(
        owner=f"baomi_owner_{suffix}",
        app=f"baomi_app_{suffix}",
        drill=f"baomi_drill_{suffix}",
        host=db["HOST"] or "127.0.0.1",
        port=str(db["PORT"] or 5432),
        database=db["NAME"],
    )
    env = {
        **os.environ,
        "PGHOST": roles.host,
        "PGPORT": roles.port,
        "POSTGRES_USER": db["USER"] or "postgres",
        "POSTGRES_DB": roles.database,
        "BAOMI_DB_OWNER": roles.owner,
        "BAOMI_DB_APP": roles.app,
        "BAOMI_DB_DRILL": roles.drill,
        "BAOMI_DB_OWNER_PASSWORD": secrets.token_urlsafe(12),
        "BAOMI_DB_APP_PASSWORD": secrets.token_urlsafe(12),
        "BAOMI_DB_DRILL_PASSWORD": secrets.token_urlsafe(12),
    }
    for _run in range(2):  # twice: the script may be run again (an upgrade, a new password)
        done = subprocess.run(["sh", str(INIT_SCRIPT)], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    try:
        yield roles
    finally:
        connection.close()  # the app role's connections of the stack are gone by now
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{roles.database}" OWNER TO CURRENT_USER')
            cursor.execute("ALTER SCHEMA public OWNER TO pg_database_owner")
            cursor.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
            for role in (roles.app, roles.drill, roles.owner):
                cursor.execute(f"DROP OWNED BY {role}")
                cursor.execute(f"DROP ROLE {role}")
