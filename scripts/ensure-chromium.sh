#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (no test tool can download a
# browser here). Installs it when missing and this user may; otherwise says
# how, and fails.
set -euo pipefail
chromium="${AMP_CHROMIUM:-/usr/bin/chromium}"
if [[ -x "$chromium" ]]; then
  exit 0
fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
  echo "setup: installing Debian's chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "setup: the browser tests need Chromium at $chromium: run 'sudo apt-get install chromium'" \
  "(or set AMP_CHROMIUM to a Chromium binary)" >&2
exit 1
