/**
 * The outbox sweeper's core with an in-memory outbox of legacy items (events an earlier version
 * stored in the outbox index; no new event enters it): what counts as stranded, and what stays
 * when the queue refuses a batch.
 */
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../functions/domain/events.js';
import { OutboxSweepError, sweepOutbox, type SweepDeps } from '../../functions/services/sweep-outbox.js';
import { anOrder, events } from '../support/builders.js';

const NOW_MS = Date.parse('2026-12-01T12:00:00Z');

/** The outbox index: events with the real time they were stored, as OrderStore keeps them. */
function memoryOutbox(entries: Array<{ event: DomainEvent; storedAtMs: number }>) {
  const pending = new Map(entries.map((e) => [e.event.eventId, e]));
  const orders: SweepDeps['orders'] = {
    outboxEvents: async (beforeMs, limit) =>
      [...pending.values()]
        .filter((e) => e.storedAtMs < beforeMs)
        .sort((a, b) => a.storedAtMs - b.storedAtMs)
        .slice(0, limit)
        .map((e) => e.event),
    markQueued: async (queued) => {
      for (const e of queued) pending.delete(e.eventId);
    },
  };
  return { orders, pending: () => [...pending.keys()] };
}

const placed = (n: number) => events.placed(anOrder({ orderId: `O-${n}`, orderName: `#O-${n}` }), `placed-${n}`);

describe('sweeping the outbox', () => {
  it('queues only the events stored longer ago than the grace, and takes them out of the outbox', async () => {
    const outbox = memoryOutbox([
      { event: placed(1), storedAtMs: NOW_MS - 60_000 },
      { event: placed(2), storedAtMs: NOW_MS - 21_000 },
      { event: placed(3), storedAtMs: NOW_MS - 5_000 }, // its ingest may still be running
    ]);
    const queued: string[] = [];

    const result = await sweepOutbox({
      orders: outbox.orders,
      enqueue: async (batch) => void queued.push(...batch.map((e) => e.eventId)),
      graceSeconds: 20,
      nowMs: () => NOW_MS,
    });

    expect(result).toEqual({ queued: 2, failed: 0 });
    expect(queued).toEqual(['placed-1', 'placed-2']);
    expect(outbox.pending()).toEqual(['placed-3']);
  });

  it('keeps a batch the queue refused for the next run, queues the others, and fails so the alarm sees it', async () => {
    const outbox = memoryOutbox(Array.from({ length: 25 }, (_, i) => ({ event: placed(i), storedAtMs: NOW_MS - 60_000 + i })));
    let call = 0;
    const run = sweepOutbox({
      orders: outbox.orders,
      enqueue: async () => {
        if (++call === 2) throw new Error('queue refused');
      },
      graceSeconds: 20,
      nowMs: () => NOW_MS,
    });

    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboxSweepError);
    expect((error as OutboxSweepError).result).toEqual({ queued: 15, failed: 10 });
    expect(outbox.pending()).toEqual(Array.from({ length: 10 }, (_, i) => `placed-${i + 10}`));
  });

  it('queues at most maxEvents in one run, oldest first', async () => {
    const outbox = memoryOutbox(Array.from({ length: 5 }, (_, i) => ({ event: placed(i), storedAtMs: NOW_MS - 60_000 - i })));
    const result = await sweepOutbox({ orders: outbox.orders, enqueue: async () => {}, graceSeconds: 20, nowMs: () => NOW_MS, maxEvents: 3 });

    expect(result.queued).toBe(3);
    expect(outbox.pending()).toEqual(['placed-0', 'placed-1']);
  });
});
