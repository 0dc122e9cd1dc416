-- One database role per use, so no long-running process holds the master credentials:
--   relnotes_operator: reads and writes the note tables (it records every generation);
--   relnotes_view:     reads them, nothing else (the public-facing process).
-- Created without LOGIN: `relnotes migrate` (run with the master credentials) gives a role LOGIN
-- and a password when it is handed that role's password file (RELNOTES_DATABASE_ROLE_PASSWORDS_DIR).
-- Role names are cluster-wide in Postgres, so they are created only if missing; the grants are
-- this database's.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'relnotes_operator') THEN
        CREATE ROLE relnotes_operator NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'relnotes_view') THEN
        CREATE ROLE relnotes_view NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO relnotes_operator, relnotes_view;

-- Tables that exist now, and (default privileges) those later migrations create, since they run
-- as the same migrating role. Nobody but migrate writes schema_migrations.
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO relnotes_operator;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO relnotes_view;
REVOKE INSERT, UPDATE ON schema_migrations FROM relnotes_operator;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE ON TABLES TO relnotes_operator;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO relnotes_view;
