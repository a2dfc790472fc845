#!/usr/bin/env bash
# dev.sh: the front door of the closure suite.
#
#   ./dev.sh demo            demo database with both add-ons (+ zh_CN), served on :8069
#   ./dev.sh test [ARGS]     fresh test database, Odoo's own crm tests and the UI tours
#                            of the apps we extend with our add-ons installed, then
#                            pytest (ARGS go to pytest); each runner has a time budget
#   ./dev.sh test --no-odoo-crm   skip Odoo's tests (they run by default only
#                            when no ARGS are given; --odoo-crm forces them)
#   ./dev.sh lint [ARGS]     the OCA checks of .pre-commit-config.yaml (pylint-odoo,
#                            oca-checks-odoo-module, ruff) on every tracked file;
#                            ARGS go to `pre-commit run` (a hook id, --files a.py b.xml).
#                            A full `./dev.sh test` (no ARGS) runs it first.
#
# Works on a clean checkout: finds Odoo 18.0 (ODOO_PATH, the one python3
# imports, or fetched into .state/odoo), makes the project's virtual environment
# in .state/venv with Odoo's pinned requirements and ours (requirements/,
# requirements.txt), and uses a PostgreSQL server (the one already running, or a
# private one it starts in .state/pg). See README.md for the environment variables.
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
# branch, fetched shallow with git, whose id checks the whole tree. Or, with
# ODOO_ARCHIVE_URL, an Odoo 18.0 source archive (tar.gz/zip, https:// or
# file://) checked against ODOO_ARCHIVE_SHA256.
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
# Python already imports (a machine set up by hand, CI); .state/odoo, fetched
# by an earlier run; else fetch it into .state/odoo.
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

# One line saying what to set, for a machine where the fetch cannot work.
odoo_unreachable() {
    printf 'error: %s: set ODOO_PATH to an Odoo 18.0 source tree, or ODOO_ARCHIVE_URL and ODOO_ARCHIVE_SHA256 to an Odoo 18.0 source archive\n' "$1" >&2
    exit 2
}

