/**
 * Routing follows from the stored event: when the queue refuses ingest's send and the platform
 * never retries, the outbox sweeper (run by its schedule on the virtual clock) still queues the
 * event, and the shopper gets the receipt once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/local-harness.js';

describe('the event outbox on the local runtime', () => {
  let h: Harness;
  beforeAll(async () => {
    // The manual clock: the sweeper's grace is real time (20 s, twice ingest's timeout), and no
    // promise of the order may pass while it waits, however slow the machine. The schedule runs
    // at its floor (every 250 ms real) and the test waits for what it observes, not for a time.
    h = await startHarness({ manualClock: true });
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  const until = async (what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it('runs the outbox sweeper on its schedule, taken from the template', () => {
    // The template has other schedules too (the participation re-drive); the sweeper has one of its own.
    expect(h.rt.app.schedules.filter((s) => s.entry === 'outbox')).toEqual([expect.objectContaining({ expression: 'rate(1 minute)', periodSeconds: 60, entry: 'outbox' })]);
  });

  it('routes an acknowledged order whose enqueue failed, though the platform never retries: one receipt', async () => {
    h.rt.setFaults({ sqsSendFailureRate: 1 });
    const refusedBefore = h.rt.stats().sqs.sendsRefused;
    const answer = await h.post('order.placed', { order: h.order('OUTBOX-1') });

    // Acknowledged: the event is stored, so it will be routed; the platform has nothing to retry.
    expect(answer.status).toBe(202);
    // While the queue keeps refusing, the sweeper's own sends fail too and the event waits.
    await until('the sweeper has tried to queue it', () => h.rt.stats().sqs.sendsRefused > refusedBefore + 3);
    expect(await h.emails('OUTBOX-1')).toEqual([]);

    h.rt.setFaults({ sqsSendFailureRate: 0 });
    await h.waitForEmail('OUTBOX-1', 'receipt');
    await h.rt.whenIdle();

    expect((await h.emails('OUTBOX-1')).map((e) => e.kind)).toEqual(['receipt']);
    // Nothing is open while it waits: its walk rests in the shipment wait.
    expect((await h.position('OUTBOX-1'))?.state).toBe('AwaitShipment');
  }, 90_000);

  it('leaves nothing in the outbox once events are queued: a healthy order is queued once by ingest', async () => {
    const delivered = h.rt.stats().sqs.messagesDelivered;
    const answer = await h.post('order.placed', { order: h.order('OUTBOX-2') });
    await h.waitForEmail('OUTBOX-2', 'receipt');
    await h.rt.whenIdle();
    // A few sweeps later nothing more was delivered for it.
    const runs = h.rt.stats().schedules.runs;
    await until('the sweeper ran again', () => h.rt.stats().schedules.runs >= runs + 3);
    await h.rt.whenIdle();

    expect(answer.status).toBe(202);
    expect((await h.emails('OUTBOX-2')).map((e) => e.kind)).toEqual(['receipt']);
    expect(h.rt.stats().sqs.messagesDelivered - delivered).toBe(1);
  }, 90_000);
});
