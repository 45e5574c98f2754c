/**
 * The reproduction of issue 12: many distinct orders posted to a runtime started as `npm start`
 * starts it, the whole process group SIGKILLed once about a third are acknowledged, then started
 * again on the same data directory. Every acknowledged order gets its receipt, and no receipt
 * goes out twice, whatever step each order was at when the runtime died: claimed but not sent,
 * accepted by SES but not recorded, stored but not routed, queued but not delivered.
 *
 * The kill comes from inside, at the 30th receipt claim (a `process` crash plan at
 * `notify.afterClaim`), so at least one order is certainly between its claim and its send, the
 * step that lost receipts before; the test kills the group itself if that never happens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChild, type ChildRuntime } from '../../local/child-process.js';

const ORDERS = 90;
const CONCURRENCY = 15;
const KILL_AT_CLAIM = 30;
const KILL_AFTER = 60;

const dataDir = mkdtempSync(join(tmpdir(), 'postpurchase-kill-'));
let rt: ChildRuntime | undefined;
afterAll(async () => {
  await rt?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

function placed(orderId: string, at: string) {
  return {
    type: 'order.placed',
    timestamp: at,
    store: 'generic-dev',
    data: {
      order: {
        orderId,
        orderName: `#${orderId}`,
        placedAt: at,
        currency: 'EUR',
        customer: { email: `shopper-${orderId}@example.com`, firstName: 'Zoë', locale: 'de-DE' },
        lineItems: [{ id: 'li-1', title: 'Trail shoes', quantity: 1, unitPrice: '120.00', total: '120.00' }],
        subtotal: '120.00',
        total: '120.00',
        paymentStatus: 'paid',
        // Far off, so no delay notice is due while the test runs, whatever the clock does.
        promises: { shipBy: new Date(Date.parse(at) + 60 * 86_400_000).toISOString() },
      },
    },
  };
}

describe('a runtime killed with SIGKILL while orders pour in', () => {
  it('sends every acknowledged order its receipt after the restart, and none twice', async () => {
    rt = await startChild({ dataDir, manualClock: true, crashPlans: [{ at: 'notify.afterClaim', kind: 'receipt', hit: KILL_AT_CLAIM, mode: 'process' }] });
    const first = rt;
    void first.exited.then(() => (killed = true));
    const now = new Date().toISOString();
    const acknowledged: string[] = [];
    let killed = false as boolean;
    let next = 0;
    const worker = async () => {
      while (!killed && next < ORDERS) {
        const orderId = `K-${String(next++).padStart(3, "0")}`;
        try {
          const res = await rt!.post(placed(orderId, now));
          if (res.status === 202 || res.status === 200) acknowledged.push(orderId);
        } catch {
          // The connection died with the runtime: not acknowledged.
        }
        if (!killed && acknowledged.length >= KILL_AFTER) {
          killed = true;
          await first.kill();
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await first.exited;
    const before = acknowledged.length;
    expect(killed).toBe(true);
    expect(before).toBeGreaterThanOrEqual(KILL_AT_CLAIM);

    rt = await startChild({ dataDir, manualClock: true });
    await rt.idle(120_000);
    const receipts = new Map<string, number>();
    for (const e of await rt.outbox()) if (e.kind === 'receipt') receipts.set(e.orderId!, (receipts.get(e.orderId!) ?? 0) + 1);

    const missing = acknowledged.filter((id) => !receipts.has(id));
    const twice = [...receipts].filter(([, n]) => n > 1).map(([id]) => id);
    expect({ acknowledged: before, missing, twice }).toEqual({ acknowledged: before, missing: [], twice: [] });
  }, 240_000);
});
