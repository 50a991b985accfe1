"""Issue 18 §6: Debian's pg_dump 15 cannot dump a managed PostgreSQL 16 or 17; the backup says so
before it starts, naming what to install, instead of failing halfway."""

from __future__ import annotations

import pytest

from records.ops.backups import check_pg_dump


def test_i18_6_a_pg_dump_older_than_the_server_is_refused_with_what_to_install():
    with pytest.raises(RuntimeError, match="pg_dump 15 cannot back up PostgreSQL 17") as refused:
        check_pg_dump("pg_dump (PostgreSQL) 15.19 (Debian 15.19-0+deb12u1)", 170002)
    assert "postgresql-client-17" in str(refused.value)


@pytest.mark.parametrize("server", [150019, 140010, 120000])
def test_i18_6_a_pg_dump_as_new_as_the_server_or_newer_is_used(server):
    check_pg_dump("pg_dump (PostgreSQL) 15.19 (Debian 15.19-0+deb12u1)", server)
