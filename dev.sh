#!/usr/bin/env bash
# dev.sh: the front door of the closure suite.
#
#   ./dev.sh demo            demo database with both add-ons (+ zh_CN), served on :8069
#   ./dev.sh test [ARGS]     fresh test database, then pytest (ARGS go to pytest); a full
#                            run (no ARGS) also runs the OCA checks first and Odoo's own
#                            crm tests and tours with our add-ons (.ci/odoo-suite)
#   ./dev.sh test --no-odoo-crm   a full run without Odoo's tests; --odoo-crm forces them
#   ./dev.sh lint [ARGS]     the OCA checks of .pre-commit-config.yaml on every tracked
#                            file; ARGS go to `pre-commit run` (a hook id, --files a.py)
#
# Works on a clean checkout: installs Debian's chromium and wkhtmltopdf when
# missing (as root), finds Odoo 18.0 (ODOO_PATH, the one python3 can import,
# or fetched into .state/odoo), makes .state/venv with Odoo's pinned
# requirements and ours, and uses a PostgreSQL server (the one already
# running, or a private one it starts in .state/pg). See docs/development.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="$ROOT/.state"
LOGS="$STATE/logs"
DATA_DIR="$STATE/odoo-data"          # Odoo filestore and sessions, per checkout
PYTHON_WANTED="${PYTHON:-}"          # the interpreter to make the venv from (optional)
BASE_PYTHON=""                       # what the venv is made from (pick_python)
PYTHON=""                            # the venv's python, which runs Odoo and pytest
ADDONS="closure_crm,closure_training"

DEMO_DB="${CLOSURE_DB:-closure_demo}"
TEST_DB="${CLOSURE_TEST_DB:-closure_test}"
HTTP_PORT="${CLOSURE_HTTP_PORT:-8069}"
PG_MODE="${CLOSURE_PG:-auto}"        # auto | private | system
PRIVATE_PG_PORT="${CLOSURE_PG_PORT:-5439}"
PYTEST_BUDGET="${CLOSURE_PYTEST_BUDGET:-1500}"

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

# Odoo 18.0 Community, fetched when no tree is at hand: one commit of the 18.0
# branch, fetched shallow with git; its id checks the whole tree.
ODOO_GIT_URL="https://github.com/odoo/odoo.git"
ODOO_COMMIT="003924d439d8249688d81e5704ef0770de7749ae"   # branch 18.0
ODOO_TREE=""     # the Odoo source tree in use (holds odoo/__init__.py)

# is_odoo_18 TREE: does TREE hold Odoo 18.0's odoo package?
is_odoo_18() {
    [[ -f "$1/odoo/__init__.py" && -f "$1/odoo/release.py" ]] || return 1
    "$BASE_PYTHON" - "$1/odoo/release.py" <<'EOF' 2>/dev/null
import sys
ns = {}
exec(open(sys.argv[1], encoding='utf-8').read(), ns)
sys.exit(ns['version_info'][:2] != (18, 0))
EOF
}

# Where Odoo is, in this order: ODOO_PATH; the tree of an Odoo 18.0 the chosen
# Python can import (a machine set up by hand, CI); .state/odoo, fetched by an
# earlier run; else fetch it into .state/odoo.
find_odoo() {
    if [[ -n "${ODOO_PATH:-}" ]]; then
        is_odoo_18 "$ODOO_PATH" || die "ODOO_PATH=$ODOO_PATH does not hold Odoo 18.0 (odoo/__init__.py, odoo/release.py)"
        ODOO_TREE="$(cd "$ODOO_PATH" && pwd)"
        return
    fi
    local tree
    # find_spec locates the package without running odoo/__init__.py, which
    # needs Odoo's requirements (installed into the venv, not this Python).
    tree="$(cd / && "$BASE_PYTHON" -c 'import os, importlib.util as u; s = u.find_spec("odoo"); print(os.path.dirname(list(s.submodule_search_locations)[0]))' 2>/dev/null)" || tree=""
    if [[ -n "$tree" ]] && is_odoo_18 "$tree"; then
        ODOO_TREE="$tree"
    elif is_odoo_18 "$STATE/odoo"; then
        ODOO_TREE="$STATE/odoo"
    else
        fetch_odoo
        ODOO_TREE="$STATE/odoo"
    fi
}

