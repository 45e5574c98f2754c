/**
 * The events queue's dead letters for the console: a look at what waits (ReceiveMessage with
 * a visibility timeout of 0, which leaves every message where it is) and a replay with SQS's
 * own redrive (StartMessageMoveTask back to the queue each came from), exactly what
 * `npm run replay-dead-letters` starts.
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand, StartMessageMoveTaskCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { domainEventSchema, type DomainEvent } from '../domain/events.js';

export interface DeadLetter {
  messageId: string;
  /** The stored event, when the body is one. */
  event?: DomainEvent;
  body: string;
  receiveCount: number;
  sentAt?: string;
}

export class DeadLetterQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly queueArn: string,
  ) {}

  /** About how many messages wait (SQS's approximate count). */
  async depth(): Promise<number> {
    const res = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    return Number(res.Attributes?.ApproximateNumberOfMessages ?? 0);
  }

  /** Up to 10 dead letters, left in the queue. */
  async peek(): Promise<DeadLetter[]> {
    const res = await this.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'] }),
    );
    return (res.Messages ?? []).map((m) => {
      const body = m.Body ?? '';
      let event: DomainEvent | undefined;
      try {
        const parsed = domainEventSchema.safeParse(JSON.parse(body));
        if (parsed.success) event = parsed.data;
      } catch {
        /* not JSON: shown as text */
      }
      const sent = Number(m.Attributes?.SentTimestamp);
      return {
        messageId: m.MessageId ?? '',
        body,
        ...(event ? { event } : {}),
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
        ...(Number.isFinite(sent) && sent > 0 ? { sentAt: new Date(sent).toISOString() } : {}),
      };
    });
  }

  /** Moves every dead letter back to its source queue; resolves with the move task's handle. */
  async replayAll(): Promise<string | undefined> {
    const res = await this.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: this.queueArn }));
    return res.TaskHandle;
  }
}
