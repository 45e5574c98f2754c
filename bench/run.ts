/**
 * `npm run bench`: speed, cost and resilience of the whole product, in one run, each figure with
 * the baseline it is compared against measured in the same run (the machine is shared and noisy).
 * Sections that run handlers run in their own process (see lib/child.ts). See docs/BENCHMARKS.md.
 *
 *   npm run bench                     # everything, a few minutes on 2 cores
 *   npm run bench -- --only cost,resilience
 */
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENTRY_NAMES } from '../lib/handler-function.js';
import { describeApp, loadTemplate } from '../local/template.js';
import { BUNDLE_LIMIT_BYTES, IMPORT_RATIO_LIMIT, measureColdStarts, type ColdStartRow } from './cold-start.js';
import type { CostResult } from './cost.js';
import type { BurstResult } from './burst.js';
import type { E2eResult } from './e2e.js';
import type { IngestResult } from './ingest.js';
import type { ResilienceResult } from './resilience.js';
import type { KillsResult } from './kills.js';
import { printCost } from './lib/cost-report.js';
import { runInChild } from './lib/child.js';
import { fmt, kb, table } from './lib/stats.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SECTIONS = ['ingest', 'cold', 'e2e', 'burst', 'cost', 'resilience', 'kills'] as const;
type Section = (typeof SECTIONS)[number];

const RESILIENCE_ORDERS = 30;
const KILL_ORDERS = 150;
const KILLS = 3;
const BURST_REQUESTS = 300;
const BURST_CONCURRENCY = 50;
/** Issue 15: ack p99 of a burst on the local stack within 5× the parse-and-verify baseline's p99. */
const MAX_BURST_RATIO = 5;

const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
const print = (s = '') => process.stdout.write(`${s}\n`);
const heading = (s: string) => print(`\n== ${s} ${'='.repeat(Math.max(0, 96 - s.length))}`);

function parseOnly(argv: string[]): Set<Section> {
  const i = argv.indexOf('--only');
  if (i < 0) return new Set(SECTIONS);
  const wanted = (argv[i + 1] ?? '').split(',').map((s) => s.trim()) as Section[];
  for (const w of wanted) if (!SECTIONS.includes(w)) throw new Error(`--only takes ${SECTIONS.join(', ')}; got "${w}"`);
  return new Set(wanted);
}

function printIngest(r: IngestResult): void {
  heading('1. Ingest: webhook handler in-process');
  print('functions/ingest.ts handler (middy, Powertools logger+metrics, HMAC check, Shopify mapping, zod, conditional put, SQS batch),');
  print('SDK send() answered by in-process stubs; signed Shopify orders/create fixture. Baseline: a handler that parses the JSON and answers 200.');
  print(`${r.requests} requests each, interleaved in blocks of 100, after a warm-up.`);
  print();
  print(
    table(
      ['handler', 'p50 ms', 'p99 ms', 'mean ms', 'req/s (1 in flight)'],
      [
        ['ingest (ours)', fmt(r.ingest.p50Ms, 3), fmt(r.ingest.p99Ms, 3), fmt(r.ingest.meanMs, 3), fmt(r.ingest.perSecond, 0)],
        ['baseline (parse JSON, 200)', fmt(r.baseline.p50Ms, 3), fmt(r.baseline.p99Ms, 3), fmt(r.baseline.meanMs, 3), fmt(r.baseline.perSecond, 0)],
        ['ratio ours / baseline', `${fmt(r.ingest.p50Ms / r.baseline.p50Ms)}×`, `${fmt(r.ingest.p99Ms / r.baseline.p99Ms)}×`, `${fmt(r.ingest.meanMs / r.baseline.meanMs)}×`, `${fmt(r.ingest.perSecond / r.baseline.perSecond, 3)}×`],
      ],
    ),
  );
  print(`log output (Powertools JSON line + EMF metrics) per request: ${fmt(r.logBytesPerRequest, 0)} bytes`);
}

