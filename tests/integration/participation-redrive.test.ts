/**
 * A participation email whose sender dies between its ledger claim and SES is still sent, once,
 * with no further request from the shopper or the merchant: the reviews function's every-minute
 * re-drive (functions/services/redrive-participation.ts) takes the claim over once the settle
 * window has passed. On the local runtime (dynalite, the SES stand-in, the schedule of the
 * synthesized template) on a manual clock, crashing the invocation at `participation.afterClaim`
 * (local/faults.ts) for the low-rating alert (the star click) and the review reward (the review).
 * Without the re-drive neither email ever goes out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedbackLink, GENERIC_STORE, shipment, startHarness, type Harness } from '../support/local-harness.js';
import { LOCAL_SETTLE_FLOOR_SECONDS } from '../../local/runtime.js';

let h: Harness;
const STORE = GENERIC_STORE;
const ID = 'PR-1';
const items = [{ id: 'li-1', title: 'Trail shoes', sku: 'TS-42', productId: 'P-100', quantity: 1, unitPrice: '120.00', total: '120.00' }];

beforeAll(async () => {
  h = await startHarness({
    manualClock: true,
    crashPlans: [
      { at: 'participation.afterClaim', mode: 'invocation', kind: 'low_rating_alert' },
      { at: 'participation.afterClaim', mode: 'invocation', kind: 'review_reward' },
    ],
  });
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const kinds = async () => (await h.emails(ID)).map((e) => e.kind).filter((k) => k === 'low_rating_alert' || k === 'review_reward');

/**
 * Virtual minutes pass (each one a run of the schedule is due) until `done`, or fails after `runs`
 * more schedule runs once `atLeastMs` of real time has passed too (the settle window is real time:
 * a fast machine gets through many runs before it ends).
 */
async function minutesUntil(done: () => Promise<boolean>, runs: number, atLeastMs = 0): Promise<void> {
  const start = h.rt.stats().schedules.runs;
  const since = Date.now();
  while (!(await done())) {
    if (h.rt.stats().schedules.runs - start > runs && Date.now() - since > atLeastMs) throw new Error(`not done after ${runs} runs of the schedules`);
    await h.advance(60 / 86_400);
    await h.idle();
  }
}

describe('participation emails a crash left claimed', () => {
  it('are sent once by the re-drive, past the settle window, with no further request', async () => {
    const auth = { authorization: `Bearer ${h.rt.secrets.opsToken}`, 'content-type': 'application/json' };
    expect((await fetch(`${h.rt.url}/stores/${STORE}/reward-codes`, { method: 'POST', headers: auth, body: JSON.stringify({ codes: ['REDRIVE-1', 'REDRIVE-2', 'REDRIVE-3', 'REDRIVE-4', 'REDRIVE-5', 'REDRIVE-6', 'REDRIVE-7'] }) })).status).toBe(200);

    // Morning, as in tests/integration/reviews.test.ts: the feedback request keeps to daytime.
    const now = Date.parse(h.at());
    const d = new Date(now);
    let ten = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 10);
    if (ten <= now) ten += 86_400_000;
    await h.advance((ten - now) / 86_400_000);
    expect((await h.post('order.placed', { order: h.order(ID, { lineItems: items }) })).status).toBe(202);
    await h.waitForEmail(ID, 'receipt');
    await h.post('shipment.created', shipment(ID, `${ID}-s`));
    await h.waitForEmail(ID, 'shipping_confirmation');
    await h.post('shipment.updated', { orderId: ID, shipmentId: `${ID}-s`, status: 'delivered' }, { eventId: `${ID}-delivered` });
    await h.idle();
    await h.advance(7.1);
    const [request] = await h.waitForEmail(ID, 'feedback_request');

    // The star click: the alert is claimed, then the invocation dies (the shopper gets an error).
    const link = feedbackLink(request!, 1);
    expect((await fetch(link)).status).toBeGreaterThanOrEqual(500);
    // The review: the reward is claimed, then the invocation dies.
    const body = new FormData();
    for (const [k, v] of Object.entries({ t: new URL(link).searchParams.get('t')!, lineItemId: 'li-1', rating: '1', title: 'Too small', text: 'Runs a size small.' })) body.set(k, v);
    expect((await fetch(`${h.rt.url}/reviews`, { method: 'POST', body })).status).toBeGreaterThanOrEqual(500);
    expect(h.rt.crashes().map((c) => [c.at, c.detail.kind])).toEqual([
      ['participation.afterClaim', 'low_rating_alert'],
      ['participation.afterClaim', 'review_reward'],
    ]);
    await h.idle();
    expect(await kinds()).toEqual([]);

    // Nobody comes back: only the schedule can send them, once the settle window has passed.
    await minutesUntil(async () => (await kinds()).length >= 2, 60, 3 * LOCAL_SETTLE_FLOOR_SECONDS * 1000);
    // And further runs send nothing more.
    const runs = h.rt.stats().schedules.runs;
    await minutesUntil(async () => h.rt.stats().schedules.runs - runs >= 3, 20);
    const mail = (await h.emails(ID)).filter((e) => e.kind === 'low_rating_alert' || e.kind === 'review_reward');
    expect(mail.map((e) => e.kind).sort()).toEqual(['low_rating_alert', 'review_reward']);
    expect(mail.find((e) => e.kind === 'review_reward')!.text).toMatch(/REDRIVE-\d/);
    expect(mail.find((e) => e.kind === 'low_rating_alert')!.to).toBe('outlet@example.com');
  }, 180_000);
});
