# shellcheck shell=bash
# Sourced by dev.sh (not run on its own): a PostgreSQL server: the one that answers, or a private cluster in .state/pg.
# Uses dev.sh's ROOT, STATE, LOGS, say, die and die_with_log.

# ----------------------------------------------------------- PostgreSQL

pg_bindir() {
    local d
    if command -v pg_config >/dev/null && d="$(pg_config --bindir 2>/dev/null)" && [[ -x "$d/initdb" ]]; then
        echo "$d"; return
    fi
    for d in $(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V -r); do
        [[ -x "$d/initdb" ]] && { echo "$d"; return; }
    done
    d="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")"
    [[ -x "$d/initdb" ]] && { echo "$d"; return; }
    return 1
}

pg_reachable() {
    command -v psql >/dev/null && psql -X -d postgres -Atqc 'select 1' >/dev/null 2>&1
}

# Run a PostgreSQL server binary as the cluster owner: PostgreSQL refuses root.
as_pg_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# A private cluster in .state/pg, reachable only through a unix socket.
start_private_pg() {
    local bindir pgdir data sockdir log
    bindir="$(pg_bindir)" || die "PostgreSQL server binaries (initdb, pg_ctl) not found: install them (Debian: postgresql)"
    export PATH="$bindir:$PATH"
    pgdir="$STATE/pg"
    data="$pgdir/data"
    sockdir="$pgdir/run"
    # A unix socket path is limited to ~107 bytes: fall back to a short dir.
    if (( ${#sockdir} + 20 > 100 )); then
        sockdir="/tmp/closure-pg-$(printf '%s' "$ROOT" | md5sum | cut -c1-10)"
    fi
    log="$pgdir/postgres.log"
    mkdir -p "$data" "$sockdir"
    if [[ "$(id -u)" == 0 ]]; then
        id postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' system user to own the private cluster"
        chown postgres: "$pgdir" "$data" "$sockdir"
        chmod 700 "$data"
        runuser -u postgres -- test -w "$data" \
            || die "user postgres cannot write $data (a parent directory is not searchable by others?)"
    fi

    if [[ ! -f "$data/PG_VERSION" ]]; then
        say "creating a private PostgreSQL cluster in $data..."
        as_pg_owner "$bindir/initdb" -D "$data" -E UTF8 --locale=C -A trust >"$pgdir/initdb.log" 2>&1 \
            || die_with_log "initdb failed" "$pgdir/initdb.log"
        # Throwaway development data: trade durability for install speed.
        cat >>"$data/postgresql.conf" <<EOF

# closure suite: private development cluster (dev.sh)
listen_addresses = ''
port = $PRIVATE_PG_PORT
unix_socket_directories = '$sockdir'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    fi
    # Settings that depend on the checkout location are (re)asserted on each start.
    local opts="-c port=$PRIVATE_PG_PORT -c unix_socket_directories=$sockdir -c listen_addresses="
    if ! as_pg_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        say "starting the private PostgreSQL server (socket $sockdir, port $PRIVATE_PG_PORT)..."
        as_pg_owner "$bindir/pg_ctl" -D "$data" -l "$log" -o "$opts" -w -t 60 start >/dev/null \
            || die_with_log "the private PostgreSQL server did not start" "$log"
    fi
    export PGHOST="$sockdir" PGPORT="$PRIVATE_PG_PORT"
    unset PGUSER PGPASSWORD PGDATABASE
    if [[ "$(id -u)" == 0 ]]; then
        # The cluster owner is postgres; Odoo connects as the current user.
        local me; me="$(id -un)"
        [[ "$(psql -X -U postgres -d postgres -Atqc "select 1 from pg_roles where rolname = '$me'")" == 1 ]] \
            || psql -X -U postgres -d postgres -qc "CREATE ROLE \"$me\" SUPERUSER LOGIN" >/dev/null
    fi
    pg_reachable || die "cannot connect to the private PostgreSQL server on $sockdir (log: $log)"
    DB_ARGS=("--db_host=$sockdir" "--db_port=$PRIVATE_PG_PORT")
}

setup_pg() {
    case "$PG_MODE" in
        private) start_private_pg ;;
        system) pg_reachable || die "CLOSURE_PG=system but no PostgreSQL server answers (psql -d postgres)" ;;
        auto) pg_reachable || start_private_pg ;;
        *) die "CLOSURE_PG must be auto, private or system (got '$PG_MODE')" ;;
    esac
    # psql/dropdb: add the server's client binaries if psql is not on PATH.
    if ! command -v dropdb >/dev/null; then
        local bindir; bindir="$(pg_bindir)" && export PATH="$bindir:$PATH"
    fi
}

db_exists() {
    [[ "$(psql -X -d postgres -Atqc "select 1 from pg_database where datname = '$1'")" == 1 ]]
}

drop_db() {
    local db="$1"
    if db_exists "$db"; then
        dropdb --force "$db"
    fi
    rm -rf "$DATA_DIR/filestore/$db"
}
