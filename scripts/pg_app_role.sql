-- Baomi on PostgreSQL: run the application as a role that does not own the audit tables.
--
-- Run as the owner role (the one that runs `manage.py migrate`), after every migrate:
--     psql "$DATABASE_OWNER_URL" -f scripts/pg_app_role.sql
-- Replace baomi_app with your application role's name (docs/OPERATIONS.md). The role itself is
-- created once by an administrator:  CREATE ROLE baomi_app LOGIN PASSWORD '...';
--
-- The application may read and write its business tables, but may only SELECT and INSERT on
-- the audit log and its seal blocks: no UPDATE, DELETE or TRUNCATE privilege, in addition to the
-- triggers. Only an owner or superuser could lift the triggers, and the hash chain and the
-- anchors kept outside the database still reveal it.

GRANT USAGE ON SCHEMA public TO baomi_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO baomi_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO baomi_app;

REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER
    ON audit_auditevent, audit_sealblock FROM baomi_app;
GRANT SELECT, INSERT ON audit_auditevent, audit_sealblock TO baomi_app;

-- Incidents, alerts and verification runs are evidence with a status: the application moves
-- their status (the triggers keep everything else frozen) but never deletes them.
REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER
    ON audit_incident, audit_alert, audit_verificationrun FROM baomi_app;

-- Tables created by later migrations get the same business-table rights (the audit tables
-- above are never re-created, so their restriction stays).
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO baomi_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO baomi_app;
