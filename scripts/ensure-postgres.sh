#!/usr/bin/env bash
# The store's tests and the replay and GraphQL benchmarks run PostgreSQL too:
# each starts a throwaway server from Debian's `postgresql` package
# (test/kit/postgres.ts). Installs the package when it is missing and this
# user may; otherwise says how, and fails.
set -euo pipefail
if [[ -n "${AMP_PG_BIN:-}" && -x "${AMP_PG_BIN}/initdb" ]]; then
  exit 0
fi
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  exit 0
fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
  echo "setup: installing Debian's postgresql for the store tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  exit 0
fi
echo "setup: the store tests need PostgreSQL's server binaries: run 'sudo apt-get install postgresql'" \
  "(or set AMP_PG_BIN to the folder that holds initdb and pg_ctl)" >&2
exit 1