function printCold(rows: ColdStartRow[]): void {
  heading('2. Cold start proxy: bundle size and import time per Lambda entry');
  print('Built with esbuild using lib/handler-function.ts bundling options (ESM, node24, minify, source map, @aws-sdk/* external, createRequire banner).');
  print('Import: median of fresh `node --input-type=module -e "await import(bundle)"` runs with the function\'s template environment (NODE_OPTIONS');
  print('--enable-source-maps included), interleaved with a baseline bundle that imports only the same @aws-sdk packages the entry imports.');
  print();
  print(
    table(
      ['entry', 'bundle', 'map', 'import ms', 'baseline ms', 'ratio', `< ${BUNDLE_LIMIT_BYTES / 1024} KB`, `≤ ${IMPORT_RATIO_LIMIT}×`, 'SDK packages'],
      rows.map((r) => [
        r.entry,
        kb(r.bytes),
        kb(r.mapBytes),
        fmt(r.importMs),
        fmt(r.baselineMs),
        `${fmt(r.ratio, 2)}×`,
        pass(r.sizePass),
        pass(r.ratioPass),
        r.sdkPackages.map((p) => p.replace('@aws-sdk/', '')).join(' '),
      ]),
    ),
  );
}

function printE2e(r: E2eResult): void {
  heading('3. End to end on the local stack: webhook to receipt in the outbox');
  print(`startLocal({ inMemory: true, timeScale: 1 }); ${r.orders} orders, ${r.concurrency} concurrent senders (each posts its next order once its receipt is out),`);
  print('signed generic order.placed webhooks to POST /webhooks; latency = SES acceptance time of the receipt minus the moment of posting.');
  print();
  print(
    table(
      ['', 'p50 ms', 'p99 ms'],
      [
        ['webhook → receipt in outbox', fmt(r.receipt.p50Ms, 0), fmt(r.receipt.p99Ms, 0)],
        ['webhook answered (202)', fmt(r.answer.p50Ms, 0), fmt(r.answer.p99Ms, 0)],
        ['baseline: bare HTTP round trip to the same server', fmt(r.baseline.p50Ms, 2), fmt(r.baseline.p99Ms, 2)],
        ['ratio receipt / baseline', `${fmt(r.receipt.p50Ms / r.baseline.p50Ms, 0)}×`, `${fmt(r.receipt.p99Ms / r.baseline.p99Ms, 0)}×`],
      ],
    ),
  );
  print(`throughput ${fmt(r.ordersPerSecond)} orders/s to receipt; first (cold) order ${fmt(r.coldMs, 0)} ms; the SQS batching window alone is ${r.batchingWindowMs} ms locally (1 s on AWS)`);
}

