# shellcheck shell=bash
# Sourced by dev.sh (not run on its own): the project's virtual environment with the pinned requirements.
# Uses dev.sh's ROOT, STATE, LOGS, say, die and die_with_log.

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
