// @ts-check
/**
 * Mutation testing of the core (npm run mutate; not part of npm test): the lifecycle decisions,
 * the order fold, the ledger adapter's claim protocol, the claim-settle path in notify and the
 * webhook authentication. Results and the list of equivalent mutants: docs/MUTATION.md.
 *
 * Where only part of a file is in scope (the ledger methods of OrderLedger, the
 * authentication steps of the webhook parser), the line range is found from markers in the
 * source rather than written as numbers, so edits above it do not silently shift what is
 * mutated; a marker that disappears fails the run instead.
 */
import { readFileSync } from 'node:fs';

/** `file:start-end` covering the lines from the one containing `from` to the one before `to` (or containing `toInclusive`). */
function range(file, from, to, { inclusive = false } = {}) {
  const lines = readFileSync(new URL(file, import.meta.url), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.includes(from));
  if (start < 0) throw new Error(`stryker.config.mjs: "${from}" not found in ${file}`);
  const end = lines.findIndex((l, i) => i > start && l.includes(to));
  if (end < 0) throw new Error(`stryker.config.mjs: "${to}" not found after "${from}" in ${file}`);
  return `${file}:${start + 1}-${inclusive ? end + 1 : end}`;
}

const PARSE = 'functions/domain/webhooks/parse-webhook.ts';
const LEDGER = 'functions/adapters/order-ledger.ts';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  mutate: [
    'functions/domain/lifecycle.ts',
    // The shopper-experience policy the lifecycle decisions apply (issue 11), once it exists.
    'functions/domain/policy.ts',
    'functions/domain/order-state.ts',
    'functions/services/notify.ts',
    // Issue 15's walk: one step per wake, the position written once, conditional on its version.
    'functions/services/step.ts',
    'functions/domain/walk.ts',
    'functions/services/wake.ts',
    'functions/domain/webhooks/signatures.ts',
    // Ingest: enqueue first, then store, and the answer (202, 200 duplicate, 503) the platform retries by.
    'functions/services/ingest-webhook.ts',
    // The ledger: claim, getLedger, takeOver, release, markSent, markSkipped.
    range(LEDGER, 'async claim(', "// --- The walk's position"),
    // Authentication only: Shopify's HMAC check, then Standard Webhooks' headers, replay window
    // and signature. Content validation after it is covered by the schema tests, not here.
    range(PARSE, 'async function parseShopify(', "const topic = header('topic')"),
    range(PARSE, 'async function parseGeneric(', 'const body = genericWebhookSchema.safeParse', { inclusive: false }),
    range(PARSE, 'async function secretsOf(', '// --- Shopify'),
  ],
  coverageAnalysis: 'perTest',
  // Only mutants whose code or covering tests changed since the last run are tested again.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // Two cores shared with other work: one or two test processes at a time.
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  tempDirName: '.stryker-tmp',
  // Stryker rewrites the tsconfig's extends/references for the sandbox through TypeScript's JS
  // API, which TypeScript 7 (the native compiler) no longer has. Ours has neither, so the
  // rewrite is skipped by pointing it at a file that does not exist; vitest still reads
  // tsconfig.json in the sandbox as usual.
  tsconfigFile: 'tsconfig.stryker-none.json',
  cleanTempDir: 'always',
  // Sandbox copies: none of the build output, local data or the Node 24 tool.
  ignorePatterns: ['cdk.out', '.local', 'test-results', 'reports', 'tools', 'bench', 'docs', '*.log'],
  thresholds: { high: 90, low: 80, break: null },
};
