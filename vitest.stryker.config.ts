/**
 * The tests Stryker runs against each mutant (npm run mutate): only the fast ones that exercise
 * the mutated core, so a mutant costs a second, not a local runtime start. The in-process
 * dynalite tests of the ledger adapter are fast and are the only ones that evaluate its
 * condition expressions, so they belong here.
 */
import { defineConfig } from 'vitest/config';

export const MUTATION_TESTS = [
  'tests/unit/lifecycle.test.ts',
  'tests/unit/lifecycle-rules.test.ts',
  // The update kinds' re-arming and the console's stop (lifecycle.ts) are ruled on here.
  'tests/unit/update-rules.test.ts',
  'tests/unit/track-history.test.ts',
  'tests/unit/console-tallies.test.ts',
  'tests/unit/order-state.test.ts',
  'tests/unit/order-state-rules.test.ts',
  'tests/unit/promises.test.ts',
  'tests/unit/notify.test.ts',
  'tests/unit/notify-content.test.ts',
  'tests/unit/closed-at-creation.test.ts',
  'tests/unit/receipt-money.test.ts',
  'tests/unit/await-and-route.test.ts',
  'tests/unit/ses-events.test.ts',
  'tests/unit/webhook-signatures.test.ts',
  'tests/unit/webhook-parse.test.ts',
  'tests/unit/webhook-auth.test.ts',
  'tests/unit/generic-webhook.test.ts',
  'tests/unit/ingest-handler.test.ts',
  // Ingest's order of work and its answers (ingest-webhook.ts): send, put, and whose event a failed condition found.
  'tests/unit/ingest-webhook.test.ts',
  'tests/unit/webhook-responses.test.ts',
  'tests/integration/order-store.test.ts',
  // notify's claim-settle path against dynalite and the SES stand-in (concurrent attempts, take-over).
  'tests/integration/ledger-claim.test.ts',
  'tests/integration/notify-settle.test.ts',
  'tests/unit/policy*.test.ts',
  // Issue 15's walk (step.ts, walk.ts, wake.ts): the machine's moves, and one step per wake against dynalite.
  'tests/unit/walk.test.ts',
  'tests/integration/order-step.test.ts',
  // The router (route-event.ts): the placed check, the missing event stored before the wake, the lookups.
  'tests/unit/route-event.test.ts',
  // The seeded timeline property suite (150 generated timelines, about 2 s): the only tests that
  // walk the machine's update, delay and reminder states end to end, so without it most of the
  // state table in walk.ts survived (71 % on 2 December); it costs a mutant two seconds more.
  'tests/unit/timeline-properties.test.ts',
];

export default defineConfig({
  test: {
    include: MUTATION_TESTS,
    testTimeout: 20_000,
    pool: 'forks',
    env: { POWERTOOLS_LOG_LEVEL: 'WARN' },
  },
});
