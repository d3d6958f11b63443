#!/bin/sh
# Writes the CM's version.properties (read by --version): the project's version, the commit built and
# whether the working tree had uncommitted changes. Outside a git checkout (a source tarball) or without
# git, the commit is "unknown" and the build goes on.
#
#   version-properties.sh OUTPUT_FILE PROJECT_VERSION SOURCE_ROOT
set -u
out="$1"
version="$2"
root="$3"

commit="$(git -C "$root" rev-parse --short=7 HEAD 2>/dev/null)" || commit=""
dirty=false
if [ -z "$commit" ]; then
    commit=unknown
elif [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    dirty=true
fi

mkdir -p "$(dirname "$out")" || exit 1
printf '# written by java/cm/src/scripts/version-properties.sh at build time\nversion=%s\ncommit=%s\ndirty=%s\n' \
    "$version" "$commit" "$dirty" >"$out"
