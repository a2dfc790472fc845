#!/usr/bin/env bash
# dev.sh: the front door of the closure suite.
#
#   ./dev.sh demo            demo database with both add-ons (+ zh_CN), served on :8069
#   ./dev.sh test [ARGS]     fresh test database, Odoo's own crm tests with our add-ons
#                            installed, then pytest (ARGS go to pytest)
#   ./dev.sh test --no-odoo-crm   skip Odoo's crm tests (they run by default only
#                            when no ARGS are given; --odoo-crm forces them)
#
# Works on a clean checkout: finds Odoo, installs the Python requirements, and
# uses a PostgreSQL server (the one already running, or a private one it starts
# in .state/pg). See README.md for the environment variables.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="$ROOT/.state"
LOGS="$STATE/logs"
DATA_DIR="$STATE/odoo-data"          # Odoo filestore and sessions, per checkout
PYTHON="${PYTHON:-python3}"
ADDONS="closure_crm,closure_training"

DEMO_DB="${CLOSURE_DB:-closure_demo}"
TEST_DB="${CLOSURE_TEST_DB:-closure_test}"
HTTP_PORT="${CLOSURE_HTTP_PORT:-8069}"
PG_MODE="${CLOSURE_PG:-auto}"        # auto | private | system
PRIVATE_PG_PORT="${CLOSURE_PG_PORT:-5439}"

export TZ=UTC                        # what odoo-bin sets; Odoo stores datetimes in UTC
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

DB_ARGS=()       # --db_host/--db_port for Odoo when we use the private cluster
ODOO_ADDONS=""   # Odoo's own add-ons directories, comma separated

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Print the end of a log file to stderr, framed, then fail.
die_with_log() {
    local msg="$1" log="$2"
    {
        printf 'error: %s\n' "$msg"
        printf -- '--- last lines of %s ---\n' "$log"
        tail -n 60 "$log"
        printf -- '--- end of %s ---\n' "$log"
    } >&2
    exit 1
}

# ----------------------------------------------------------------- Odoo

odoo_importable() {
    # `import odoo.release` rather than `import odoo`: an add-on pip-installed
    # into site-packages/odoo/addons makes a bare `odoo` namespace importable.
    "$PYTHON" -c 'import odoo.release, sys; sys.exit(odoo.release.version_info[0] != 18)' 2>/dev/null
}

find_odoo() {
    if ! odoo_importable; then
        if [[ -n "${ODOO_PATH:-}" && -f "$ODOO_PATH/odoo/__init__.py" ]]; then
            export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
        fi
        if ! odoo_importable; then
            echo "error: Odoo 18.0 not found: make 'odoo' importable from python3 or set ODOO_PATH to an Odoo 18.0 source tree" >&2
            exit 2
        fi
    fi
    local pkg tree
    pkg="$(cd / && "$PYTHON" -c 'import os, odoo.release; print(os.path.dirname(odoo.release.__file__))')"
    tree="$(dirname "$pkg")"
    ODOO_ADDONS="$pkg/addons"
    # A git checkout of Odoo keeps crm & co in <tree>/addons, base in odoo/addons.
    if [[ -d "$tree/addons/crm" ]]; then
        ODOO_ADDONS="$tree/addons,$ODOO_ADDONS"
    fi
}

# Run Odoo. From .state so that nothing in the checkout (tests/, data/...)
# shadows a module on sys.path; `python3 -m odoo` is what odoo-bin does.
odoo() {
    (cd "$STATE" && "$PYTHON" -m odoo "$@")
}

# Options every Odoo run shares.
odoo_common_args() {
    printf '%s\n' "--addons-path=$ROOT,$ODOO_ADDONS" "--data-dir=$DATA_DIR" "${DB_ARGS[@]}"
}

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --------------------------------------------------------------- Python

python_deps() {
    if "$PYTHON" -c 'import numpy, openpyxl, pytest, pytest_odoo, scipy, websocket, xlsxwriter' 2>/dev/null; then
        return
    fi
    say "installing Python requirements (requirements.txt)..."
    "$PYTHON" -m pip install -q -r "$ROOT/requirements.txt"
}

# --------------------------------------------------------------- browser