fetch_odoo() {
    local tmp="$STATE/odoo.fetch" log="$LOGS/odoo-fetch.log" t0=$SECONDS
    local unreachable="error: no Odoo 18.0 found: set ODOO_PATH to an Odoo 18.0 source tree"
    rm -rf "$tmp" "$STATE/odoo"
    command -v git >/dev/null || { printf '%s (git is missing to fetch it)\n' "$unreachable" >&2; exit 2; }
    say "fetching Odoo 18.0 (commit $ODOO_COMMIT of $ODOO_GIT_URL, shallow)..."
    if ! {
        git init -q "$tmp" &&
        git -C "$tmp" fetch -q --depth 1 "$ODOO_GIT_URL" "$ODOO_COMMIT" &&
        git -C "$tmp" -c advice.detachedHead=false checkout -q FETCH_HEAD &&
        [[ "$(git -C "$tmp" rev-parse HEAD)" == "$ODOO_COMMIT" ]] && is_odoo_18 "$tmp"
    } >"$log" 2>&1; then
        rm -rf "$tmp"
        printf '%s (it cannot be fetched from %s here, log: %s)\n' "$unreachable" "$ODOO_GIT_URL" "${log#"$ROOT"/}" >&2
        exit 2
    fi
    mv "$tmp" "$STATE/odoo"
    say "Odoo 18.0 is in ${STATE#"$ROOT"/}/odoo ($((SECONDS - t0))s)"
}

# Odoo's add-ons directories of the tree in use: a source archive or an
# installed tree keeps them all in odoo/addons; a git checkout keeps crm & co
# in <tree>/addons, base in odoo/addons.
odoo_addons_of_tree() {
    ODOO_ADDONS="$ODOO_TREE/odoo/addons"
    if [[ -d "$ODOO_TREE/addons/crm" ]]; then
        ODOO_ADDONS="$ODOO_TREE/addons,$ODOO_ADDONS"
    fi
}

# Run Odoo from .state, so that nothing in the checkout (tests/, data/...)
# shadows a module on sys.path; `python3 -m odoo` is what odoo-bin does.
odoo() {
    (cd "$STATE" && "$PYTHON" -m odoo "$@")
}

# Options every Odoo run shares.
odoo_common_args() {
    printf '%s\n' "--addons-path=$ROOT,$ODOO_ADDONS" "--data-dir=$DATA_DIR" "${DB_ARGS[@]}"
}

# --------------------------------------------------------------- Python

# The interpreter the project's virtual environment is made from: PYTHON, or
# the first of python3, python3.12, python3.11, python3.10 that is 3.10-3.12.
pick_python() {
    local candidates=(python3 python3.12 python3.11 python3.10) c
    [[ -n "$PYTHON_WANTED" ]] && candidates=("$PYTHON_WANTED")
    for c in "${candidates[@]}"; do
        command -v "$c" >/dev/null || continue
        if "$c" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' 2>/dev/null; then
            BASE_PYTHON="$(command -v "$c")"
            return
        fi
    done
    die "Odoo 18.0 needs Python 3.10, 3.11 or 3.12: none found as ${candidates[*]} (set PYTHON)"
}

# The requirement files installed into the venv, in one pip run.
REQUIREMENT_FILES=(requirements/odoo-18.0.txt requirements.txt requirements/test.txt requirements/bench.txt)

