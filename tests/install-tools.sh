#!/usr/bin/env bash
# Installs what the end-to-end tests drive besides the project itself, when it is missing, from the
# distribution's packages: Chromium (the status page is checked in a real browser, headless),
# promtool (the /metrics text is checked by Prometheus' own parser and linter) and HAProxy (the cluster
# tests put three instances behind it). Idempotent, and silent when all are there.
#
#   tests/install-tools.sh
#
# No service is started while apt-get runs (the prometheus and haproxy packages would start servers): a
# policy-rc.d that denies every start is in place for the duration, and the one there before, if any, is
# put back.
set -euo pipefail

say() { echo "install-tools: $*" >&2; }
die() { say "$*"; exit 1; }

have_chromium() { command -v chromium >/dev/null 2>&1; }
have_promtool() { command -v promtool >/dev/null 2>&1; }
have_haproxy() { command -v haproxy >/dev/null 2>&1 || [[ -x /usr/sbin/haproxy ]]; }

if have_chromium && have_promtool && have_haproxy; then
    exit 0
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "chromium, promtool or haproxy is missing and installing them needs root (or sudo)"
    SUDO=(sudo -n)
fi
command -v apt-get >/dev/null 2>&1 || die "chromium, promtool or haproxy is missing and there is no apt-get: install them by hand"

packages=()
have_chromium || packages+=(chromium)
have_promtool || packages+=(prometheus)
have_haproxy || packages+=(haproxy)
say "installing ${packages[*]} (once; the end-to-end tests need them)"

POLICY=/usr/sbin/policy-rc.d
SAVED=""
if [[ -e "$POLICY" ]]; then
    SAVED="$(mktemp)"
    "${SUDO[@]}" cp -p "$POLICY" "$SAVED"
fi
restore_policy() {
    if [[ -n "$SAVED" ]]; then
        "${SUDO[@]}" cp -p "$SAVED" "$POLICY"
        rm -f "$SAVED"
    else
        "${SUDO[@]}" rm -f "$POLICY"
    fi
}
trap restore_policy EXIT
printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
"${SUDO[@]}" chmod 755 "$POLICY"

"${SUDO[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

have_chromium || die "apt-get ran but chromium is still missing"
have_promtool || die "apt-get ran but promtool is still missing"
have_haproxy || die "apt-get ran but haproxy is still missing"
