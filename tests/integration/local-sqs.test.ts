import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, startServer } from '../../local/aws-json.js';
import { LocalSqs, md5OfAttributes } from '../../local/sqs.js';
import type { EventSourceDefinition, QueueDefinition } from '../../local/template.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function harness(handler: (event: SQSEvent) => unknown, options: { snapshotFile?: string } = {}) {
  const port = { url: '' };
  const queue = (name: string, deadLetter?: QueueDefinition['deadLetter']): QueueDefinition => ({
    logicalId: name,
    name,
    url: `http://127.0.0.1/000000000000/${name}`,
    arn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
    fifo: false,
    visibilityTimeoutSeconds: 30,
    delaySeconds: 0,
    deadLetter,
  });
  const dlq = queue('EventsDlq');
  const events = queue('Events', { arn: dlq.arn, maxReceiveCount: 5 });
  const source: EventSourceDefinition = {
    queueArn: events.arn,
    functionLogicalId: 'Router',
    entry: 'router',
    batchSize: 10,
    batchingWindowSeconds: 0,
    reportBatchItemFailures: true,
  };
  const batches: SQSEvent[] = [];
  const sqs = new LocalSqs({
    queues: [dlq, events],
    eventSources: [source],
    timeScale: 3000, // visibility timeout 30 s → 10 ms
    snapshotFile: options.snapshotFile,
    invoke: async (_id, event) => {
      batches.push(event);
      return handler(event);
    },
  });
  const { server, url } = await startServer(sqs.listener);
  port.url = url;
  const client = new SQSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  cleanups.push(async () => {
    client.destroy();
    await sqs.close();
    await closeServer(server);
  });
  return { sqs, client, batches, queueUrl: `${url}/000000000000/Events` };
}

describe('local SQS stand-in', () => {
  it('accepts SendMessageBatch from the SDK (MD5 checked) and delivers one SQS event to the function', async () => {
    const h = await harness(() => ({ batchItemFailures: [] }));

    const sent = await h.client.send(
      new SendMessageBatchCommand({
        QueueUrl: h.queueUrl,
        Entries: Array.from({ length: 10 }, (_, i) => ({
          Id: `m${i}`,
          MessageBody: JSON.stringify({ n: i, text: 'héllo ✓' }),
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'order_created' } },
        })),
      }),
    );
    await h.sqs.whenIdle();

    expect(sent.Successful).toHaveLength(10);
    expect(sent.Failed ?? []).toHaveLength(0);
    expect(h.batches).toHaveLength(1);
    const record = h.batches[0]!.Records[0]!;
    expect(JSON.parse(record.body)).toEqual({ n: 0, text: 'héllo ✓' });
    expect(record).toMatchObject({ eventSource: 'aws:sqs', attributes: { ApproximateReceiveCount: '1' } });
    expect(record.messageAttributes.kind?.stringValue).toBe('order_created');
    expect(h.sqs.stats()).toMatchObject({ sent: 10, messagesDelivered: 10, queued: 0, inFlight: 0 });
  });

  it('accepts SendMessage from the SDK', async () => {
    const h = await harness(() => undefined);

    const sent = await h.client.send(new SendMessageCommand({ QueueUrl: h.queueUrl, MessageBody: '{"a":1}' }));
    await h.sqs.whenIdle();

    expect(sent.MessageId).toBeTruthy();
    expect(h.batches[0]?.Records[0]?.messageId).toBe(sent.MessageId);
  });

  it('redelivers only the reported batch item failures, and dead-letters after 5 receives', async () => {
    const h = await harness((event) => ({
      batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({ itemIdentifier: r.messageId })),
    }));

    await h.client.send(
      new SendMessageBatchCommand({
        QueueUrl: h.queueUrl,
        Entries: [
          { Id: 'good', MessageBody: 'fine' },
          { Id: 'bad', MessageBody: 'poison' },
        ],
      }),
    );
    await h.sqs.whenIdle();

    const deliveries = h.batches.flatMap((b) => b.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
    expect(deliveries.filter((d) => d.startsWith('fine'))).toEqual(['fine#1']);
    expect(deliveries.filter((d) => d.startsWith('poison'))).toEqual(['poison#1', 'poison#2', 'poison#3', 'poison#4', 'poison#5']);
    expect(h.sqs.deadLetters().map((m) => m.body)).toEqual(['poison']);
    expect(h.sqs.stats()).toMatchObject({ deadLettered: 1, deadLetterDepth: 1, queued: 0 });
    const dlqDepth = await h.client.send(
      new GetQueueAttributesCommand({ QueueUrl: h.queueUrl.replace('Events', 'EventsDlq'), AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(dlqDepth.Attributes?.ApproximateNumberOfMessages).toBe('1');
  });

  it('fails the whole batch when the function throws', async () => {
    let calls = 0;
    const h = await harness(() => {
      if (calls++ === 0) throw new Error('router crashed');
      return {};
    });

    await h.client.send(new SendMessageBatchCommand({ QueueUrl: h.queueUrl, Entries: [{ Id: 'a', MessageBody: 'a' }, { Id: 'b', MessageBody: 'b' }] }));
    await h.sqs.whenIdle();

    expect(h.batches.map((b) => b.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`))).toEqual([
      ['a#1', 'b#1'],
      ['a#2', 'b#2'],
    ]);
  });

  it('replays dead letters to their source queue with fresh receive counts', async () => {
    let healthy = false;
    const h = await harness((event) => (healthy ? {} : { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) }));
    await h.client.send(new SendMessageCommand({ QueueUrl: h.queueUrl, MessageBody: 'late' }));
    await h.sqs.whenIdle();
    expect(h.sqs.deadLetters()).toHaveLength(1);

    healthy = true;
    const moved = h.sqs.replayDeadLetters();
    await h.sqs.whenIdle();

    expect(moved).toBe(1);
    expect(h.sqs.deadLetters()).toHaveLength(0);
    expect(h.batches.at(-1)?.Records[0]?.attributes.ApproximateReceiveCount).toBe('1');
  });

  it('rejects a batch of more than 10 entries as the service does', async () => {
    const h = await harness(() => ({}));

    const error = await h.client
      .send(new SendMessageBatchCommand({ QueueUrl: h.queueUrl, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })) }))
      .catch((e: Error) => e);

    expect((error as Error).name).toBe('TooManyEntriesInBatchRequest');
  });

  it('keeps undelivered messages across a restart', async () => {
    const snapshotFile = join(mkdtempSync(join(tmpdir(), 'sqs-')), 'sqs.json');
    const first = await harness(() => new Promise(() => undefined), { snapshotFile }); // never finishes
    await first.client.send(new SendMessageCommand({ QueueUrl: first.queueUrl, MessageBody: 'survivor' }));
    await new Promise((r) => setTimeout(r, 20));
    await first.sqs.close();

    const second = await harness(() => ({}), { snapshotFile });
    await second.sqs.whenIdle();

    expect(second.batches.flatMap((b) => b.Records.map((r) => r.body))).toEqual(['survivor']);
  });

  it('computes MD5OfMessageAttributes over length-prefixed name, type, transport byte and value, names sorted', () => {
    const field = (s: string) => {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      return Buffer.concat([len, b]);
    };
    const expected = createHash('md5')
      .update(Buffer.concat([field('a'), field('String'), Buffer.from([1]), field('x'), field('b'), field('Number'), Buffer.from([1]), field('2')]))
      .digest('hex');

    const actual = md5OfAttributes({ b: { DataType: 'Number', StringValue: '2' }, a: { DataType: 'String', StringValue: 'x' } });

    expect(actual).toBe(expected);
  });
});
