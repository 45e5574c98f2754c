/**
 * The one hand-written AWS stand-in of the local runtime. No SQS emulator on npm is kept up and
 * runs in-process (checked), and the product needs very little of SQS: the ingest function
 * sends (SendMessage / SendMessageBatch over the AWS JSON 1.0 protocol that SDK v3 speaks), and
 * Lambda's event source mapping delivers to the router. So this implements exactly that, with
 * the semantics the product relies on: batches of up to BatchSize, a short batching window,
 * partial batch failures (`batchItemFailures`), redelivery after the visibility timeout (scaled),
 * and a move to the dead-letter queue after maxReceiveCount receives. Everything else answers
 * UnknownOperationException, so a handler that starts using more of SQS fails loudly here.
 */
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { AwsError, awsJsonListener } from './aws-json.js';
import type { EventSourceDefinition, QueueDefinition } from './template.js';
import { realClearTimeout, realSetTimeout } from './timers.js';

const MAX_MESSAGE_BYTES = 1024 * 1024; // SQS raised the limit from 256 KiB to 1 MiB in 2025
const DEDUPE_WINDOW_MS = 5 * 60 * 1000;

interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string; // base64 in the JSON protocol
}

export interface QueuedMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes?: Record<string, MessageAttribute>;
  md5OfAttributes?: string;
  sentTimestamp: number;
  firstReceiveTimestamp?: number;
  receiveCount: number;
  /** Epoch ms from which it may be received. */
  visibleAt: number;
  groupId?: string;
  deduplicationId?: string;
  sequenceNumber?: string;
}

interface QueueState {
  def: QueueDefinition;
  messages: QueuedMessage[];
  inFlight: Map<string, QueuedMessage>;
  dedupe: Map<string, { messageId: string; sequenceNumber?: string; at: number }>;
}

interface SourceState {
  def: EventSourceDefinition;
  queue: QueueState;
  running: number;
  concurrency: number;
  windowMs: number;
  windowStart?: number;
}

export interface LocalSqsOptions {
  queues: QueueDefinition[];
  eventSources: EventSourceDefinition[];
  /** Invokes a function by logical id; resolves with its result. */
  invoke: (functionLogicalId: string, event: SQSEvent) => Promise<unknown>;
  /** Virtual seconds per real second; divides visibility timeouts, delays and batching windows. @default 1 */
  timeScale?: number;
  region?: string;
  /** Where queued messages are kept across restarts. @default - in memory only */
  snapshotFile?: string;
  /** Batching window in ms. @default the event source's window, scaled, between 5 ms and maxBatchingWindowMs */
  batchingWindowMs?: number;
  /** Upper bound of the default batching window. @default no bound */
  maxBatchingWindowMs?: number;
  /** Shortest visibility timeout in ms, however large the time scale. @default 5 */
  minVisibilityMs?: number;
  /** Concurrent batches per event source. @default the source's MaximumConcurrency or 5 */
  concurrency?: number;
  /** Probability that SendMessage(Batch) answers 500 and queues nothing (fault injection). @default 0 */
  sendFailureRate?: number;
  random?: () => number;
  log?: (line: string) => void;
}

export interface SqsStats {
  sent: number;
  batchesDelivered: number;
  messagesDelivered: number;
  failedDeliveries: number;
  deadLettered: number;
  replayed: number;
  queued: number;
  inFlight: number;
  deadLetterDepth: number;
  /** SendMessage(Batch) calls refused by the injected fault. */
  sendsRefused: number;
}

export const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

/** MD5OfMessageAttributes as SQS computes it (names sorted; length-prefixed name, type, transport byte, value). */
export function md5OfAttributes(attributes: Record<string, MessageAttribute>): string {
  const parts: Buffer[] = [];
  const prefixed = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  };
  for (const name of Object.keys(attributes).sort()) {
    const a = attributes[name]!;
    prefixed(Buffer.from(name, 'utf8'));
    prefixed(Buffer.from(a.DataType, 'utf8'));
    const binary = a.DataType.startsWith('Binary');
    parts.push(Buffer.from([binary ? 2 : 1]));
    prefixed(binary ? Buffer.from(a.BinaryValue ?? '', 'base64') : Buffer.from(a.StringValue ?? '', 'utf8'));
  }
  return md5(Buffer.concat(parts));
}

