/**
 * Handing events to the event queue (SQS), shared by ingest (before it stores them) and the
 * outbox sweeper (legacy stored events). Batches of ten (SendMessageBatch's limit); any entry SQS
 * did not take fails the whole call: ingest then stores nothing and answers 503, the sweeper
 * leaves the events in the outbox for its next run. Batches already taken are routed anyway.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DomainEvent } from '../domain/events.js';

/** Resolves with each event's SQS message id, in the events' order. */
export type Enqueue = (events: readonly DomainEvent[]) => Promise<string[]>;

export function sqsEnqueue(sqs: SQSClient, queueUrl: string): Enqueue {
  return async (events) => {
    const ids: string[] = [];
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const res = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((e, j) => ({ Id: String(j), MessageBody: JSON.stringify(e) })),
        }),
      );
      if (res.Failed?.length) throw new Error(`${res.Failed.length} events not queued`);
      const byId = new Map((res.Successful ?? []).map((r) => [r.Id, r.MessageId]));
      batch.forEach((_, j) => {
        const id = byId.get(String(j));
        if (!id) throw new Error(`event ${i + j} queued without a message id`);
        ids.push(id);
      });
    }
    return ids;
  };
}
