/**
 * The outbox sweeper, now the drain of the legacy event outbox. Earlier versions stored each
 * event in the outbox index first and took it out once SQS accepted it; ingest now queues each
 * event before it stores it and writes nothing to the index (functions/services/ingest-webhook.ts),
 * so no new event enters it. What is left there are events stored by an earlier version whose
 * enqueue failed, or whose ingest died between the put and the send (or between the send and
 * the removal). The sweeper, run every minute by a schedule, queues those and takes them out,
 * until the index holds no event (a query of the empty partition a minute costs next to
 * nothing); it can go once no deployment's index holds one.
 *
 * The grace is at least ingest's timeout, so an old invocation still under way is never swept;
 * an event swept twice, or swept after all, is routed twice, which routing absorbs (executions
 * start by name; waiting states are settled by a decision on the stored order, not by the
 * message). A failed enqueue leaves the events in place for the next run and fails this one,
 * so the function's error alarm shows a queue that refuses messages.
 */
import type { DomainEvent } from '../domain/events.js';
import type { OrderStore } from '../adapters/order-store.js';

export interface SweepDeps {
  orders: Pick<OrderStore, 'outboxEvents' | 'markQueued'>;
  /** The queue's send (adapters/event-queue.ts); the sweeper needs no message ids. */
  enqueue: (events: readonly DomainEvent[]) => Promise<unknown>;
  /**
   * How long after it was stored an event still in the outbox counts as stranded, in real
   * seconds: it must outlast an invocation of ingest, and function timeouts are real time even
   * where the local runtime makes workflow time pass faster.
   */
  graceSeconds: number;
  /** Real time, epoch ms. @default Date.now */
  nowMs?: () => number;
  /** Most events one run queues; the rest wait for the next run. @default 500 */
  maxEvents?: number;
}

export interface SweepResult {
  /** Stranded events found and queued. */
  queued: number;
  /** Found but not queued (the queue refused them); they stay for the next run. */
  failed: number;
}

export class OutboxSweepError extends Error {
  constructor(readonly result: SweepResult, cause: unknown) {
    super(`the queue refused ${result.failed} stranded event(s); they stay in the outbox for the next run`, { cause });
    this.name = 'OutboxSweepError';
  }
}

/** Queues every event stranded in the outbox (up to maxEvents) and takes it out. */
export async function sweepOutbox(deps: SweepDeps): Promise<SweepResult> {
  const before = (deps.nowMs ?? Date.now)() - deps.graceSeconds * 1000;
  const stranded = await deps.orders.outboxEvents(before, deps.maxEvents ?? 500);
  let queued = 0;
  let failure: unknown;
  // Ten at a time (one SendMessageBatch): a refusal keeps only that batch in the outbox.
  for (let i = 0; i < stranded.length; i += 10) {
    const batch: DomainEvent[] = stranded.slice(i, i + 10);
    try {
      await deps.enqueue(batch);
    } catch (e) {
      failure ??= e;
      continue;
    }
    await deps.orders.markQueued(batch);
    queued += batch.length;
  }
  const result = { queued, failed: stranded.length - queued };
  if (failure !== undefined) throw new OutboxSweepError(result, failure);
  return result;
}
