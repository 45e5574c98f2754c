/**
 * Webhook bursts on the local stack as `npm start` runs it (data on disk, real time): N signed
 * order.placed webhooks posted with C in flight at once, each answered once stored and queued
 * (202). Against a baseline measured in the same process with the same client, concurrency and
 * connection state: an HTTP server that reads the body, checks the Standard Webhooks signature,
 * parses the JSON and answers 202 (what any webhook endpoint must do at least), measured before
 * and after the stack's burst. Run in its own process (see lib/child.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signStandardWebhook, verifyStandardWebhook } from '../functions/domain/webhooks/signatures.js';
import { closeServer, listen, readBody } from '../local/aws-json.js';
import { startLocal } from '../local/runtime.js';
import { childMain } from './lib/child.js';
import { OrderEvents, shopOf, type WebhookEvent } from './lib/orders.js';
import { percentile } from './lib/stats.js';

export interface BurstLatency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface BurstResult {
  requests: number;
  concurrency: number;
  /** Background invocations allowed while webhooks are answered (undefined: the runtime's default). */
  backgroundWhileAnswering?: number;
  ack: BurstLatency;
  baseline: BurstLatency;
  /** Answers 202 (every webhook of the burst must be). */
  accepted: number;
  /** CPU time of the whole process (every thread: the loop, dynalite's) per acknowledged webhook during the burst, client included. */
  cpuMsPerAck: number;
  /** Time the main event loop was busy per acknowledged webhook during the burst. */
  loopMsPerAck: number;
  /** Mean time inside the ingest function per webhook of the burst (the rest of an ack waits for the event loop). */
  ingestMeanMs: number;
  /** Background invocations that waited for the HTTP API during the burst. */
  deferred: number;
  /** Every order of the burst got its receipt once the stack was idle. */
  receipts: number;
  burstSeconds: number;
  drainSeconds: number;
}

/** Posts `events` to `url` with `concurrency` in flight; resolves with each request's latency (ms) and status. */
async function burst(url: string, secret: string, events: WebhookEvent[], concurrency: number): Promise<{ ms: number[]; statuses: number[] }> {
  const ms: number[] = [];
  const statuses: number[] = [];
  let next = 0;
  const sender = async () => {
    for (let i = next++; i < events.length; i = next++) {
      const event = events[i]!;
      const body = JSON.stringify(event);
      const id = `msg_${event.eventId}`;
      const timestamp = Math.floor(Date.now() / 1000);
      const t0 = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signStandardWebhook(secret, id, timestamp, body) },
        body,
      });
      await res.text();
      ms.push(performance.now() - t0);
      statuses.push(res.status);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return { ms, statuses };
}

/** The baseline endpoint: read, verify, parse, answer. */
function baselineServer(secret: string): Server {
  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const body = raw.toString('utf8');
      const h = (n: string) => String(req.headers[n] ?? '');
      const ok = verifyStandardWebhook([secret], { id: h('webhook-id'), timestamp: h('webhook-timestamp'), body }, h('webhook-signature'));
      JSON.parse(body);
      res.writeHead(ok ? 202 : 401, { 'content-type': 'application/json' });
      res.end(ok ? '{"status":"accepted"}' : '{"error":"signature"}');
    });
  });
  // As the local runtime's server: idle connections close after a second.
  server.keepAliveTimeout = 1000;
  return server;
}

/** The mean duration of the invocations between two snapshots of the runtime's statistics. */
function burstMean(before: { count: number; meanMs: number } | undefined, after: { count: number; meanMs: number } | undefined): number {
  const total = (d?: { count: number; meanMs: number }) => (d ? d.count * d.meanMs : 0);
  const count = (after?.count ?? 0) - (before?.count ?? 0);
  return count > 0 ? (total(after) - total(before)) / count : 0;
}

const latency = (ms: number[]): BurstLatency => ({ p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99), maxMs: Math.max(...ms) });

export async function measureBurst(options: { projectRoot: string; requests?: number; concurrency?: number; backgroundWhileAnswering?: number }): Promise<BurstResult> {
  const requests = options.requests ?? 300;
  const concurrency = options.concurrency ?? 50;
  const dataDir = mkdtempSync(join(tmpdir(), 'postpurchase-burst-'));
  const rt = await startLocal({ port: 0, dataDir, timeScale: 1, backgroundWhileAnswering: options.backgroundWhileAnswering });
  const baseline = baselineServer(rt.secrets.webhookSecret);
  try {
    const baseUrl = await listen(baseline, 0);
    const shop = shopOf(rt);
    const secret = shop.secret;
    const stackUrl = `${rt.url}/webhooks`;
    const orders = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => new OrderEvents(shop, options.projectRoot, i + 1, prefix));
    // Each measured burst starts on `concurrency` open connections (a short burst just before
    // opens them), so neither side's figure is its connection setup; the stack's warm-up also
    // imports every function on the path (their cold starts).
    let warm = 0;
    const warmUp = (url: string) => burst(url, secret, orders(`WU${warm++}-`, concurrency).map((o) => o.placed()), concurrency);
    await warmUp(stackUrl);
    await rt.whenIdle({ timeoutMs: 120_000 });

    await warmUp(baseUrl);
    const before = await burst(baseUrl, secret, orders('BA', requests).map((o) => o.placed()), concurrency);

    await warmUp(stackUrl);
    await rt.whenIdle({ timeoutMs: 120_000 });
    const statsBefore = rt.stats();
    const burstOrders = orders('BU', requests);
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    const ack = await burst(stackUrl, secret, burstOrders.map((o) => o.placed()), concurrency);
    const burstSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    const statsAfter = rt.stats();
    await rt.whenIdle({ timeoutMs: 300_000 });
    const drainSeconds = (performance.now() - t0) / 1000 - burstSeconds;
    const ids = new Set(burstOrders.map((o) => o.orderId));
    const receipts = (await rt.outbox()).filter((e) => e.kind === 'receipt' && e.orderId !== undefined && ids.has(e.orderId)).length;

    await warmUp(baseUrl);
    const after = await burst(baseUrl, secret, orders('BB', requests).map((o) => o.placed()), concurrency);
    return {
      requests,
      concurrency,
      backgroundWhileAnswering: options.backgroundWhileAnswering,
      ack: latency(ack.ms),
      baseline: latency([...before.ms, ...after.ms]),
      accepted: ack.statuses.filter((s) => s === 202).length,
      cpuMsPerAck: (cpu.user + cpu.system) / 1000 / requests,
      loopMsPerAck: elu.active / requests,
      ingestMeanMs: burstMean(statsBefore.durations.ingest, statsAfter.durations.ingest),
      deferred: statsAfter.frontDoor.deferred - statsBefore.frontDoor.deferred,
      receipts,
      burstSeconds,
      drainSeconds,
    };
  } finally {
    await closeServer(baseline);
    await rt.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

childMain(import.meta.url, async (args) =>
  measureBurst({
    projectRoot: args[0]!,
    requests: args[1] ? Number(args[1]) : undefined,
    concurrency: args[2] ? Number(args[2]) : undefined,
    backgroundWhileAnswering: args[3] ? Number(args[3]) : undefined,
  }),
);
