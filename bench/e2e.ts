/**
 * End to end on the local stack in real time (time scale 1): from posting a signed order webhook
 * to the receipt accepted by SES (its time in the outbox), for a batch of orders posted by a few
 * concurrent senders, each posting its next order once its previous receipt is out. Against a
 * baseline measured in the same run: a bare HTTP round trip to the same local server.
 * Run in its own process (see lib/child.ts).
 */
import { childMain } from './lib/child.js';
import { deliver, emailOf, OrderEvents, shopOf, waitFor } from './lib/orders.js';
import { startBenchStack } from './lib/stack.js';
import { percentile } from './lib/stats.js';

export interface E2eResult {
  orders: number;
  concurrency: number;
  /** The first order, which pays every function's cold start. */
  coldMs: number;
  receipt: { p50Ms: number; p99Ms: number; maxMs: number };
  /** Time until the webhook was answered (202). */
  answer: { p50Ms: number; p99Ms: number };
  baseline: { p50Ms: number; p99Ms: number };
  ordersPerSecond: number;
  /** The SQS batching window the local run used (the template's, capped). */
  batchingWindowMs: number;
}

export async function measureE2e(options: { projectRoot: string; orders?: number; concurrency?: number }): Promise<E2eResult> {
  const total = options.orders ?? 50;
  const concurrency = options.concurrency ?? 5;
  const stack = await startBenchStack({ timeScale: 1, meter: false });
  try {
    const rt = stack.rt;
    const shop = shopOf(rt);
    const receiptAt = async (orderId: string) => Date.parse((await waitFor(`receipt of ${orderId}`, () => emailOf(rt, orderId, 'receipt'), 60_000, 5)).at);

    const cold = new OrderEvents(shop, options.projectRoot, 0, 'E');
    const coldStart = Date.now();
    await deliver(shop, cold.placed());
    const coldMs = (await receiptAt(cold.orderId)) - coldStart;

    const receipts: number[] = [];
    const answers: number[] = [];
    let next = 1;
    const started = Date.now();
    const sender = async () => {
      for (let n = next++; n <= total; n = next++) {
        const o = new OrderEvents(shop, options.projectRoot, n, 'E');
        const t0 = Date.now();
        await deliver(shop, o.placed());
        answers.push(Date.now() - t0);
        receipts.push((await receiptAt(o.orderId)) - t0);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, sender));
    const elapsed = (Date.now() - started) / 1000;
    await rt.whenIdle({ timeoutMs: 30_000 });

    // The baseline: what one HTTP request to the same server costs on this machine, right now.
    const baseline: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await (await fetch(`${rt.url}/_local/health`)).text();
      baseline.push(performance.now() - t0);
    }
    const window = rt.app.eventSources[0]?.batchingWindowSeconds ?? 0;
    return {
      orders: receipts.length,
      concurrency,
      coldMs,
      receipt: { p50Ms: percentile(receipts, 50), p99Ms: percentile(receipts, 99), maxMs: Math.max(...receipts) },
      answer: { p50Ms: percentile(answers, 50), p99Ms: percentile(answers, 99) },
      baseline: { p50Ms: percentile(baseline, 50), p99Ms: percentile(baseline, 99) },
      ordersPerSecond: receipts.length / elapsed,
      batchingWindowMs: Math.min(100, window * 1000),
    };
  } finally {
    await stack.stop();
  }
}

childMain(import.meta.url, async (args) => measureE2e({ projectRoot: args[0]!, orders: args[1] ? Number(args[1]) : undefined }));