function printBurst(r: BurstResult, unordered: BurstResult): void {
  heading(`3b. Bursts on the local stack: ${r.requests} webhooks, ${r.concurrency} in flight`);
  print('startLocal as `npm start` runs it (data on disk, real time); signed generic order.placed webhooks to POST /webhooks, each sender posting its');
  print('next as soon as the last is answered (202: stored and queued). Baseline, same process, client and concurrency, before and after the burst:');
  print('an HTTP server that reads the body, checks the signature, parses the JSON and answers 202. Each burst starts on open connections.');
  print('"no precedence": the same run with background work (queue batches, tasks, schedules) never held back while webhooks are answered.');
  print();
  const ratio = (a: number, b: number) => `${fmt(a / b)}×`;
  print(
    table(
      ['', 'p50 ms', 'p99 ms', 'max ms', 'loop ms/ack', 'CPU ms/ack', 'in ingest ms', 'burst s', 'drain s'],
      [
        ['ack, HTTP API first (the default)', fmt(r.ack.p50Ms, 0), fmt(r.ack.p99Ms, 0), fmt(r.ack.maxMs, 0), fmt(r.loopMsPerAck), fmt(r.cpuMsPerAck), fmt(r.ingestMeanMs), fmt(r.burstSeconds), fmt(r.drainSeconds)],
        ['ack, no precedence', fmt(unordered.ack.p50Ms, 0), fmt(unordered.ack.p99Ms, 0), fmt(unordered.ack.maxMs, 0), fmt(unordered.loopMsPerAck), fmt(unordered.cpuMsPerAck), fmt(unordered.ingestMeanMs), fmt(unordered.burstSeconds), fmt(unordered.drainSeconds)],
        ['baseline: parse and verify (first run)', fmt(r.baseline.p50Ms, 1), fmt(r.baseline.p99Ms, 1), fmt(r.baseline.maxMs, 0), '', '', '', '', ''],
        ['baseline: parse and verify (second run)', fmt(unordered.baseline.p50Ms, 1), fmt(unordered.baseline.p99Ms, 1), fmt(unordered.baseline.maxMs, 0), '', '', '', '', ''],
        ['ratio ack / baseline (HTTP API first)', ratio(r.ack.p50Ms, r.baseline.p50Ms), ratio(r.ack.p99Ms, r.baseline.p99Ms), '', '', '', '', '', ''],
        ['ratio ack / baseline (no precedence)', ratio(unordered.ack.p50Ms, unordered.baseline.p50Ms), ratio(unordered.ack.p99Ms, unordered.baseline.p99Ms), '', '', '', '', '', ''],
      ],
    ),
  );
  const p99Ratio = r.ack.p99Ms / r.baseline.p99Ms;
  print(
    `target: ack p99 ≤ ${MAX_BURST_RATIO}× the baseline's p99 at ${r.concurrency} concurrent: ${fmt(p99Ratio)}× ${pass(p99Ratio <= MAX_BURST_RATIO)}; ` +
      `answered 202: ${r.accepted}/${r.requests} and ${unordered.accepted}/${unordered.requests}; receipts once idle: ${r.receipts} and ${unordered.receipts}; ` +
      `background invocations held back during the burst: ${r.deferred}`,
  );
  print(
    `With every sender waiting for its answer and the event loop busy throughout, ack latency ≈ requests in flight × the loop's time per ack: ` +
      `${r.concurrency} × ${fmt(r.loopMsPerAck)} ms ≈ ${fmt(r.concurrency * r.loopMsPerAck, 0)} ms (CPU ms/ack counts every thread, dynalite's too). See docs/BENCHMARKS.md for where an ack's time goes.`,
  );
}

function printResilience(r: ResilienceResult): void {
  heading('5. Resilience: duplicate and out-of-order webhooks, SES throttling, lost SES answers, Lambda crashes, crashes inside sends');
  print(
    `${r.orders} orders (${r.byScenario.full} shipped+delivered, ${r.byScenario.cancelled} cancelled, ${r.byScenario.delayed} delayed then shipped), every webhook delivered 3× at once, ` +
      `events of an order posted together shuffled; faults ${JSON.stringify(r.faults)}; seed ${r.seed}; time scale ${r.timeScale}; ${fmt(r.realSeconds, 0)} s`,
  );
  print();
  print(
    table(
      ['emails expected', 'sent', 'duplicated', 'missing', 'unexpected', 'result'],
      [[String(r.tally.expected), String(r.tally.sent), String(r.tally.duplicated), String(r.tally.missing), String(r.tally.unexpected), pass(r.tally.duplicated === 0 && r.tally.missing === 0 && r.stuck.length === 0)]],
    ),
  );
  for (const d of r.tally.details) print(`  ${d}`);
  for (const e of r.stuck) print(`  still running at the deadline: ${e.name}: … ${e.last.join(' → ')}`);
  for (const e of r.failed) print(`  failed: ${e.name}: … ${e.last.join(' → ')}`);
  print(
    `faults that happened: SES throttled ${r.stats.sesThrottled}, SES answers lost ${r.stats.sesLostResponses}, function crashes ${r.stats.injectedCrashes}; ` +
      `state machine retries ${r.stats.retries}, SQS redeliveries ${r.stats.sqsFailedDeliveries}, dead-lettered ${r.stats.deadLettered}; ` +
      `webhook deliveries ${r.webhookDeliveries}; executions ${JSON.stringify(r.executions)}`,
  );
  print(`crashes inside sends: ${r.sendCrashes.fired} of ${r.sendCrashes.planned} planned fired, by step ${JSON.stringify(r.sendCrashes.byStep)}`);
  print(`every event answered 202 by one of its 3 concurrent copies, 200 duplicate by the others: ${pass(r.neverAccepted.length === 0)}${r.neverAccepted.map((e) => `\n  never accepted: ${e}`).join('')}`);
}

