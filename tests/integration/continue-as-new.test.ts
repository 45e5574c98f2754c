/**
 * However long an order takes, no execution outgrows Step Functions' history limit: after a
 * bounded number of loops a fresh execution takes over, and the ledger makes it resume where
 * the old one waited without sending anything twice. The limit is set low here to see it happen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipment, startHarness, type Harness } from '../support/local-harness.js';

let h: Harness;
beforeAll(async () => {
  process.env.MAX_STEPS_PER_EXECUTION = '3';
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.stop();
  delete process.env.MAX_STEPS_PER_EXECUTION;
});

describe('continue as new', () => {
  it('hands a looping order over to a fresh execution that resumes without resending', async () => {
    const id = 'L-1';
    await h.post('order.placed', { order: h.order(id, { promises: { shipBy: h.at(20) } }) });
    await h.waitForEmail(id, 'receipt');
    for (let i = 1; i <= 2; i++) {
      await h.post('order.delayed', { orderId: id, reason: 'backorder', message: `Delay ${i}`, newShipBy: h.at(20 + i) }, { eventId: `delay-${i}` });
      await h.waitForEmail(id, 'delay_notice', { count: i });
    }
    await h.waitForExecution(id, 'SUCCEEDED');
    const names = h.rt.executions().map((e) => e.name).filter((n) => n.includes('-L-1-'));
    expect(names).toHaveLength(2);
    expect(names.some((n) => n.endsWith('-c2'))).toBe(true);

    await h.post('shipment.created', shipment(id, 'l1'));
    await h.waitForEmail(id, 'shipping_confirmation');
    expect((await h.emails(id)).map((e) => e.kind)).toEqual(['receipt', 'delay_notice', 'delay_notice', 'shipping_confirmation']);
  });
});