# Odoo's UI tours (crm's, ours) run in headless Chromium; without a browser
# Odoo skips them, which would hide a broken screen. Install Debian's package
# when we may (root with apt-get, as in CI); otherwise say that tours skip.
browser_deps() {
    local bin
    for bin in google-chrome chromium chromium-browser google-chrome-stable; do
        command -v "$bin" >/dev/null && return
    done
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        say "installing Chromium for Odoo's UI tours (apt-get install chromium)..."
        local log="$LOGS/apt-chromium.log"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
            >"$log" 2>&1 || die_with_log "could not install chromium" "$log"
    else
        say "warning: no Chromium found: Odoo's UI tours will be skipped (install Debian's chromium)"
    fi
}

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

# -------------------------------------------------------------- helpers

setup() {
    mkdir -p "$LOGS" "$DATA_DIR"
    find_odoo
    python_deps
    setup_pg
}

check_db_name() {
    [[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] || die "invalid database name '$1'"
}

# Odoo exits 0 on some failures it only logs: treat ERROR/CRITICAL lines as failures too.
log_has_errors() {
    # Odoo only warns when a module's demo data fails and installs it without:
    # for us that is a failed install too.
    grep -Eq '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) |demo data failed to install' "$1"
}

# run_odoo_once DB LOG WHAT odoo-args...: one Odoo run that stops when done
# (install, update, language load); fails loudly with the end of its log.
run_odoo_once() {
    local db="$1" log="$2" what="$3"; shift 3
    local t0=$SECONDS rc=0 common
    : >"$log"
    mapfile -t common < <(odoo_common_args)
    odoo -d "$db" "$@" "${common[@]}" --stop-after-init --no-http \
        --logfile="$log" >>"$log" 2>&1 || rc=$?
    if (( rc != 0 )) || log_has_errors "$log"; then
        die_with_log "$what in database $db failed (exit $rc)" "$log"
    fi
    say "$what in database $db ($((SECONDS - t0))s, log: ${log#"$ROOT"/})"
}

# install_addons DB MODULES LOG [extra odoo args...]: install in a new database.
# (Never -i an installed module: Odoo would reload its data, demo included, in
# init mode, rewriting records that are only written once.)
install_addons() {
    local db="$1" modules="$2" log="$3"; shift 3
    run_odoo_once "$db" "$log" "installed $modules" -i "$modules" "$@"
}

# ----------------------------------------------------------------- demo

cmd_demo() {
    check_db_name "$DEMO_DB"
    setup
    local log="$LOGS/demo-install.log"
    if db_exists "$DEMO_DB"; then
        # Update only a database that holds our add-ons with their demo data;
        # anything else (an install that failed half-way, a database of yours)
        # is left alone, with the way out.
        local with_demo
        with_demo="$(psql -X -d "$DEMO_DB" -Atqc "select count(*) from ir_module_module
            where name in ('${ADDONS//,/\',\'}') and state = 'installed' and demo" 2>/dev/null || true)"
        if [[ "$with_demo" != "$(tr ',' '\n' <<<"$ADDONS" | wc -l)" ]]; then
            die "database $DEMO_DB exists but does not hold $ADDONS with their demo data; drop it (dropdb $DEMO_DB) or set CLOSURE_DB to another name"
        fi
        run_odoo_once "$DEMO_DB" "$log" "updated $ADDONS" -u "$ADDONS" --load-language=zh_CN
    else
        # English first (a new database created with --load-language would have
        # Chinese as its only language), then the Chinese translations beside it.
        install_addons "$DEMO_DB" "$ADDONS" "$log"
        run_odoo_once "$DEMO_DB" "$LOGS/demo-language.log" "loaded Simplified Chinese" --load-language=zh_CN
    fi
    local common
    mapfile -t common < <(odoo_common_args)
    say "Odoo is serving http://localhost:$HTTP_PORT  database: $DEMO_DB  login: admin / admin"
    say "(log: ${LOGS#"$ROOT"/}/demo.log; Ctrl-C to stop)"
    # exec: Ctrl-C or a kill of this script's pid reaches Odoo itself.
    cd "$STATE"
    exec "$PYTHON" -m odoo -d "$DEMO_DB" --db-filter="^$DEMO_DB\$" --http-port="$HTTP_PORT" \
        "${common[@]}" --logfile="$LOGS/demo.log" >>"$LOGS/demo.log" 2>&1
}

# ----------------------------------------------------------------- test

# Odoo's own crm tests in a fresh database where our add-on is installed too.
# Prints Odoo's result line; returns non-zero when crm tests fail.
run_odoo_crm_tests() {
    local db="${TEST_DB}_crm" log="$LOGS/odoo-crm-tests.log" rc=0 t0=$SECONDS result common
    check_db_name "$db"
    drop_db "$db"
    : >"$log"
    mapfile -t common < <(odoo_common_args)
    say "running Odoo's crm tests with $ADDONS installed (database $db)..."
    odoo -d "$db" -i "crm,$ADDONS" --test-enable --test-tags /crm --stop-after-init \
        --http-interface=127.0.0.1 --http-port="$(free_port)" "${common[@]}" \
        --logfile="$log" >>"$log" 2>&1 || rc=$?
    result="$(grep -E 'tests when loading database' "$log" | tail -n 1 | sed -E 's/^.*odoo\.tests\.result: //; s/[[:space:]]+$//')"
    if (( rc != 0 )) || [[ -z "$result" ]]; then
        {
            say "odoo crm tests FAILED (exit $rc): ${result:-no result line}"
            grep -E '^(FAIL|ERROR): | (ERROR|CRITICAL) ' "$log" | head -n 40 || true
            say "full log: $log"
        } >&2
        return 1
    fi
    say "odoo crm tests: $result ($((SECONDS - t0))s)"
}

# Test directories that exist and hold test files.
test_dirs() {
    local d
    for d in closure_crm/tests closure_training/tests tests; do
        [[ -d "$ROOT/$d" ]] || continue
        if [[ -n "$(find "$ROOT/$d" \( -name 'test_*.py' -o -name '*_test.py' \) -print -quit)" ]]; then
            echo "$d"
        fi
    done
}

cmd_test() {
    local crm=auto arg
    local -a pytest_args=()
    for arg in "$@"; do
        case "$arg" in
            --odoo-crm) crm=1 ;;
            --no-odoo-crm) crm=0 ;;
            *) pytest_args+=("$arg") ;;
        esac
    done
    # a full run guards Odoo's own crm tests; a focused run (ARGS) skips them
    if [[ "$crm" == auto ]]; then
        if (( ${#pytest_args[@]} )); then crm=0; else crm=1; fi
    fi
    check_db_name "$TEST_DB"
    setup

    if [[ "${CLOSURE_KEEP_DB:-}" == 1 ]] && db_exists "$TEST_DB"; then
        say "CLOSURE_KEEP_DB=1: reusing database $TEST_DB as it is"
    else
        drop_db "$TEST_DB"
        install_addons "$TEST_DB" "$ADDONS" "$LOGS/test-install.log"
    fi

    local crm_rc=0
    browser_deps
    if (( crm )); then
        run_odoo_crm_tests || crm_rc=$?
    fi

    # Default paths unless the caller named test files or directories.
    local -a paths=()
    local named=0
    for arg in "${pytest_args[@]+"${pytest_args[@]}"}"; do
        [[ "$arg" != -* && -e "${arg%%::*}" ]] && named=1
    done
    if (( ! named )); then
        mapfile -t paths < <(test_dirs)
    fi

    local -a odoo_opts=(
        --odoo-database="$TEST_DB"
        --odoo-addons-path="$ROOT,$ODOO_ADDONS"
        --odoo-http
        --odoo-extra "data-dir=$DATA_DIR"
    )
    if (( ${#DB_ARGS[@]} )); then
        odoo_opts+=(--odoo-extra "db_host=$PGHOST" --odoo-extra "db_port=$PGPORT")
    fi

    local rc=0
    "$PYTHON" -m pytest "${odoo_opts[@]}" "${paths[@]+"${paths[@]}"}" \
        "${pytest_args[@]+"${pytest_args[@]}"}" || rc=$?
    # Nothing may be printed after pytest's summary line.
    (( rc == 5 )) && exit 1          # no tests collected is a failure
    (( rc != 0 )) && exit "$rc"
    exit "$crm_rc"
}

# ----------------------------------------------------------------- main

usage() {
    sed -n '2,/^set /p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'
}

main() {
    cd "$ROOT"      # paths given to pytest are relative to the repo root
    local cmd="${1:-}"
    (( $# )) && shift
    case "$cmd" in
        demo) cmd_demo "$@" ;;
        test) cmd_test "$@" ;;
        -h|--help|help) usage ;;
        *) usage >&2; exit 2 ;;
    esac
}

main "$@"