function printKills(r: KillsResult): void {
  heading('6. Whole-runtime kills: SIGKILL of the runtime process group while orders pour in, restart on the same data');
  print(`${r.orders} distinct orders, 15 at a time, ${r.kills} kills (seed ${r.seed}); restarts took ${r.restartSeconds.map((x) => fmt(x, 1)).join(', ')} s; ${fmt(r.realSeconds, 0)} s in all`);
  print();
  print(
    table(
      ['acknowledged', 'receipts', 'acknowledged without receipt', 'sent twice', 'result'],
      [[String(r.acknowledged), String(r.receipts), String(r.missing.length), String(r.duplicated.length), pass(r.missing.length === 0 && r.duplicated.length === 0 && r.acknowledged === r.orders)]],
    ),
  );
  if (r.missing.length) print(`  without receipt: ${r.missing.join(', ')}`);
  if (r.duplicated.length) print(`  twice: ${r.duplicated.join(', ')}`);
}

async function main(): Promise<void> {
  const only = parseOnly(process.argv.slice(2));
  const started = Date.now();
  const load = loadavg().map((n) => n.toFixed(2)).join(' ');
  print(`postpurchase benchmarks — ${new Date().toISOString()} — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, load average ${load}`);

  const app = describeApp(await loadTemplate());
  const fnEnv = (entry: string) => {
    const fn = Object.values(app.functions).find((f) => f.entry === entry);
    if (!fn) throw new Error(`The template has no function for entry ${entry}`);
    return fn.env;
  };

  if (only.has('ingest')) {
    const stores = JSON.parse(fnEnv('ingest').STORES ?? '[]') as Array<Record<string, unknown> & { storeId: string }>;
    const shop = stores.find((s) => s.storeId.endsWith('.myshopify.com')) ?? stores[0]!;
    const { webhookSecretName: _ignored, ...storeConfig } = shop;
    printIngest(await runInChild<IngestResult>(new URL('./ingest.ts', import.meta.url).href, [ROOT, JSON.stringify(storeConfig), '3000']));
  }
  if (only.has('cold')) {
    const rows = await measureColdStarts({
      projectRoot: ROOT,
      entries: ENTRY_NAMES,
      // What Lambda sets besides the function's own variables, as far as module scope reads it.
      envFor: (entry) => ({ ...fnEnv(entry), AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: entry, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512' }),
      outDir: join(ROOT, '.local', 'bench', 'bundles'),
      runs: 7,
    });
    printCold(rows);
  }
  if (only.has('e2e')) printE2e(await runInChild<E2eResult>(new URL('./e2e.ts', import.meta.url).href, [ROOT, '50']));
  if (only.has('burst')) {
    const burst = (background?: string) => runInChild<BurstResult>(new URL('./burst.ts', import.meta.url).href, [ROOT, String(BURST_REQUESTS), String(BURST_CONCURRENCY), ...(background ? [background] : [])]);
    const first = await burst();
    printBurst(first, await burst('Infinity'));
  }
  if (only.has('cost')) printCost(await runInChild<CostResult>(new URL('./cost.ts', import.meta.url).href, [ROOT, '20']), ROOT, print);
  if (only.has('resilience')) printResilience(await runInChild<ResilienceResult>(new URL('./resilience.ts', import.meta.url).href, [ROOT, String(RESILIENCE_ORDERS)]));
  if (only.has('kills')) printKills(await runInChild<KillsResult>(new URL('./kills.ts', import.meta.url).href, [ROOT, String(KILL_ORDERS), String(KILLS)]));
  print(`\nDone in ${fmt((Date.now() - started) / 1000, 0)} s.`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