# The project's virtual environment, .state/venv: made from BASE_PYTHON, sees
# the Odoo tree through a .pth file (Odoo's setup.py is not pip-installed: it
# would pull Odoo's requirements unpinned), holds the pinned requirements.
# A stamp (hash of the requirement files and of the Python) makes a second run
# install nothing.
setup_venv() {
    local venv="$STATE/venv" base_id stamp want log="$LOGS/pip-install.log" t0=$SECONDS site
    base_id="$("$BASE_PYTHON" -c 'import sys; print(sys.version.split()[0], sys.executable)')"
    if [[ -x "$venv/bin/python" && "$(cat "$venv/.closure-base" 2>/dev/null)" != "$base_id" ]]; then
        say "recreating ${venv#"$ROOT"/} for $BASE_PYTHON..."
        rm -rf "$venv"
    fi
    if [[ ! -x "$venv/bin/python" ]]; then
        say "creating the project's virtual environment ${venv#"$ROOT"/} ($BASE_PYTHON, Python ${base_id%% *})..."
        "$BASE_PYTHON" -m venv "$venv" >"$LOGS/venv.log" 2>&1 \
            || { rm -rf "$venv"; die_with_log "python -m venv failed (Debian: apt-get install python3-venv)" "$LOGS/venv.log"; }
        printf '%s\n' "$base_id" >"$venv/.closure-base"
    fi
    PYTHON="$venv/bin/python"
    site="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    if [[ "$(cat "$site/closure-odoo.pth" 2>/dev/null)" != "$ODOO_TREE" ]]; then
        printf '%s\n' "$ODOO_TREE" >"$site/closure-odoo.pth"
    fi
    stamp="$venv/.closure-requirements"
    want="$(cd "$ROOT" && { printf '%s\n' "$base_id"; cat "${REQUIREMENT_FILES[@]}"; } | sha256sum | cut -c1-64)"
    if [[ "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
        say "Python requirements: up to date in ${venv#"$ROOT"/} (Odoo: $ODOO_TREE)"
    else
        say "installing the Python requirements into ${venv#"$ROOT"/} (${REQUIREMENT_FILES[*]}; first run: a few minutes)..."
        local -a reqs=()
        local f
        for f in "${REQUIREMENT_FILES[@]}"; do reqs+=(-r "$ROOT/$f"); done
        "$PYTHON" -m pip install --no-input "${reqs[@]}" >"$log" 2>&1 \
            || die_with_log "pip install of the requirements failed" "$log"
        printf '%s\n' "$want" >"$stamp"
        say "installed the Python requirements ($((SECONDS - t0))s, log: ${log#"$ROOT"/})"
    fi
    "$PYTHON" -c 'import odoo.release as r, sys; sys.exit(r.version_info[:2] != (18, 0))' 2>/dev/null \
        || die "the virtual environment does not import Odoo 18.0 from $ODOO_TREE"
}

# ------------------------------------------------------ system packages

chromium_path() {
    local bin
    for bin in google-chrome chromium chromium-browser google-chrome-stable; do
        command -v "$bin" && return
    done
    return 1
}

# Debian's chromium (UI tours) and wkhtmltopdf (Odoo's PDF reports: the
# certificate, notice letters, the erasure certificate), installed with
# apt-get when missing and we are root; otherwise one line says what is
# missing (tours are then skipped, reports fall back to HTML).
system_packages() {
    local -a missing=()
    chromium_path >/dev/null || missing+=(chromium)
    command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
    (( ${#missing[@]} )) || return 0
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        local log="$LOGS/apt-install.log"
        say "installing ${missing[*]} (apt-get install)..."
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
            >"$log" 2>&1 || die_with_log "apt-get install ${missing[*]} failed" "$log"
    else
        say "missing: ${missing[*]} (Debian: apt-get install ${missing[*]}); without chromium the UI tours are skipped"
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
    system_packages
    pick_python
    find_odoo
    setup_venv
    odoo_addons_of_tree
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

# Test directories that exist and hold test files.
test_dirs() {
    local d
    for d in closure_crm/tests closure_training/tests tests; do
        [[ -n "$(find "$ROOT/$d" \( -name 'test_*.py' -o -name '*_test.py' \) -print -quit 2>/dev/null)" ]] && echo "$d"
    done
}

cmd_test() {
    local crm=auto arg named=0 rc=0 crm_rc=0
    local -a pytest_args=() paths=()
    for arg in "$@"; do
        case "$arg" in
            --odoo-crm) crm=1 ;;
            --no-odoo-crm) crm=0 ;;
            *) pytest_args+=("$arg") ;;
        esac
    done
    # a full run guards Odoo's own crm tests and runs the OCA checks first;
    # a focused run (ARGS) skips both
    if [[ "$crm" == auto ]]; then
        if (( ${#pytest_args[@]} )); then crm=0; else crm=1; fi
    fi
    check_db_name "$TEST_DB"
    if (( ! ${#pytest_args[@]} )) && [[ "${CLOSURE_SKIP_LINT:-}" != 1 ]]; then
        cmd_lint || die "the OCA checks failed (./dev.sh lint): fix the findings above"
    fi
    setup

    local have_browser=0
    if chromium_path >/dev/null; then
        have_browser=1
    else
        say "no Chromium found: the UI tours are SKIPPED (install Debian's chromium to run them)"
    fi
    # Odoo's own stage runs beside ours, in its own database and process group
    # (each is mostly one Python process: two cores serve both); its output is
    # printed once pytest is done.
    local suite_pid="" suite_out="$LOGS/odoo-suite.out"
    if (( crm )); then
        say "Odoo's own tests (.ci/odoo-suite) run beside ours; their result comes at the end"
        PYTHON="$PYTHON" ODOO_ADDONS="$ODOO_ADDONS" CLOSURE_ODOO_DB="${TEST_DB}_crm" \
            CLOSURE_HAVE_BROWSER="$have_browser" setsid "$ROOT/.ci/odoo-suite" >"$suite_out" 2>&1 &
        suite_pid=$!
        # shellcheck disable=SC2064
        trap "kill -TERM -- -$suite_pid 2>/dev/null" EXIT
    fi
    if [[ "${CLOSURE_KEEP_DB:-}" == 1 ]] && db_exists "$TEST_DB"; then
        say "CLOSURE_KEEP_DB=1: reusing database $TEST_DB as it is"
    else
        drop_db "$TEST_DB"
        install_addons "$TEST_DB" "$ADDONS" "$LOGS/test-install-$TEST_DB.log"
    fi

    # default paths unless the caller named test files or directories
    for arg in "${pytest_args[@]+"${pytest_args[@]}"}"; do
        [[ "$arg" != -* && -e "${arg%%::*}" ]] && named=1
    done
    (( named )) || mapfile -t paths < <(test_dirs)
    local -a odoo_opts=(
        --odoo-database="$TEST_DB"
        --odoo-addons-path="$ROOT,$ODOO_ADDONS"
        --odoo-http
        --odoo-extra "data-dir=$DATA_DIR"
    )
    if (( ${#DB_ARGS[@]} )); then
        odoo_opts+=(--odoo-extra "db_host=$PGHOST" --odoo-extra "db_port=$PGPORT")
    fi
    local out="$LOGS/pytest.out"
    "$ROOT/.ci/bounded-run" pytest "$PYTEST_BUDGET" "$ROOT" - \
        "$PYTHON" -m pytest "${odoo_opts[@]}" "${paths[@]+"${paths[@]}"}" \
        "${pytest_args[@]+"${pytest_args[@]}"}" 2>&1 | tee "$out" || rc=$?   # pipefail: pytest's status
    if [[ -n "$suite_pid" ]]; then
        wait "$suite_pid" || crm_rc=$?
        trap - EXIT
        cat "$suite_out"
        # pytest's summary line comes last: nothing may be printed after it
        tail -n 1 "$out"
    fi
    (( rc == 5 )) && exit 1          # no tests collected is a failure
    (( rc != 0 )) && exit "$rc"
    exit "$crm_rc"
}

# ----------------------------------------------------------------- lint

PRE_COMMIT_VERSION=4.7.0

# pre-commit in its own virtual environment (.state/lint-venv), its hook
# environments in .state/pre-commit (PRE_COMMIT_HOME): nothing outside the
# checkout. The hooks install their pinned packages from PyPI on first use.
cmd_lint() {
    local venv="$STATE/lint-venv" log="$LOGS/lint-install.log"
    mkdir -p "$LOGS"
    command -v git >/dev/null && git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1 \
        || die "./dev.sh lint needs a git checkout (pre-commit checks the tracked files)"
    if ! "$venv/bin/pre-commit" --version 2>/dev/null | grep -qx "pre-commit $PRE_COMMIT_VERSION"; then
        [[ -n "$BASE_PYTHON" ]] || pick_python
        say "installing pre-commit $PRE_COMMIT_VERSION into ${venv#"$ROOT"/}..."
        { "$BASE_PYTHON" -m venv "$venv" && "$venv/bin/python" -m pip install -q "pre-commit==$PRE_COMMIT_VERSION"; } \
            >"$log" 2>&1 || die_with_log "could not install pre-commit" "$log"
    fi
    # every tracked file unless the arguments name files (--files, --from-ref)
    local -a args=("$@")
    [[ " $* " =~ \ --(files|all-files|from-ref|to-ref)[\ =] ]] || args+=(--all-files)
    say "running the OCA checks (.pre-commit-config.yaml)..."
    PRE_COMMIT_HOME="$STATE/pre-commit" "$venv/bin/pre-commit" run --show-diff-on-failure --color=never "${args[@]}"
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
        lint) cmd_lint "$@" ;;
        -h|--help|help) usage ;;
        *) usage >&2; exit 2 ;;
    esac
}

main "$@"
