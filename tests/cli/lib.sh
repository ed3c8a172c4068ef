# tests/cli/lib.sh - a tiny assertion library for black-box CLI tests.
# Each test script sources it, calls the checks, and ends with `finish`.
set -u
: "${SHUAN:?SHUAN must point at the shuan binary}"
PASS=0
FAIL=0
WORK=$(mktemp -d)
export HOME="$WORK/home" XDG_DATA_HOME= SHUAN_STORE= XDG_CACHE_HOME= SHUAN_CACHE_DIR=
mkdir -p "$HOME"
trap 'rm -rf "$WORK"' EXIT

ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }
check() { # check "description" command...
  local what=$1; shift
  if "$@"; then ok; else bad "$what"; fi
}
expect_rc() { # expect_rc N "description" command...
  local want=$1 what=$2; shift 2
  "$@" >/dev/null 2>&1; local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else bad "$what (exit $rc, want $want)"; fi
}
jqt() { jq -e "$@" >/dev/null; }
contains() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
finish() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
}
# sarif_valid FILE... - the files validate against the SARIF 2.1.0 schema
# (tools/sarif/validate.js, installed by `make sarif-deps`).
sarif_valid() {
  : "${SARIF_VALIDATOR:?SARIF_VALIDATOR must point at tools/sarif/validate.js as installed by make sarif-deps}"
  node "$SARIF_VALIDATOR" "$@"
}
# as_nobody CMD... - runs CMD without root's right to read every file, so a
# permission test means the same under CI (root) and for a user.
as_nobody() {
  if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; else "$@"; fi
}
