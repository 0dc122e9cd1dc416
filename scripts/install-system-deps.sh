#!/usr/bin/env bash
# Installs the server binaries the integration tests start (redis-server, PostgreSQL) and
# promtool (Debian's prometheus package: the alert rules' checks and unit tests) when missing. On Debian/Ubuntu as root it uses apt; elsewhere it says what to install and leaves
# the tests to skip with a reason (in CI, where CI=true, a missing server fails the tests).
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null 2>&1; then
  missing+=(postgresql)
fi
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
# Headless Chromium for the view's browser test (tests/integration/view/test_view_browser.py).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# wrk: the load generator of bench/view_throughput.py (make bench).
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v kubectl >/dev/null 2>&1 || echo "note: kubectl not found; manifest rendering tests will skip" >&2
command -v terraform >/dev/null 2>&1 || echo "note: terraform not found; terraform tests will skip" >&2

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian package starts services we do not use; tests run their own throwaway servers.
  (service redis-server stop || true) >/dev/null 2>&1
  (service postgresql stop || true) >/dev/null 2>&1
  (service prometheus stop || true) >/dev/null 2>&1
else
  echo "note: install ${missing[*]} to run the integration tests (they skip without them)" >&2
fi
