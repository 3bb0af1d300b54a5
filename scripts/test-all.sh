#!/usr/bin/env bash
# Every check and every test suite, in the order a failure is cheapest to see.
# Each step prints its own summary; the first failing step stops the run.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

step "format and lint (biome, solhint)"
npx biome check .
npx solhint --max-warnings 0 'contracts/**/*.sol'

step "compile contracts"
npx hardhat compile

step "typecheck"
npx tsc --noEmit -p tsconfig.json

step "contracts: Solidity tests (with fuzzing)"
npx hardhat test solidity

step "contracts: node:test + viem tests"
npx hardhat test nodejs

step "indexer: vitest"
npx vitest run --project indexer

step "web: vitest"
npx vitest run --project web

step "cross-part tests (test/)"
npx vitest run --project e2e

printf '\n=== all suites passed\n'
