#!/usr/bin/env bash
# Every check and every test suite, in the order a failure is cheapest to see.
# Each step prints its own summary; the first failing step stops the run, and
# a run that gets through prints one total line at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0

step() { printf '\n=== %s\n' "$*"; }

# Runs a test suite, keeps its output for the total, and fails loudly when the
# runner found nothing to run.
suite() {
  local out count
  out=$(mktemp)
  "$@" 2>&1 | tee "$out"
  # Plain text, without the runners' colours.
  sed 's/\x1b\[[0-9;]*m//g' "$out" >"$log"
  rm -f "$out"
  count=$(grep -oE '^\s*[0-9]+ passing' "$log" | grep -oE '[0-9]+' | tail -1 || true)
  [[ -n "$count" ]] || count=$(grep -oE '^\s*Tests\s+[0-9]+ passed' "$log" | grep -oE '[0-9]+' | tail -1 || true)
  if [[ -z "$count" || "$count" == "0" ]]; then
    echo "test-all: '$*' ran no test" >&2
    exit 1
  fi
  passed=$((passed + count))
}

step "browser for the end-to-end tests"
bash scripts/ensure-chromium.sh
echo "chromium: ${AMP_CHROMIUM:-/usr/bin/chromium}"

step "PostgreSQL server binaries for the store tests on the second engine"
bash scripts/ensure-postgres.sh

step "format and lint (biome, solhint, dependency-cruiser)"
npx biome check .
npx solhint --max-warnings 0 'contracts/**/*.sol'
npx depcruise --config .dependency-cruiser.cjs protocol indexer web scripts test contracts

step "compile contracts"
npx hardhat compile

step "typecheck"
# The dApp's GraphQL operations are typed from the indexer's schema (gql.tada): the committed
# introspection file must match schema.graphql, then tsc checks every operation against it.
tada=$(mktemp -d)
npx gql-tada generate-output --output "$tada/graphql-env.d.ts" >/dev/null
if ! cmp -s "$tada/graphql-env.d.ts" web/src/lib/graphql/graphql-env.d.ts; then
  rm -rf "$tada"
  echo "test-all: web/src/lib/graphql/graphql-env.d.ts is out of date with indexer/src/api/schema.graphql;" \
    "regenerate it with npx gql-tada generate-output" >&2
  exit 1
fi
rm -rf "$tada"
npx tsc --noEmit -p tsconfig.json

step "contracts: Solidity tests (with fuzzing and invariants)"
suite npx hardhat test solidity

step "contracts: node:test + viem tests"
suite npx hardhat test nodejs

step "contracts: gas benchmark against the committed snapshot (a move over 1% fails)"
npm run bench -- gas
npx tsx scripts/check-gas-snapshot.ts

step "indexer: vitest"
suite npx vitest run --project indexer

step "web: vitest"
suite npx vitest run --project web

step "cross-part tests (test/): system test and browser end to end"
suite npx vitest run --project e2e

printf '\n=== all suites passed\n%d passed, 0 failed\n' "$passed"
