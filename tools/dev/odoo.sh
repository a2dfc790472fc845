# shellcheck shell=bash
# Sourced by dev.sh (not run on its own): where Odoo 18.0 is (ODOO_PATH, an importable Odoo, .state/odoo, else fetched).
# Uses dev.sh's ROOT, STATE, LOGS, say, die and die_with_log.

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
