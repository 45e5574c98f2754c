/**
 * The tests Stryker runs against each mutant (npm run mutate): only fast ones, so a mutant
 * costs a second, not a local runtime start. Every unit test, plus the in-process dynalite
 * tests of the ledger and of notify's claim-settle path: they are fast, and they are the only
 * ones that evaluate the ledger's condition expressions. (Per-test coverage then runs, for each
 * mutant, only the tests that reach it.)
 */
import { defineConfig } from 'vitest/config';

export const MUTATION_TESTS = [
  'tests/unit/**/*.test.ts',
  'tests/integration/order-store.test.ts',
  // notify's claim-settle path against dynalite (concurrent attempts, take-over, each SES outcome).
  'tests/integration/ledger-claim.test.ts',
  'tests/integration/notify-settle.test.ts',
];

export default defineConfig({
  test: {
    include: MUTATION_TESTS,
    // The seeded timeline property suite takes tens of seconds per run: too slow to repeat per
    // mutant. It runs in npm test; the rule-by-rule tests cover the same decisions here.
    exclude: ['tests/unit/timeline-properties.test.ts', 'node_modules/**'],
    testTimeout: 20_000,
    pool: 'forks',
    env: { POWERTOOLS_LOG_LEVEL: 'WARN' },
  },
});
