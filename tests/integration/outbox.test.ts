/**
 * Enqueue first, then store, on the local runtime: a queue that refuses ingest's send gets the
 * platform a 503 and nothing is stored, so its retry routes the event; a healthy event enters no
 * outbox index; and the outbox sweeper (run by its schedule on the virtual clock) still drains an
 * event an earlier version left in the outbox index, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { OrderStore } from '../../functions/adapters/order-store.js';
import { keys, OUTBOX_PENDING } from '../../functions/adapters/keys.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { GENERIC_STORE, startHarness, type Harness } from '../support/local-harness.js';

describe('the event queue and the legacy event outbox on the local runtime', () => {
  let h: Harness;
  let doc: DynamoDBDocumentClient;
  let orders: OrderStore;
  beforeAll(async () => {
    // The manual clock: the sweeper's grace is real time (20 s, twice ingest's timeout), and no
    // promise of the order may pass while it waits, however slow the machine. The schedule runs
    // at its floor (every 250 ms real) and the test waits for what it observes, not for a time.
    h = await startHarness({ manualClock: true });
    doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: h.rt.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    orders = new OrderStore(doc, h.rt.env.TABLE_NAME!, { clock: { now: () => h.rt.clock.now() }, retentionDays: 30 });
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

  it('answers 503 and stores nothing while the queue refuses the event; the platform\'s retry routes it: one receipt', async () => {
    const at = h.at();
    h.rt.setFaults({ sqsSendFailureRate: 1 });
    try {
      const refused = await h.post('order.placed', { order: h.order('QUEUE-1') }, { at, eventId: 'queue-1-placed' });

      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('queue_unavailable');
      expect((await orders.load(GENERIC_STORE, 'QUEUE-1')).events).toEqual([]);
      expect(await h.rt.outboxEvents()).toBe(0);
    } finally {
      h.rt.setFaults({ sqsSendFailureRate: 0 });
    }

    const retried = await h.post('order.placed', { order: h.order('QUEUE-1') }, { at, eventId: 'queue-1-placed' });
    expect(retried.status).toBe(202);
    await h.waitForEmail('QUEUE-1', 'receipt');
    await h.rt.whenIdle();

    expect((await h.emails('QUEUE-1')).map((e) => e.kind)).toEqual(['receipt']);
    expect((await orders.load(GENERIC_STORE, 'QUEUE-1')).events.map((e) => e.eventId)).toEqual(['queue-1-placed']);
    // Nothing is open while it waits: its walk rests in the shipment wait.
    expect((await h.position('QUEUE-1'))?.state).toBe('AwaitShipment');
  }, 90_000);

  it('queues a healthy event once and puts nothing in the outbox index', async () => {
    const delivered = h.rt.stats().sqs.messagesDelivered;
    const answer = await h.post('order.placed', { order: h.order('QUEUE-2') });
    expect(answer.status).toBe(202);
    expect(await h.rt.outboxEvents()).toBe(0);
    await h.waitForEmail('QUEUE-2', 'receipt');
    await h.rt.whenIdle();
    // A few sweeps later nothing more was delivered for it.
    const runs = h.rt.stats().schedules.runs;
    await until('the sweeper ran again', () => h.rt.stats().schedules.runs >= runs + 3);
    await h.rt.whenIdle();

    expect((await h.emails('QUEUE-2')).map((e) => e.kind)).toEqual(['receipt']);
    expect(h.rt.stats().sqs.messagesDelivered - delivered).toBe(1);
    expect(await h.rt.outboxEvents()).toBe(0);
  }, 90_000);

  it('drains an event an earlier version stored in the outbox index and never queued: the sweeper queues it once, one receipt', async () => {
    // As an earlier version's ingest left it when it died between its put and its send.
    const order = h.order('LEGACY-1');
    const event = { eventId: 'legacy-1-placed', store: GENERIC_STORE, source: 'generic', occurredAt: order.placedAt, type: 'order.placed', data: { order } } as DomainEvent;
    await doc.send(
      new PutCommand({
        TableName: h.rt.env.TABLE_NAME!,
        Item: {
          pk: keys.order(GENERIC_STORE, 'LEGACY-1'),
          sk: keys.eventSk(event.occurredAt, event.eventId),
          itemType: 'event',
          event,
          receivedAt: h.at(),
          // Real epoch ms, past the sweeper's grace.
          outboxPk: OUTBOX_PENDING,
          outboxSk: Date.now() - 60_000,
        },
      }),
    );
    expect(await h.rt.outboxEvents()).toBe(1);
    const delivered = h.rt.stats().sqs.messagesDelivered;

    await h.waitForEmail('LEGACY-1', 'receipt');
    await until('the outbox index is empty', async () => (await h.rt.outboxEvents()) === 0);
    const runs = h.rt.stats().schedules.runs;
    await until('the sweeper ran again', () => h.rt.stats().schedules.runs >= runs + 3);
    await h.rt.whenIdle();

    expect((await h.emails('LEGACY-1')).map((e) => e.kind)).toEqual(['receipt']);
    expect(h.rt.stats().sqs.messagesDelivered - delivered).toBe(1);
  }, 90_000);
});