const queueError = (type: string, queryCode: string, message: string) =>
  new AwsError(`com.amazonaws.sqs#${type}`, message, 400, { 'x-amzn-query-error': `${queryCode};Sender` });

export class LocalSqs {
  private readonly queues = new Map<string, QueueState>();
  private readonly sources: SourceState[] = [];
  private readonly scale: number;
  private sequence = 0;
  private wakeTimer: ReturnType<typeof setTimeout> | undefined;
  private wakeAt = Infinity;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly counters = { sent: 0, batchesDelivered: 0, messagesDelivered: 0, failedDeliveries: 0, deadLettered: 0, replayed: 0, sendsRefused: 0 };
  private sendFailureRate: number;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: LocalSqsOptions) {
    this.scale = options.timeScale ?? 1;
    this.sendFailureRate = options.sendFailureRate ?? 0;
    for (const def of options.queues) this.queues.set(def.name, { def, messages: [], inFlight: new Map(), dedupe: new Map() });
    for (const def of options.eventSources) {
      const queue = [...this.queues.values()].find((q) => q.def.arn === def.queueArn);
      if (!queue) continue;
      this.sources.push({
        def,
        queue,
        running: 0,
        concurrency: options.concurrency ?? def.maximumConcurrency ?? 5,
        windowMs:
          options.batchingWindowMs ??
          Math.max(5, Math.min(options.maxBatchingWindowMs ?? Infinity, (def.batchingWindowSeconds * 1000) / this.scale)),
      });
    }
    if (options.snapshotFile) this.restore(options.snapshotFile);
    this.pump();
  }

  /** Sets the probability that a send is refused with a 500 (see LocalFaults.sqsSendFailureRate). */
  setSendFailureRate(rate: number): void {
    this.sendFailureRate = rate;
  }

  private maybeRefuseSend(): void {
    if (this.sendFailureRate > 0 && (this.options.random ?? Math.random)() < this.sendFailureRate) {
      this.counters.sendsRefused++;
      throw new AwsError('com.amazonaws.sqs#InternalError', 'Injected fault: the queue refused the message (sqsSendFailureRate)', 500);
    }
  }

  /** The request listener for the local `AWS_ENDPOINT_URL_SQS` endpoint. */
  readonly listener = awsJsonListener('AmazonSQS', {
    SendMessage: (i) => {
      this.maybeRefuseSend();
      const queue = this.queueByUrl(i.QueueUrl);
      const r = this.enqueue(queue, i);
      return { MessageId: r.messageId, MD5OfMessageBody: r.md5OfBody, ...(r.md5OfAttributes ? { MD5OfMessageAttributes: r.md5OfAttributes } : {}), ...(r.sequenceNumber ? { SequenceNumber: r.sequenceNumber } : {}) };
    },
    SendMessageBatch: (i) => {
      this.maybeRefuseSend();
      const queue = this.queueByUrl(i.QueueUrl);
      const entries = (i.Entries as Array<Record<string, unknown>> | undefined) ?? [];
      if (entries.length === 0) throw queueError('EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest', 'There should be at least one SendMessageBatchRequestEntry in the request.');
      if (entries.length > 10) throw queueError('TooManyEntriesInBatchRequest', 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${entries.length}.`);
      const ids = entries.map((e) => String(e.Id));
      if (new Set(ids).size !== ids.length) throw queueError('BatchEntryIdsNotDistinct', 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 'Id values must be distinct');
      const total = entries.reduce((n, e) => n + Buffer.byteLength(String(e.MessageBody ?? '')), 0);
      if (total > MAX_MESSAGE_BYTES) throw queueError('BatchRequestTooLong', 'AWS.SimpleQueueService.BatchRequestTooLong', 'Batch requests cannot be longer than 1048576 bytes.');
      const Successful: unknown[] = [];
      const Failed: unknown[] = [];
      for (const e of entries) {
        try {
          const r = this.enqueue(queue, e);
          Successful.push({ Id: e.Id, MessageId: r.messageId, MD5OfMessageBody: r.md5OfBody, ...(r.md5OfAttributes ? { MD5OfMessageAttributes: r.md5OfAttributes } : {}), ...(r.sequenceNumber ? { SequenceNumber: r.sequenceNumber } : {}) });
        } catch (err) {
          Failed.push({ Id: e.Id, SenderFault: true, Code: err instanceof AwsError ? err.type.replace(/^.*#/, '') : 'InternalError', Message: err instanceof Error ? err.message : String(err) });
        }
      }
      return { Successful, Failed };
    },
    GetQueueUrl: (i) => {
      const q = this.queues.get(String(i.QueueName));
      if (!q) throw queueError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
      return { QueueUrl: q.def.url };
    },
    GetQueueAttributes: (i) => {
      const q = this.queueByUrl(i.QueueUrl);
      const now = Date.now();
      return {
        Attributes: {
          QueueArn: q.def.arn,
          ApproximateNumberOfMessages: String(q.messages.filter((m) => m.visibleAt <= now).length),
          ApproximateNumberOfMessagesNotVisible: String(q.inFlight.size),
          ApproximateNumberOfMessagesDelayed: String(q.messages.filter((m) => m.visibleAt > now).length),
          VisibilityTimeout: String(q.def.visibilityTimeoutSeconds),
          ...(q.def.deadLetter ? { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: q.def.deadLetter.arn, maxReceiveCount: q.def.deadLetter.maxReceiveCount }) } : {}),
        },
      };
    },
    // A look at a queue no function consumes (the dead-letter queue), as the console takes it:
    // VisibilityTimeout 0 leaves every message where it is. Anything else is not emulated.
    ReceiveMessage: (i) => {
      const queue = this.queueByUrl(i.QueueUrl);
      if (this.sources.some((s) => s.queue === queue)) throw queueError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', 'The local queue is consumed by its event source mapping; ReceiveMessage is emulated for dead-letter queues only.');
      if (Number(i.VisibilityTimeout ?? 0) !== 0) throw queueError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', 'Locally only VisibilityTimeout 0 (a peek) is emulated.');
      const max = Math.min(10, Math.max(1, Number(i.MaxNumberOfMessages ?? 1)));
      const now = Date.now();
      const Messages = queue.messages.filter((m) => m.visibleAt <= now).slice(0, max).map((m) => {
        m.receiveCount++;
        return {
          MessageId: m.messageId,
          ReceiptHandle: `${m.messageId}#${m.receiveCount}`,
          MD5OfBody: m.md5OfBody,
          Body: m.body,
          Attributes: { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentTimestamp) },
        };
      });
      return Messages.length ? { Messages } : {};
    },
    StartMessageMoveTask: (i) => {
      const dlq = [...this.queues.values()].find((q) => q.def.arn === i.SourceArn);
      if (!dlq) throw queueError('ResourceNotFoundException', 'AWS.SimpleQueueService.NonExistentQueue', 'The resource that you specified for the SourceArn parameter doesn\'t exist.');
      this.replayDeadLetters(dlq.def.arn, i.DestinationArn as string | undefined);
      return { TaskHandle: randomUUID() };
    },
  });

  /** Sends a message from inside the runtime (tests, tools). */
  send(queueName: string, body: string): string {
    const q = this.queues.get(queueName);
    if (!q) throw new Error(`No queue ${queueName}`);
    return this.enqueue(q, { MessageBody: body }).messageId;
  }

  /**
   * Moves every message of the dead-letter queue(s) back to the queue they came from (or to
   * `destinationArn`), with their receive counts reset. Returns how many moved.
   */
  replayDeadLetters(dlqArn?: string, destinationArn?: string): number {
    let moved = 0;
    for (const source of this.queues.values()) {
      const dl = source.def.deadLetter;
      if (!dl || (dlqArn && dl.arn !== dlqArn)) continue;
      const dlq = [...this.queues.values()].find((q) => q.def.arn === dl.arn);
      const target = destinationArn ? [...this.queues.values()].find((q) => q.def.arn === destinationArn) : source;
      if (!dlq || !target) continue;
      for (const m of dlq.messages.splice(0)) {
        target.messages.push({ ...m, receiveCount: 0, firstReceiveTimestamp: undefined, visibleAt: 0 });
        moved++;
      }
    }
    this.counters.replayed += moved;
    this.changed();
    return moved;
  }

  /** Messages sitting in dead-letter queues. */
  deadLetters(): QueuedMessage[] {
    const dlqArns = new Set([...this.queues.values()].flatMap((q) => (q.def.deadLetter ? [q.def.deadLetter.arn] : [])));
    return [...this.queues.values()].filter((q) => dlqArns.has(q.def.arn)).flatMap((q) => q.messages.map((m) => ({ ...m })));
  }

  stats(): SqsStats {
    const dlqArns = new Set([...this.queues.values()].flatMap((q) => (q.def.deadLetter ? [q.def.deadLetter.arn] : [])));
    let queued = 0;
    let inFlight = 0;
    let deadLetterDepth = 0;
    for (const q of this.queues.values()) {
      if (dlqArns.has(q.def.arn)) deadLetterDepth += q.messages.length;
      else queued += q.messages.length;
      inFlight += q.inFlight.size;
    }
    return { ...this.counters, queued, inFlight, deadLetterDepth };
  }

  /** Messages waiting for or being delivered to a function (dead letters not counted). */
  get pending(): number {
    return this.sources.reduce((n, s) => n + s.queue.messages.length + s.queue.inFlight.size, 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.wakeTimer) realClearTimeout(this.wakeTimer);
    if (this.snapshotTimer) realClearTimeout(this.snapshotTimer);
    this.snapshot();
  }

  // -------------------------------------------------------------------------------------------

  private queueByUrl(url: unknown): QueueState {
    const name = String(url ?? '').split('/').pop() ?? '';
    const q = this.queues.get(name);
    if (!q) throw queueError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
    return q;
  }

  private enqueue(queue: QueueState, e: Record<string, unknown>): QueuedMessage {
    const body = e.MessageBody;
    if (typeof body !== 'string' || body.length === 0) {
      throw queueError('InvalidParameterValue', 'InvalidParameterValue', 'The request must contain the parameter MessageBody.');
    }
    if (Buffer.byteLength(body) > MAX_MESSAGE_BYTES) throw queueError('InvalidParameterValue', 'InvalidParameterValue', 'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.');
    const now = Date.now();
    const groupId = e.MessageGroupId as string | undefined;
    let deduplicationId = e.MessageDeduplicationId as string | undefined;
    if (queue.def.fifo) {
      if (!groupId) throw queueError('MissingParameter', 'MissingParameter', 'The request must contain the parameter MessageGroupId.');
      deduplicationId ??= createHash('sha256').update(body).digest('hex');
      for (const [k, v] of queue.dedupe) if (now - v.at > DEDUPE_WINDOW_MS) queue.dedupe.delete(k);
      const seen = queue.dedupe.get(deduplicationId);
      if (seen) return { messageId: seen.messageId, body, md5OfBody: md5(body), sequenceNumber: seen.sequenceNumber, sentTimestamp: now, receiveCount: 0, visibleAt: 0 };
    }
    const attributes = e.MessageAttributes as Record<string, MessageAttribute> | undefined;
    const hasAttributes = attributes && Object.keys(attributes).length > 0;
    const delaySeconds = Number(e.DelaySeconds ?? queue.def.delaySeconds ?? 0);
    const message: QueuedMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5(body),
      attributes: hasAttributes ? attributes : undefined,
      md5OfAttributes: hasAttributes ? md5OfAttributes(attributes) : undefined,
      sentTimestamp: now,
      receiveCount: 0,
      visibleAt: now + (delaySeconds * 1000) / this.scale,
      groupId,
      deduplicationId,
      sequenceNumber: queue.def.fifo ? String(++this.sequence).padStart(20, '0') : undefined,
    };
    if (queue.def.fifo) queue.dedupe.set(deduplicationId!, { messageId: message.messageId, sequenceNumber: message.sequenceNumber, at: now });
    queue.messages.push(message);
    this.counters.sent++;
    // SendMessage answers only once the message is on disk, as SQS answers once it is stored
    // redundantly: a runtime killed right after an acknowledged send still has the message.
    if (this.options.snapshotFile) appendFileSync(`${this.options.snapshotFile}.journal`, JSON.stringify({ queue: queue.def.name, message }) + '\n');
    this.changed();
    return message;
  }

  private pumpQueued = false;

  /** One pump per tick however many messages changed: a burst of sends is scanned once. */
  private changed(): void {
    this.scheduleSnapshot();
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** Delivers what can be delivered now and arms a timer for the next moment something can. */
  private pump(): void {
    if (this.closed) return;
    const now = Date.now();
    let next = Infinity;
    for (const source of this.sources) {
      const q = source.queue;
      // Messages received maxReceiveCount times and visible again go to the dead-letter queue.
      const dl = q.def.deadLetter;
      if (dl) {
        const dlq = [...this.queues.values()].find((x) => x.def.arn === dl.arn);
        for (let i = q.messages.length - 1; i >= 0; i--) {
          const m = q.messages[i]!;
          if (m.visibleAt <= now && m.receiveCount >= dl.maxReceiveCount && dlq) {
            q.messages.splice(i, 1);
            dlq.messages.push({ ...m, visibleAt: 0 });
            this.counters.deadLettered++;
            this.options.log?.(`[sqs] message ${m.messageId} moved to ${dlq.def.name} after ${m.receiveCount} receives`);
            this.scheduleSnapshot();
          }
        }
      }
      while (source.running < source.concurrency) {
        const batch = this.selectBatch(source, now);
        if (batch.length === 0) {
          source.windowStart = undefined;
          break;
        }
        source.windowStart ??= now;
        const windowEnds = source.windowStart + source.windowMs;
        if (batch.length < source.def.batchSize && now < windowEnds) {
          next = Math.min(next, windowEnds);
          break;
        }
        source.windowStart = undefined;
        this.deliver(source, batch, now);
      }
      for (const m of q.messages) if (m.visibleAt > now) next = Math.min(next, m.visibleAt);
    }
    this.armWake(next);
    this.notifyIdle();
  }

  private selectBatch(source: SourceState, now: number): QueuedMessage[] {
    const q = source.queue;
    const batch: QueuedMessage[] = [];
    const blockedGroups = new Set<string>();
    if (q.def.fifo) for (const m of q.inFlight.values()) if (m.groupId) blockedGroups.add(m.groupId);
    for (const m of q.messages) {
      if (batch.length >= source.def.batchSize) break;
      if (q.def.fifo && m.groupId) {
        if (blockedGroups.has(m.groupId)) continue;
        if (m.visibleAt > now) {
          blockedGroups.add(m.groupId); // keep the group's order
          continue;
        }
      } else if (m.visibleAt > now) continue;
      batch.push(m);
    }
    return batch;
  }

  private deliver(source: SourceState, batch: QueuedMessage[], now: number): void {
    const q = source.queue;
    const visibilityMs = Math.max(this.options.minVisibilityMs ?? 5, (q.def.visibilityTimeoutSeconds * 1000) / this.scale);
    const receipts = new Map<string, QueuedMessage>();
    for (const m of batch) {
      q.messages.splice(q.messages.indexOf(m), 1);
      m.receiveCount++;
      m.firstReceiveTimestamp ??= now;
      m.visibleAt = now + visibilityMs;
      q.inFlight.set(m.messageId, m);
      receipts.set(m.messageId, m);
    }
    const event: SQSEvent = { Records: batch.map((m) => this.record(q, m)) };
    source.running++;
    this.counters.batchesDelivered++;
    this.counters.messagesDelivered += batch.length;
    void (async () => {
      let failed: Set<string>;
      try {
        const result = await this.options.invoke(source.def.functionLogicalId, event);
        failed = source.def.reportBatchItemFailures ? this.failedItems(result, receipts) : new Set();
      } catch (e) {
        failed = new Set(receipts.keys());
        this.options.log?.(`[sqs] batch of ${batch.length} to ${source.def.entry} failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      }
      source.running--;
      for (const m of receipts.values()) {
        q.inFlight.delete(m.messageId);
        if (failed.has(m.messageId)) {
          // Visible again once its visibility timeout has passed: keep its place in the queue.
          this.counters.failedDeliveries++;
          q.messages.push(m);
          q.messages.sort((a, b) => a.sentTimestamp - b.sentTimestamp);
        }
      }
      this.changed();
    })();
  }

  /** The messages a partial-batch response marks failed; a malformed response fails the whole batch, as Lambda does. */
  private failedItems(result: unknown, receipts: Map<string, QueuedMessage>): Set<string> {
    if (result === null || result === undefined || typeof result !== 'object') return new Set();
    const failures = (result as Partial<SQSBatchResponse>).batchItemFailures;
    if (failures === undefined || failures === null) return new Set();
    if (!Array.isArray(failures)) return new Set(receipts.keys());
    const ids = new Set<string>();
    for (const f of failures) {
      const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      if (typeof id !== 'string' || !receipts.has(id)) return new Set(receipts.keys());
      ids.add(id);
    }
    return ids;
  }

  private record(q: QueueState, m: QueuedMessage): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: Buffer.from(`${m.messageId}:${m.receiveCount}`).toString('base64'),
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentTimestamp),
        SenderId: 'AIDALOCALSENDER',
        ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp ?? Date.now()),
        ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
        ...(m.deduplicationId ? { MessageDeduplicationId: m.deduplicationId } : {}),
        ...(m.sequenceNumber ? { SequenceNumber: m.sequenceNumber } : {}),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(m.attributes ?? {}).map(([k, a]) => [
          k,
          { dataType: a.DataType, stringValue: a.StringValue, binaryValue: a.BinaryValue, stringListValues: [], binaryListValues: [] },
        ]),
      ),
      md5OfBody: m.md5OfBody,
      ...(m.md5OfAttributes ? { md5OfMessageAttributes: m.md5OfAttributes } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: q.def.arn,
      awsRegion: this.options.region ?? 'us-east-1',
    } as SQSRecord;
  }

  private armWake(at: number): void {
    if (at === Infinity) return;
    if (this.wakeTimer && at >= this.wakeAt) return;
    if (this.wakeTimer) realClearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = realSetTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Infinity;
      this.pump();
    }, Math.max(0, Math.min(at - Date.now(), 2 ** 31 - 1)));
  }

  /** Resolves when no message is queued, in flight or being delivered (dead letters aside). */
  whenIdle(): Promise<void> {
    if (this.pending === 0 && this.sources.every((s) => s.running === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0) return;
    if (this.pending === 0 && this.sources.every((s) => s.running === 0)) for (const w of this.idleWaiters.splice(0)) w();
  }

  // -------------------------------------------------------------------------------------------
  // Persistence: queued and in-flight messages survive a restart (in-flight ones become visible).

  private scheduleSnapshot(): void {
    if (!this.options.snapshotFile || this.snapshotTimer || this.closed) return;
    this.snapshotTimer = realSetTimeout(() => {
      this.snapshotTimer = undefined;
      this.snapshot();
    }, 100);
  }

  private snapshot(): void {
    const file = this.options.snapshotFile;
    if (!file) return;
    const data: Record<string, QueuedMessage[]> = {};
    for (const [name, q] of this.queues) data[name] = [...q.messages, ...q.inFlight.values()];
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify({ sequence: this.sequence, queues: data }));
    renameSync(`${file}.tmp`, file);
    // The snapshot holds everything journaled so far.
    writeFileSync(`${file}.journal`, '');
  }

  private restore(file: string): void {
    try {
      this.restoreSnapshot(file);
    } finally {
      this.replayJournal(`${file}.journal`);
    }
  }

  /** Sends acknowledged since the last snapshot (a line cut short by a crash was never acknowledged). */
  private replayJournal(journal: string): void {
    if (!existsSync(journal)) return;
    const known = new Set<string>();
    for (const q of this.queues.values()) for (const m of q.messages) known.add(m.messageId);
    for (const line of readFileSync(journal, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let entry: { queue: string; message: QueuedMessage };
      try {
        entry = JSON.parse(line) as { queue: string; message: QueuedMessage };
      } catch {
        continue;
      }
      const q = this.queues.get(entry.queue);
      if (!q || known.has(entry.message.messageId)) continue;
      known.add(entry.message.messageId);
      q.messages.push({ ...entry.message, visibleAt: Math.min(entry.message.visibleAt, Date.now()) });
    }
    for (const q of this.queues.values()) q.messages.sort((a, b) => a.sentTimestamp - b.sentTimestamp);
  }

  private restoreSnapshot(file: string): void {
    if (!existsSync(file)) return;
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { sequence?: number; queues: Record<string, QueuedMessage[]> };
      this.sequence = data.sequence ?? 0;
      for (const [name, messages] of Object.entries(data.queues)) {
        const q = this.queues.get(name);
        if (!q) continue;
        q.messages.push(...messages.map((m) => ({ ...m, visibleAt: Math.min(m.visibleAt, Date.now()) })));
        q.messages.sort((a, b) => a.sentTimestamp - b.sentTimestamp);
      }
    } catch (e) {
      this.options.log?.(`[sqs] could not read ${file}: ${e instanceof Error ? e.message : String(e)}; starting with empty queues`);
    }
  }
}
