/**
 * Whole-runtime kills: distinct orders posted to a runtime started as `npm start` starts it (its
 * own process group), SIGKILLed `kills` times at seeded moments while orders pour in, each time
 * started again on the same data directory. Unacknowledged deliveries are retried, as platforms
 * do. Counts acknowledged orders without a receipt and receipts sent more than once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type ChildRuntime } from '../local/child-process.js';
import { childMain } from './lib/child.js';
import { seededRandom } from './lib/stats.js';

export interface KillsResult {
  orders: number;
  kills: number;
  seed: number;
  acknowledged: number;
  receipts: number;
  missing: string[];
  duplicated: string[];
  realSeconds: number;
  restartSeconds: number[];
}

function placed(orderId: string, at: string) {
  return {
    type: 'order.placed',
    timestamp: at,
    store: 'generic-dev',
    eventId: `${orderId}-placed`,
    data: {
      order: {
        orderId,
        orderName: `#${orderId}`,
        placedAt: at,
        currency: 'EUR',
        customer: { email: `shopper-${orderId.toLowerCase()}@example.com`, firstName: 'Zoë', locale: 'en-GB' },
        lineItems: [{ id: 'li-1', title: 'Trail shoes', quantity: 1, unitPrice: '120.00', total: '120.00' }],
        subtotal: '120.00',
        total: '120.00',
        paymentStatus: 'paid',
        promises: { shipBy: new Date(Date.parse(at) + 60 * 86_400_000).toISOString() },
      },
    },
  };
}

export async function runKills(options: { orders: number; kills: number; seed?: number; concurrency?: number }): Promise<KillsResult> {
  const seed = options.seed ?? 20261201;
  const random = seededRandom(seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'postpurchase-bench-kills-'));
  const started = Date.now();
  const restartSeconds: number[] = [];
  // Kill when these many orders are acknowledged: one moment in each stretch of the run.
  const killAt = Array.from({ length: options.kills }, (_, k) => Math.floor(((k + 0.3 + random() * 0.5) * options.orders) / (options.kills + 1)));
  let rt: ChildRuntime = await startChild({ dataDir, manualClock: true });
  try {
    const at = new Date().toISOString();
    const ids = Array.from({ length: options.orders }, (_, i) => `X-${String(i).padStart(4, '0')}`);
    const acknowledged = new Set<string>();
    let restarting: Promise<void> | undefined;
    const restart = async () => {
      await rt.kill();
      const t = Date.now();
      rt = await startChild({ dataDir, manualClock: true });
      restartSeconds.push((Date.now() - t) / 1000);
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency ?? 15 }, async () => {
        for (let i = next++; i < ids.length; i = next++) {
          for (;;) {
            await restarting;
            try {
              const res = await rt.post(placed(ids[i]!, at));
              if (res.status >= 200 && res.status < 300) break;
            } catch {
              // died with the runtime: the platform delivers again
            }
            await new Promise((r) => setTimeout(r, 50));
          }
          acknowledged.add(ids[i]!);
          if (killAt.length && acknowledged.size >= killAt[0]! && !restarting) {
            killAt.shift();
            restarting = restart().finally(() => (restarting = undefined));
          }
        }
      }),
    );
    await restarting;
    await rt.idle(300_000);
    const count = new Map<string, number>();
    for (const e of await rt.outbox()) if (e.kind === 'receipt') count.set(e.orderId!, (count.get(e.orderId!) ?? 0) + 1);
    return {
      orders: options.orders,
      kills: restartSeconds.length,
      seed,
      acknowledged: acknowledged.size,
      receipts: [...count.values()].reduce((a, b) => a + b, 0),
      missing: [...acknowledged].filter((id) => !count.has(id)),
      duplicated: [...count].filter(([, n]) => n > 1).map(([id]) => id),
      realSeconds: (Date.now() - started) / 1000,
      restartSeconds,
    };
  } finally {
    await rt.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

childMain(import.meta.url, async (args) => runKills({ orders: Number(args[1] ?? 150), kills: Number(args[2] ?? 3), seed: args[3] ? Number(args[3]) : undefined }));
