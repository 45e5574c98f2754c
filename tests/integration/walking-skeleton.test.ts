/**
 * The walking skeleton on the local runtime: a signed order webhook becomes exactly one
 * receipt; duplicates, bad signatures and malformed bodies change nothing; a send that fails
 * is retried; a restart resumes open orders without sending anything twice.
 *
 * On the manual clock: virtual time stands still unless a test moves it, and every check waits
 * for the runtime to be idle (nothing queued, running or retrying), never for a duration.
 */
import { EMAIL_KINDS } from '../../functions/domain/email/context.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStandardWebhook } from '../../functions/domain/webhooks/parse-webhook.js';
import { GENERIC_STORE, startHarness, type Harness } from '../support/local-harness.js';

/** Polls a condition the test can observe (not a duration); fails after `timeoutMs`. */
async function until(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function signed(h: Harness, body: string, secret = h.rt.secrets.webhookSecret) {
  const id = `msg_${Math.random().toString(36).slice(2)}`;
  const ts = Math.floor(Date.now() / 1000);
  return fetch(`${h.rt.url}/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(secret, id, ts, body) },
    body,
  });
}

describe('walking skeleton', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ manualClock: true });
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('turns a signed order webhook into exactly one receipt with the items and total, even when delivered twice', async () => {
    const body = JSON.stringify({ type: 'order.placed', timestamp: h.at(), store: GENERIC_STORE, eventId: 'w-1-placed', data: { order: h.order('W-1') } });
    const [first, second] = await Promise.all([signed(h, body), signed(h, body)]);
    // Two deliveries at once may both find the event new and both queue it (ingest queues before
    // it stores): 202 twice, or 200 for one that found it stored. Either way one receipt.
    expect([first.status, second.status].sort()).toContainEqual(202);
    expect([first.status, second.status].every((s) => s === 200 || s === 202)).toBe(true);
    const [receipt] = await h.waitForEmail('W-1', 'receipt');
    await h.idle();
    const receipts = (await h.emails('W-1')).filter((e) => e.kind === 'receipt');
    expect(receipts).toHaveLength(1);
    expect(receipt!.to).toBe('shopper-W-1@example.com');
    expect(receipt!.text).toMatch(/Trail shoes/);
    expect(receipt!.text).toMatch(/Wool socks/);
    expect(receipt!.text).toMatch(/143[.,]90/);
    expect(receipt!.html).toMatch(/143[.,]90/);
  });

  it('answers a bad signature with 401 and stores nothing', async () => {
    const body = JSON.stringify({ type: 'order.placed', timestamp: h.at(), store: GENERIC_STORE, data: { order: h.order('W-2') } });
    const wrong = `whsec_${Buffer.from('not-the-secret-at-all-0123').toString('base64')}`;
    const res = await signed(h, body, wrong);
    expect(res.status).toBe(401);
    await h.idle();
    expect(await h.emails('W-2')).toEqual([]);
    expect(await h.position('W-2')).toBeUndefined();
    expect(h.steps('W-2')).toEqual([]);
  });

  it('answers a malformed body with 400 naming the field, and stores nothing', async () => {
    const order = { ...h.order('W-3'), currency: 'euro' };
    const res = await signed(h, JSON.stringify({ type: 'order.placed', timestamp: h.at(), store: GENERIC_STORE, data: { order } }));
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { field: string; message: string } };
    expect(error.field).toBe('data.order.currency');
    await h.idle();
    expect(await h.position('W-3')).toBeUndefined();
    expect(h.steps('W-3')).toEqual([]);
  });

  it('retries a send that SES throttles, and the receipt goes out once', async () => {
    const throttledBefore = h.rt.stats().ses.throttled;
    h.rt.setFaults({ sesThrottleRate: 1 });
    await h.post('order.placed', { order: h.order('W-4') });
    // Once SES has refused it (the mailer's attempts and the state machine's retries go on), it recovers.
    await until('SES has throttled the receipt', () => h.rt.stats().ses.throttled > throttledBefore);
    expect(await h.emails('W-4')).toEqual([]);
    h.rt.setFaults({ sesThrottleRate: 0 });
    await h.waitForEmail('W-4', 'receipt');
    await h.idle();
    expect((await h.emails('W-4')).filter((e) => e.kind === 'receipt')).toHaveLength(1);
    // Nothing is open while it waits: its walk rests in the shipment wait.
    expect((await h.position('W-4'))?.state).toBe('AwaitShipment');
  });

  it('settles a send whose SES response was lost from SES own Send event, without a second copy', async () => {
    const lostBefore = h.rt.stats().ses.lostResponses;
    h.rt.setFaults({ lostResponseRate: 1 });
    await h.post('order.placed', { order: h.order('W-5') });
    // Not the email's arrival in the outbox: SES stores it before it answers, and the answer is what gets lost.
    await until('SES has lost its answer to the receipt', () => h.rt.stats().ses.lostResponses > lostBefore);
    h.rt.setFaults({ lostResponseRate: 0 });
    // Idle: notify's retry after the lost answer has found the claim settled and the order waits for its shipment.
    await h.idle();
    expect((await h.emails('W-5')).filter((e) => e.kind === 'receipt')).toHaveLength(1);
    // Nothing is open while it waits: its walk rests in the shipment wait.
    expect((await h.position('W-5'))?.state).toBe('AwaitShipment');
  });
});

describe('email previews', () => {
  it('serves every kind in every language from sample data', async () => {
    const h = await startHarness({ manualClock: true });
    try {
      const index = await (await fetch(`${h.rt.url}/_local/previews/`)).text();
      const links = [...index.matchAll(/href="([a-z_]+\.(en|de|fr)\.html)"/g)].map((m) => m[1]);
      expect(links).toHaveLength(EMAIL_KINDS.length * 3);
      const receipt = await fetch(`${h.rt.url}/_local/previews/receipt.de.html`);
      expect(receipt.status).toBe(200);
      expect(await receipt.text()).toContain('lang="de');
      expect((await fetch(`${h.rt.url}/_local/previews/nope.html`)).status).toBe(404);
    } finally {
      await h.stop();
    }
  }, 120_000);
});

describe('restarts', () => {
  it('keeps order data across a restart, with nothing open to resume (the order rests in its position), and sends nothing twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'postpurchase-'));
    try {
      let h = await startHarness({ inMemory: false, dataDir, manualClock: true });
      await h.post('order.placed', { order: h.order('P-1') });
      await h.waitForEmail('P-1', 'receipt');
      await h.rt.whenIdle();
      await h.stop();

      h = await startHarness({ inMemory: false, dataDir, manualClock: true });
      // No execution stays open while an order waits (issue 15): the position holds where it is.
      expect(h.rt.resumed).toEqual([]);
      expect((await h.position('P-1'))?.state).toBe('AwaitShipment');
      await h.post('shipment.created', { orderId: 'P-1', shipment: { shipmentId: 'p1', lineItems: [], carrier: 'UPS', trackingNumber: '1Z999' } });
      await h.waitForEmail('P-1', 'shipping_confirmation');
      await h.idle();
      expect((await h.emails('P-1')).map((e) => e.kind)).toEqual(['receipt', 'shipping_confirmation']);
      await h.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
