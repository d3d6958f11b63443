#!/usr/bin/env bash
# Installs the load generator (wrk) and the reverse proxy (nginx) of the HTTP benchmark when they are
# missing, from the distribution's packages. Idempotent and silent when both are there.
#
#   bench/http/install-tools.sh
#
# It never starts the distribution's nginx service: while apt-get runs, a policy-rc.d that denies every
# service start is in place (the one already there, if any, is put back afterwards). run.sh starts its own
# nginx in the foreground with its own configuration and stops it by PID.
set -euo pipefail

say() { echo "install-tools: $*" >&2; }
die() { say "$*"; exit 1; }

have_wrk() { command -v wrk >/dev/null 2>&1; }
have_nginx() { command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]]; }
have_curl() { command -v curl >/dev/null 2>&1; }

if have_wrk && have_nginx && have_curl; then
    exit 0
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "wrk or nginx is missing and installing needs root (or sudo)"
    SUDO=(sudo -n)
fi
command -v apt-get >/dev/null 2>&1 || die "wrk or nginx is missing and there is no apt-get: install wrk and nginx by hand"

"${SUDO[@]}" apt-get update -qq
packages=()
have_wrk || packages+=(wrk)
have_curl || packages+=(curl)
if ! have_nginx; then
    # nginx is a real package on every Debian release; on Debian 12 nginx-light is only a transitional
    # package pulling in nginx and an echo module. The benchmark needs the core (proxy, upstream keepalive).
    candidate="$(apt-cache policy nginx 2>/dev/null | sed -n 's/^ *Candidate: *//p')"
    if [[ -n "$candidate" && "$candidate" != "(none)" ]]; then
        packages+=(nginx)
    else
        packages+=(nginx-light)
    fi
fi

POLICY=/usr/sbin/policy-rc.d
POLICY_SAVED=""
restore_policy() {
    if [[ -n "$POLICY_SAVED" ]]; then
        "${SUDO[@]}" mv -f "$POLICY_SAVED" "$POLICY"
    else
        "${SUDO[@]}" rm -f "$POLICY"
    fi
}
if [[ -e "$POLICY" ]]; then
    POLICY_SAVED="$(mktemp "${TMPDIR:-/tmp}/policy-rc.d.XXXXXX")"
    "${SUDO[@]}" cp -p "$POLICY" "$POLICY_SAVED"
fi
trap restore_policy EXIT
printf '#!/bin/sh\n# bench/http/install-tools.sh: no service starts while it installs\nexit 101\n' \
    | "${SUDO[@]}" tee "$POLICY" >/dev/null
"${SUDO[@]}" chmod 0755 "$POLICY"

say "installing ${packages[*]}"
log="$(mktemp "${TMPDIR:-/tmp}/install-tools.XXXXXX")"
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${packages[@]}" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    die "apt-get install ${packages[*]} failed"
fi
rm -f "$log"

have_wrk || die "wrk is still missing after apt-get install"
have_nginx || die "nginx is still missing after apt-get install"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
say "installed: $( (wrk -v 2>&1 || true) | sed -n '1s/ *\[.*//p'), $("$nginx_bin" -v 2>&1)"
