#!/usr/bin/env bash
# Database roles and databases of the citizen-service chat, run by the postgres image on the
# first start of an empty data directory (/docker-entrypoint-initdb.d) as the superuser:
#
# - login role `gateway` (password GATEWAY_DB_PASSWORD), owner of the database `gateway`;
# - login role `rasa` (password RASA_DB_PASSWORD), owner of the database `rasa`, where Rasa
#   creates its tracker store's `events` table on its first start;
# - neither is a superuser, may create databases or roles; the databases are closed to every
#   other role (REVOKE ... FROM PUBLIC);
# - `gateway` may connect to `rasa` and read and delete the rows of the tables role `rasa`
#   creates there (ALTER DEFAULT PRIVILEGES), for retention and "delete my chat"; nothing else.
#
# Safe to run again, e.g. on an installation from before these roles (see docs/operations.md):
# existing roles get their password and attributes set again, existing databases and the
# tables the superuser created in them are handed to the roles.
#
# Environment: POSTGRES_USER (and the libpq variables PGHOST, PGPORT, PGPASSWORD) for the
# superuser's connection, GATEWAY_DB_PASSWORD, RASA_DB_PASSWORD; CITYCHAT_GATEWAY_ROLE,
# CITYCHAT_GATEWAY_DB, CITYCHAT_RASA_ROLE, CITYCHAT_RASA_DB name other roles and databases
# (the tests use them). Passwords travel in the environment and psql's \getenv, never as
# arguments of a command.

# The postgres image sources scripts that are not executable: everything runs in a subshell,
# so that neither `set -u` nor the variables leak into its entrypoint.
citychat_postgres_init() (
    set -eu -o pipefail

    for name in GATEWAY_DB_PASSWORD RASA_DB_PASSWORD; do
        value="${!name:-}"
        if [ -z "$value" ]; then
            echo "postgres-init: $name is not set (.env)" >&2
            exit 1
        fi
        case "$value" in
            *change-me*)
                echo "postgres-init: $name still holds the placeholder from .env.example" >&2
                exit 1 ;;
            *[!A-Za-z0-9._~-]*)
                echo "postgres-init: $name may contain only letters, digits and . _ ~ - (it goes into URLs)" >&2
                exit 1 ;;
        esac
    done
    case "${POSTGRES_PASSWORD:-}" in
        *change-me*)
            echo "postgres-init: POSTGRES_PASSWORD still holds the placeholder from .env.example" >&2
            exit 1 ;;
    esac

    psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet \
        --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
        -v gateway_role="${CITYCHAT_GATEWAY_ROLE:-gateway}" \
        -v gateway_db="${CITYCHAT_GATEWAY_DB:-gateway}" \
        -v rasa_role="${CITYCHAT_RASA_ROLE:-rasa}" \
        -v rasa_db="${CITYCHAT_RASA_DB:-rasa}" <<'SQL'
\getenv gateway_password GATEWAY_DB_PASSWORD
\getenv rasa_password RASA_DB_PASSWORD

-- roles: created when missing; password and attributes (re)set either way
SELECT format('CREATE ROLE %I', :'gateway_role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'gateway_role') \gexec
SELECT format('CREATE ROLE %I', :'rasa_role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'rasa_role') \gexec
ALTER ROLE :"gateway_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'gateway_password';
ALTER ROLE :"rasa_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'rasa_password';

-- databases: created when missing, owned by their role, closed to everyone else
SELECT format('CREATE DATABASE %I OWNER %I', :'gateway_db', :'gateway_role')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'gateway_db') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'rasa_db', :'rasa_role')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'rasa_db') \gexec
ALTER DATABASE :"gateway_db" OWNER TO :"gateway_role";
ALTER DATABASE :"rasa_db" OWNER TO :"rasa_role";
REVOKE ALL ON DATABASE :"gateway_db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"rasa_db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"rasa_db" TO :"gateway_role";

-- in `gateway`: what the superuser created there before (an older installation) becomes the role's
\connect :"gateway_db"
SELECT format('ALTER %s %I.%I OWNER TO %I',
              CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                             WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
              n.nspname, c.relname, :'gateway_role')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
   AND pg_get_userbyid(c.relowner) = current_user
   AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d
                                         WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))) \gexec
SELECT format('ALTER TYPE %I.%I OWNER TO %I', n.nspname, t.typname, :'gateway_role')
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') AND pg_get_userbyid(t.typowner) = current_user \gexec

-- in `rasa`: the same, and the gateway may read and delete the rows of role rasa's tables
\connect :"rasa_db"
SELECT format('ALTER %s %I.%I OWNER TO %I',
              CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                             WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
              n.nspname, c.relname, :'rasa_role')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
   AND pg_get_userbyid(c.relowner) = current_user
   AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d
                                         WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))) \gexec
GRANT USAGE ON SCHEMA public TO :"gateway_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"rasa_role" IN SCHEMA public GRANT SELECT, DELETE ON TABLES TO :"gateway_role";
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO :"gateway_role";
SQL
)

citychat_postgres_init
