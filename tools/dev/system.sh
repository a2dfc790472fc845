# shellcheck shell=bash
# Sourced by dev.sh (not run on its own): Debian's chromium and wkhtmltopdf.
# Uses dev.sh's ROOT, STATE, LOGS, say, die and die_with_log.

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