fetch_odoo() {
    local tmp="$STATE/odoo.fetch" log="$LOGS/odoo-fetch.log" t0=$SECONDS
    rm -rf "$tmp" "$STATE/odoo"
    mkdir -p "$tmp"
    if [[ -n "${ODOO_ARCHIVE_URL:-}" ]]; then
        [[ -n "${ODOO_ARCHIVE_SHA256:-}" ]] \
            || odoo_unreachable "ODOO_ARCHIVE_URL is set without ODOO_ARCHIVE_SHA256"
        say "fetching Odoo 18.0 from $ODOO_ARCHIVE_URL..."
        "$BASE_PYTHON" - "$ODOO_ARCHIVE_URL" "$ODOO_ARCHIVE_SHA256" "$tmp" <<'EOF' >"$log" 2>&1 \
            || odoo_unreachable "no Odoo 18.0 from $ODOO_ARCHIVE_URL ($(tail -n 1 "$log"))"
import hashlib, os, shutil, sys, tarfile, urllib.request, zipfile
url, expected, tmp = sys.argv[1], sys.argv[2].strip().lower(), sys.argv[3]
archive = os.path.join(tmp, 'archive')
digest = hashlib.sha256()
with urllib.request.urlopen(url, timeout=60) as response, open(archive, 'wb') as out:
    for chunk in iter(lambda: response.read(1 << 20), b''):
        digest.update(chunk)
        out.write(chunk)
if digest.hexdigest() != expected:
    sys.exit(f'sha256 mismatch: got {digest.hexdigest()}, expected {expected}')
unpacked = os.path.join(tmp, 'unpacked')
if zipfile.is_zipfile(archive):
    with zipfile.ZipFile(archive) as z:
        z.extractall(unpacked)
else:
    with tarfile.open(archive) as t:
        if hasattr(tarfile, 'data_filter'):
            t.extractall(unpacked, filter='data')
        else:
            t.extractall(unpacked)
os.remove(archive)
# the tree is the archive's root or its single top folder (odoo-18.0.../)
for root in (unpacked, *(os.path.join(unpacked, d) for d in sorted(os.listdir(unpacked)))):
    if os.path.isfile(os.path.join(root, 'odoo', '__init__.py')):
        os.rename(root, os.path.join(tmp, 'tree'))
        break
else:
    sys.exit('no odoo/__init__.py at the top of the archive')
shutil.rmtree(unpacked, ignore_errors=True)
EOF
    else
        command -v git >/dev/null \
            || odoo_unreachable "no Odoo 18.0 found and git is missing to fetch it"
        say "fetching Odoo 18.0 (commit $ODOO_COMMIT of $ODOO_GIT_URL, shallow)..."
        {
            git init -q "$tmp/tree" &&
            git -C "$tmp/tree" fetch -q --depth 1 "$ODOO_GIT_URL" "$ODOO_COMMIT" &&
            git -C "$tmp/tree" -c advice.detachedHead=false checkout -q FETCH_HEAD &&
            [[ "$(git -C "$tmp/tree" rev-parse HEAD)" == "$ODOO_COMMIT" ]]
        } >"$log" 2>&1 || odoo_unreachable "cannot fetch Odoo 18.0 from $ODOO_GIT_URL (log: ${log#"$ROOT"/})"
    fi
    is_odoo_18 "$tmp/tree" || odoo_unreachable "what was fetched is not Odoo 18.0"
    mv "$tmp/tree" "$STATE/odoo"
    rm -rf "$tmp"
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

# --------------------------------------------------------------- browser

# UI tours (Odoo's and ours) run in headless Chromium; without one, Odoo skips
# them. dev.sh installs no system package: .ci/run installs Debian's chromium
# on a CI machine. Sets HAVE_BROWSER; says it in one line when tours skip.
HAVE_BROWSER=0
check_browser() {
    if chromium_path >/dev/null; then
        HAVE_BROWSER=1
    else
        say "no Chromium found: the UI tours are SKIPPED (install Debian's chromium to run them)"
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

# Odoo's own tests with our add-ons installed, in one fresh database: crm's
# whole suite, and the UI tours Odoo ships for the apps we extend (selected by
# class or method with --test-tags, so that the stage stays within budget).
# website_slides_survey ships no tour of its own (its UI is toured only by
# test_website_slides_full, which needs eCommerce): its small suite runs whole.
ODOO_TOUR_MODULES="website_crm_partner_assign,mass_mailing,website_slides,website_slides_survey,survey"
ODOO_TOUR_TAGS=(
    /website_crm_partner_assign:TestPublish
    /mass_mailing:TestMailingUi
    /mass_mailing:TestMailingControllers.test_mailing_unsubscribe_from_document_tour
    /mass_mailing:TestMailingControllers.test_mailing_unsubscribe_from_document_tour_mailing_user
    /mass_mailing:TestMailingControllers.test_mailing_unsubscribe_from_list_tour
    /mass_mailing:TestMailingControllers.test_mailing_unsubscribe_from_list_with_update_tour
    /mass_mailing:TestMailingControllers.test_mailing_unsubscribe_from_my
    /website_slides:TestUi
    /website_slides:TestUiPublisher
    /website_slides:TestUiMemberInvited
    /website_slides:TestPortalChatterLoadBundle
    /website_slides_survey
    /survey:TestUi
    /survey:TestUiCertification
    /survey:TestUiFeedback
)
# Not run: website_slides:TestUiPublisherYoutube is tagged 'external' (it
# needs YouTube), as Odoo's own runbot leaves it out.
#
# Left out: tours that fail on this 2-core machine WITHOUT our add-ons too
# (a database with the same Odoo modules and not ours, 2026-11-30): each waits
# for the website editor's iframe, which a loaded machine does not render
# within the tour's 20 s step timeout (GET /partners alone took 14-28 s there).
# The same failures, same steps, with and without our add-ons; details in
# issue 11's notes. CLOSURE_ODOO_TOURS_ALL=1 runs them anyway.
ODOO_TOUR_TAGS_LEFT_OUT=(
    # "Open grade filter" (iframe .dropdown ... "All Categories") times out
    -/website_crm_partner_assign:TestPublish
    # "Wait until the iframe is ready" times out
    -/website_slides:TestUi.test_full_screen_edition_website_restricted_editor
    -/website_slides:TestUiPublisher.test_course_publisher_elearning_manager
)

# Seconds each bounded stage may take before it is stopped (and fails).
ODOO_TESTS_BUDGET="${CLOSURE_ODOO_TESTS_BUDGET:-1500}"
PYTEST_BUDGET="${CLOSURE_PYTEST_BUDGET:-1200}"
SHUTDOWN_GRACE=60    # seconds Odoo may take to stop once it printed its result

chromium_path() {
    local bin
    for bin in google-chrome chromium chromium-browser google-chrome-stable; do
        command -v "$bin" && return
    done
    return 1
}

# The browsers a bounded run started: their --user-data-dir is a temporary
# folder Odoo's browser helper makes with tempfile, i.e. in the run's TMPDIR.
run_browser_pids() {
    pgrep -f -- "--user-data-dir=$1/" || true
}

# Stop what a bounded run left behind: its process group, then any browser
# whose profile lies in the run's TMPDIR. Prints how many browsers it stopped.
stop_run() {
    local pgid="$1" tmp="$2" pids n=0
    kill -TERM -- "-$pgid" 2>/dev/null || true
    pids="$(run_browser_pids "$tmp")"
    if [[ -n "$pids" ]]; then
        n="$(wc -w <<<"$pids")"
        # shellcheck disable=SC2086
        kill -TERM $pids 2>/dev/null || true
        sleep 3
        pids="$(run_browser_pids "$tmp")"
        # shellcheck disable=SC2086
        [[ -n "$pids" ]] && kill -KILL $pids 2>/dev/null
    fi
    sleep 1
    kill -KILL -- "-$pgid" 2>/dev/null || true
    echo "$n"
}

# bounded_run NAME BUDGET DIR LOG COMMAND...: run COMMAND from DIR in a
# process group of its own with TMPDIR set to a fresh folder, for at most
# BUDGET seconds. When LOG is given, COMMAND's output goes there, and when
# Odoo has printed its result line there but still runs SHUTDOWN_GRACE seconds
# later (a browser left open keeps Odoo's test runner waiting at shutdown),
# the run's browsers are stopped, then the run. Whatever happens, no process
# of the run outlives it. Returns COMMAND's exit code, 124 when the budget ran
# out. Ctrl-C stops the run, then dev.sh.
bounded_run() {
    local name="$1" budget="$2" dir="$3" log="$4"; shift 4
    local tmp pid rc=0 result_at=0 stalled=0 left interrupted=0
    mkdir -p "$STATE/tmp"
    tmp="$(mktemp -d "$STATE/tmp/run.XXXXXX")"
    # setsid: a group of its own, so that its browsers are told apart from
    # everyone else's; timeout signals that whole group when the budget ends.
    (
        cd "$dir"
        if [[ -n "$log" ]]; then exec >>"$log" 2>&1; fi
        TMPDIR="$tmp" exec setsid timeout --kill-after=30 "$budget" "$@"
    ) &
    pid=$!
    trap 'interrupted=1; kill -INT -- "-$pid" 2>/dev/null' INT
    trap 'interrupted=1; kill -TERM -- "-$pid" 2>/dev/null' TERM
    while kill -0 "$pid" 2>/dev/null; do
        if [[ -n "$log" ]] && (( ! stalled )); then
            if (( ! result_at )) && tail -c 20000 "$log" 2>/dev/null | grep -q 'when loading database'; then
                result_at=$SECONDS
            elif (( result_at && SECONDS - result_at > SHUTDOWN_GRACE )); then
                stalled=1
                say "$name: Odoo still runs ${SHUTDOWN_GRACE}s after its result: stopping the browsers it left open" >&2
                left="$(run_browser_pids "$tmp")"
                # shellcheck disable=SC2086
                [[ -n "$left" ]] && kill -TERM $left 2>/dev/null
                ( sleep 30; kill -TERM -- "-$pid" 2>/dev/null ) &
            fi
        fi
        sleep 2
    done
    wait "$pid" || rc=$?
    trap - INT TERM
    left="$(stop_run "$pid" "$tmp")"
    # Odoo's screenshots of failed tours land in TMPDIR/odoo_tests: keep them.
    rm -rf "$LOGS/$name-screenshots"
    if [[ -d "$tmp/odoo_tests" ]]; then
        mv "$tmp/odoo_tests" "$LOGS/$name-screenshots"
    fi
    rm -rf "$tmp"
    if (( interrupted )); then
        say "$name: interrupted" >&2
        exit 130
    fi
    if (( rc == 124 || rc == 137 )); then
        say "$name: STOPPED, over its budget of ${budget}s (CLOSURE_${name^^}_BUDGET)" >&2
        rc=124
    elif (( left > 0 )); then
        say "$name: $left browser(s) left open by the run were stopped" >&2
    fi
    return "$rc"
}

# Our tests that skip in the pytest database because an app they bridge to is
# not installed there; this database has it.
CLOSURE_TAGS_WITH_TOUR_APPS=(
    /closure_crm:TestComplaintsAndCare.test_news_list_kept_in_sync_with_mass_mailing
)

# Odoo's own tests (crm's suite, Odoo's UI tours) in a fresh database where
# our add-ons are installed too. Prints Odoo's result line; returns non-zero
# when a test fails or the run exceeds its budget.
run_odoo_crm_tests() {
    local db="${TEST_DB}_crm" log="$LOGS/odoo-crm-tests.log" rc=0 t0=$SECONDS result common
    local modules="crm,$ADDONS" tags="/crm" what="crm tests"
    check_db_name "$db"
    drop_db "$db"
    : >"$log"
    mapfile -t common < <(odoo_common_args)
    if (( HAVE_BROWSER )); then
        modules="crm,$ODOO_TOUR_MODULES,$ADDONS"
        tags="/crm,$(IFS=,; echo "${ODOO_TOUR_TAGS[*]}")"
        if [[ "${CLOSURE_ODOO_TOURS_ALL:-}" != 1 ]]; then
            tags+=",$(IFS=,; echo "${ODOO_TOUR_TAGS_LEFT_OUT[*]}")"
        fi
        # ours that need an app only this database has (mass_mailing's lists)
        tags+=",$(IFS=,; echo "${CLOSURE_TAGS_WITH_TOUR_APPS[*]}")"
        what="crm tests and UI tours"
    fi
    say "running Odoo's $what with $ADDONS installed (database $db, budget ${ODOO_TESTS_BUDGET}s)..."
    # From .state, as odoo() runs it: nothing in the checkout shadows a module.
    bounded_run odoo_tests "$ODOO_TESTS_BUDGET" "$STATE" "$log" \
        "$PYTHON" -m odoo -d "$db" -i "$modules" --test-enable --test-tags "$tags" --stop-after-init \
        --http-interface=127.0.0.1 --http-port="$(free_port)" "${common[@]}" \
        --logfile="$log" || rc=$?
    result="$(grep -E 'tests when loading database' "$log" | tail -n 1 | sed -E 's/^.*odoo\.tests\.result: //; s/[[:space:]]+$//')"
    if (( rc != 0 )) || [[ -z "$result" ]]; then
        {
            say "odoo $what FAILED (exit $rc): ${result:-no result line}"
            grep -E '^(FAIL|ERROR): | (ERROR|CRITICAL) ' "$log" | head -n 40 || true
            (( rc == 124 )) && grep -E ' Starting [A-Za-z0-9_]+\.test' "$log" | tail -n 1 | sed -E 's/^.*: /last test started: /'
            [[ -d "$LOGS/odoo_tests-screenshots" ]] && say "screenshots of failed tours: ${LOGS#"$ROOT"/}/odoo_tests-screenshots/"
            say "full log: $log"
        } >&2
        return 1
    fi
    say "odoo $what: $result ($((SECONDS - t0))s)"
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
    # a full run (CI's) checks the code first: a lint finding fails it early
    if (( ! ${#pytest_args[@]} )) && [[ "${CLOSURE_SKIP_LINT:-}" != 1 ]]; then
        cmd_lint || die "the OCA checks failed (./dev.sh lint): fix the findings above"
    fi
    setup

    if [[ "${CLOSURE_KEEP_DB:-}" == 1 ]] && db_exists "$TEST_DB"; then
        say "CLOSURE_KEEP_DB=1: reusing database $TEST_DB as it is"
    else
        drop_db "$TEST_DB"
        install_addons "$TEST_DB" "$ADDONS" "$LOGS/test-install.log"
    fi

    local crm_rc=0
    check_browser
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
    bounded_run pytest "$PYTEST_BUDGET" "$ROOT" "" \
        "$PYTHON" -m pytest "${odoo_opts[@]}" "${paths[@]+"${paths[@]}"}" \
        "${pytest_args[@]+"${pytest_args[@]}"}" || rc=$?
    # Nothing may be printed after pytest's summary line.
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
