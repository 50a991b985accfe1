#!/bin/sh
# The database roles of Baomi (issue 18 §2, docs/OPERATIONS.md "PostgreSQL roles").
#
# The postgres image runs this once, when it initialises an empty data directory
# (/docker-entrypoint-initdb.d), as the superuser POSTGRES_USER, which nothing else uses after.
# It can be run by hand against any PostgreSQL the same way (PGHOST, PGPORT, PGUSER for psql).
#
#   owner  (BAOMI_DB_OWNER, baomi_owner): owns the database and its schema; the migrate job only.
#   app    (BAOMI_DB_APP,   baomi_app):   web, worker and beat; rights granted after each
#          migrate by `manage.py grant_app_role` (scripts/pg_app_role.sql): no UPDATE, DELETE or
#          TRUNCATE on the audit log.
#   drill  (BAOMI_DB_DRILL, baomi_drill): CREATEDB and nothing else; the weekly restore drill
#          creates, fills and drops its own scratch database with it, never touching Baomi's.
set -eu

: "${BAOMI_DB_OWNER_PASSWORD:?set BAOMI_DB_OWNER_PASSWORD (the migrate job's password)}"
: "${BAOMI_DB_APP_PASSWORD:?set BAOMI_DB_APP_PASSWORD (web, worker and beat)}"
: "${BAOMI_DB_DRILL_PASSWORD:?set BAOMI_DB_DRILL_PASSWORD (the restore drill)}"

psql --no-psqlrc -v ON_ERROR_STOP=1 \
    --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-baomi}" \
    -v db="${POSTGRES_DB:-baomi}" \
    -v owner="${BAOMI_DB_OWNER:-baomi_owner}" -v owner_password="$BAOMI_DB_OWNER_PASSWORD" \
    -v app="${BAOMI_DB_APP:-baomi_app}" -v app_password="$BAOMI_DB_APP_PASSWORD" \
    -v drill="${BAOMI_DB_DRILL:-baomi_drill}" -v drill_password="$BAOMI_DB_DRILL_PASSWORD" \
    <<'SQL'
-- Re-runnable: a role that exists already keeps its rights and gets the password given here.
SELECT format('CREATE ROLE %I', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I', :'app') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
SELECT format('CREATE ROLE %I', :'drill') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'drill') \gexec
ALTER ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
ALTER ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
ALTER ROLE :"drill" LOGIN NOSUPERUSER CREATEDB NOCREATEROLE PASSWORD :'drill_password';
ALTER DATABASE :"db" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";
SQL
