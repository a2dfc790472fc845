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

# The set-up steps: tools/dev/{odoo,python,system,pg}.sh.
for part in odoo python system pg; do
    # shellcheck source=/dev/null
    source "$ROOT/tools/dev/$part.sh"
done

# Run Odoo from .state, so that nothing in the checkout (tests/, data/...)
# shadows a module on sys.path; `python3 -m odoo` is what odoo-bin does.
odoo() {
    (cd "$STATE" && "$PYTHON" -m odoo "$@")
}

# Options every Odoo run shares.
odoo_common_args() {
    printf '%s\n' "--addons-path=$ROOT,$ODOO_ADDONS" "--data-dir=$DATA_DIR" "${DB_ARGS[@]}"
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
        run_odoo_once "$DEMO_DB" "$log" "updated $ADDONS" -u "$ADDONS" --load-language=zh_CN --i18n-overwrite
    else
        # English first (a new database created with --load-language would have
        # Chinese as its only language), then the Chinese translations beside it.
        # Invoicing, Sales and Loyalty first: the demo loads their books (closure_crm/demo/closure_books_demo.xml)
        install_addons "$DEMO_DB" "sale_management,loyalty" "$LOGS/demo-apps-install.log"
        install_addons "$DEMO_DB" "$ADDONS" "$log"
        # (with an update of closure_crm: its language hook, which offers the
        # language on the websites, runs only once the add-on is loaded)
        run_odoo_once "$DEMO_DB" "$LOGS/demo-language.log" "loaded Simplified Chinese" \
            --load-language=zh_CN -u closure_crm
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
    for d in closure_crm/tests closure_crm_care/tests closure_training/tests tests; do
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
