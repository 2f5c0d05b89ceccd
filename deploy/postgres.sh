#!/usr/bin/env bash
# One-Shot Lab: a local PostgreSQL for several servers, for the tests and for CI (Debian/Ubuntu).
#
#   deploy/postgres.sh [DBNAME]     (default DBNAME: oneshot)
#
# Idempotent: installs Debian's postgresql with apt-get when it is missing, starts the installed cluster when it
# is not running (pg_ctlcluster, as root or through sudo), creates the login role `oneshot` (LOGIN CREATEDB: the
# tests create and drop a fresh database per test) and the database DBNAME owned by it when they are missing,
# and prints the connection URL on stdout, the only thing it prints there:
#
#   postgresql://oneshot:PASSWORD@127.0.0.1:PORT/DBNAME
#
# The password is $ONESHOT_POSTGRES_PASSWORD when set, else the one kept in
# ${XDG_CONFIG_HOME:-~/.config}/oneshot-lab/postgres-password (made once, mode 600); the role's password is set
# to it on every run, so every checkout of the lab on this machine prints the same URL. Logins are over TCP on
# 127.0.0.1, which Debian's pg_hba.conf allows with a password (scram-sha-256); admin commands run as the
# `postgres` system user over the local socket (peer authentication). Messages go to stderr; the exit status
# is not 0 when PostgreSQL could not be made ready, with the reason on stderr.
set -euo pipefail

DBNAME=${1:-oneshot}
ROLE=oneshot

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
as_postgres() {  # a command as the postgres system user (peer authentication on the local socket)
    if [ "$(id -un)" = postgres ]; then "$@"
    elif [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"
    else sudo -n -u postgres "$@"; fi
}

[[ $DBNAME =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "database name '$DBNAME': use lower-case letters, digits and _ (at most 63)"

# -- installed? ---------------------------------------------------------------------------------------------
if ! command -v pg_lsclusters >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and there is no apt-get: install PostgreSQL, or set ONESHOT_TEST_POSTGRES_URL / ONESHOT_DATABASE_URL to a server you have."
    say "installing Debian's postgresql with apt-get..."
    as_root apt-get update -qq >&2 || die "apt-get update failed (no package mirror, or no root/sudo)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
        || die "apt-get install postgresql failed (no package mirror, or no root/sudo)"
fi

# -- the cluster: the newest installed version's first cluster, created if there is none ----------------------
cluster=$(pg_lsclusters --no-header 2>/dev/null | sort -k1,1V | tail -n 1 || true)
if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$version" ] || die "no PostgreSQL server in /usr/lib/postgresql"
    say "creating PostgreSQL $version cluster 'main'..."
    as_root pg_createcluster "$version" main >&2 || die "pg_createcluster $version main failed"
    cluster=$(pg_lsclusters --no-header | sort -k1,1V | tail -n 1)
fi
read -r version name port status _ <<<"$cluster"
if [ "$status" != online ]; then
    say "starting PostgreSQL $version/$name on port $port..."
    as_root pg_ctlcluster "$version" "$name" start >&2 \
        || die "could not start PostgreSQL $version/$name (pg_ctlcluster needs root or sudo; see /var/log/postgresql/postgresql-$version-$name.log)"
fi
for _ in $(seq 50); do  # pg_ctlcluster returns when the server accepts connections; allow a slow start anyway
    as_postgres psql -p "$port" -Atqc 'select 1' >/dev/null 2>&1 && break
    sleep 0.2
done
as_postgres psql -p "$port" -Atqc 'select 1' >/dev/null || die "PostgreSQL $version/$name does not answer on port $port"

# -- the password, the role and the database ----------------------------------------------------------------
password=${ONESHOT_POSTGRES_PASSWORD:-}
if [ -z "$password" ]; then
    secret_file=${XDG_CONFIG_HOME:-$HOME/.config}/oneshot-lab/postgres-password
    if [ ! -s "$secret_file" ]; then
        mkdir -p "$(dirname "$secret_file")"
        (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' '-_' > "$secret_file")
    fi
    password=$(cat "$secret_file")
fi
[[ $password =~ ^[A-Za-z0-9_.~-]+$ ]] || die "the password may hold only letters, digits and _.~- (it goes into a URL unquoted)"

psql_admin() { as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -Atq "$@"; }
if [ "$(psql_admin -c "select 1 from pg_roles where rolname = '$ROLE'")" != 1 ]; then
    say "creating the role $ROLE..."
    psql_admin -c "create role $ROLE login createdb" >&2
fi
# Every run: the password as above, and CREATEDB (a role made by hand may lack it). The password travels to
# psql on stdin, not on its command line.
psql_admin <<<"alter role $ROLE with login createdb password '$password'" >&2
if [ "$(psql_admin -c "select 1 from pg_database where datname = '$DBNAME'")" != 1 ]; then
    say "creating the database $DBNAME..."
    psql_admin -c "create database $DBNAME owner $ROLE" >&2
fi

echo "postgresql://$ROLE:$password@127.0.0.1:$port/$DBNAME"
