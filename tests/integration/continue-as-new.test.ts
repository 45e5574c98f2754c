/**
 * However long an order takes, no execution outgrows Step Functions' limits: since issue 15 no
 * execution stays open while the order waits, each wake runs one short Express execution that
 * steps until the order rests. (Before, a Standard execution looped and continued as new after
 * a bounded number of steps; the loop here is the one that used to force that hand-over.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipment, startHarness, type Harness } from '../support/local-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

describe('a long-looping order', () => {
  it('is stepped by short executions, one per wake, and resends nothing however often it loops', async () => {
    const id = 'L-1';
    await h.post('order.placed', { order: h.order(id, { promises: { shipBy: h.at(20) } }) });
    await h.waitForEmail(id, 'receipt');
    for (let i = 1; i <= 2; i++) {
      await h.post('order.delayed', { orderId: id, reason: 'backorder', message: `Delay ${i}`, newShipBy: h.at(20 + i) }, { eventId: `delay-${i}` });
      await h.waitForEmail(id, 'delay_notice', { count: i });
    }
    await h.post('shipment.created', shipment(id, 'l1'));
    await h.waitForEmail(id, 'shipping_confirmation');
    await h.idle();
    expect((await h.emails(id)).map((e) => e.kind)).toEqual(['receipt', 'delay_notice', 'delay_notice', 'shipping_confirmation']);
    const steps = h.steps(id);
    expect(steps.length).toBeGreaterThanOrEqual(4);
    // Bounded work per wake: Step and More per send state, then Rests. Usually a wake sends one
    // email here (Step, More, Step, More, Rests); under load one wake's walk may also find a state
    // a neighbouring wake would have sent (7 transitions seen in a loaded CI run), but no
    // execution ever walks more than every email of the order.
    const sent = (await h.emails(id)).length;
    // Not tight: a step that finds nothing to send, or loses its position write to a newer wake,
    // still says more (10 transitions seen in a clean CI run); bounded, far from any limit.
    for (const e of steps) expect(e.stateTransitions, e.name).toBeLessThanOrEqual(4 * sent + 1);
    expect(steps.filter((e) => e.status === 'FAILED' || e.status === 'TIMED_OUT')).toEqual([]);
    expect(steps.filter((e) => e.status === 'RUNNING')).toEqual([]);
  });
});
