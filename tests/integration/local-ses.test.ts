import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateEmailTemplateCommand, GetEmailTemplateCommand, SendEmailCommand, SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import type { SNSEvent, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../local/outbox.js';
import { LocalSes, type LocalSesOptions, type SesFaults } from '../../local/ses.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

interface SesEvent {
  eventType: string;
  mail: { messageId: string; tags: Record<string, string[]>; destination: string[]; source: string };
  bounce?: { bounceType: string };
}

async function harness(faults: SesFaults = {}, outboxFile?: string, sendEvent?: 'before-answer' | 'after-answer', eventDelayMs?: number, routeOf?: LocalSesOptions['routeOf']) {
  const events: SesEvent[] = [];
  /** How each event arrived: through the queue (an SQS record) or from the topic (an SNS record). */
  const via: string[] = [];
  const outbox = new Outbox(outboxFile);
  const ses = await LocalSes.start({
    outbox,
    configurationSetName: 'Mail',
    faults,
    sendEvent,
    eventDelayMs,
    ...(routeOf ? { routeOf } : {}),
    deliverEvent: async (event: SQSEvent | SNSEvent) => {
      const record = event.Records[0]!;
      const fromTopic = 'Sns' in record;
      const body = JSON.parse(fromTopic ? record.Sns.Message : record.body) as SesEvent;
      via.push(`${body.eventType}:${fromTopic ? 'topic' : 'queue'}`);
      events.push(body);
    },
  });
  // No SDK retries: each test sees exactly what one request got.
  const client = new SESv2Client({ endpoint: ses.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  cleanups.push(async () => {
    client.destroy();
    await ses.close();
  });
  return { ses, client, events, outbox, via };
}

const email = (to = 'shopper@example.com', tags: Record<string, string> = {}): SendEmailCommandInput => ({
  FromEmailAddress: 'Acme <orders@acme.test>',
  Destination: { ToAddresses: [to] },
  ConfigurationSetName: 'Mail',
  EmailTags: Object.entries({ kind: 'receipt', store: 'acme', orderId: '1001', claim: 'abc-123', ...tags }).map(([Name, Value]) => ({ Name, Value })),
  Content: {
    Simple: {
      Subject: { Data: 'Your order #1001' },
      Body: { Html: { Data: '<p>Thanks</p>' }, Text: { Data: 'Thanks' } },
      Headers: [{ Name: 'List-Unsubscribe', Value: '<https://example.test/u>' }],
    },
  },
});

describe('local SES proxy', () => {
  it('records the tags of an accepted email with its message id', async () => {
    const h = await harness();

    const { MessageId } = await h.client.send(new SendEmailCommand(email()));

    expect(MessageId).toBeTruthy();
    expect(h.outbox.list()).toEqual([
      expect.objectContaining({
        messageId: MessageId,
        to: 'shopper@example.com',
        from: 'Acme <orders@acme.test>',
        subject: 'Your order #1001',
        html: '<p>Thanks</p>',
        text: 'Thanks',
        headers: { 'List-Unsubscribe': '<https://example.test/u>' },
        kind: 'receipt',
        store: 'acme',
        orderId: '1001',
        tags: { kind: 'receipt', store: 'acme', orderId: '1001', claim: 'abc-123' },
      }),
    ]);
  });

  it('publishes Send then Delivery events carrying the tags to the event function', async () => {
    const h = await harness();

    const { MessageId } = await h.client.send(new SendEmailCommand(email()));
    await h.ses.whenIdle();

    expect(h.events.map((e) => e.eventType)).toEqual(['Send', 'Delivery']);
    expect(h.events[1]!.mail).toMatchObject({
      messageId: MessageId,
      destination: ['shopper@example.com'],
      tags: { claim: ['abc-123'], kind: ['receipt'], 'ses:configuration-set': ['Mail'] },
    });
  });

  it("routes each event by the topic's subscriptions: Delivery from the topic itself, the rest through the queue, which alone it counts as queued", async () => {
    const h = await harness({}, undefined, undefined, undefined, (type) => (type === 'Delivery' ? ['function'] : ['queue']));
    await h.client.send(new SendEmailCommand(email()));
    await h.ses.whenIdle();
    expect(h.via).toEqual(['Send:queue', 'Delivery:topic']);
    expect(h.ses.stats()).toMatchObject({ events: { Send: 1, Delivery: 1 }, queuedEvents: 1 });
    // No subscription takes it: published, delivered nowhere.
    const none = await harness({}, undefined, undefined, undefined, () => []);
    await none.client.send(new SendEmailCommand(email()));
    await none.ses.whenIdle();
    expect(none.via).toEqual([]);
    expect(none.ses.stats()).toMatchObject({ events: { Send: 1, Delivery: 1 }, queuedEvents: 0 });
  });

  it('delivers the Send event before SendEmail answers by default, after it when told to (as SES on AWS)', async () => {
    for (const [mode, seenAtAnswer] of [[undefined, ['Send']], ['after-answer', []]] as const) {
      // Events 300 ms after their cause: after-answer must not be a race the answer wins by luck.
      const h = await harness({}, undefined, mode, 300);
      await h.client.send(new SendEmailCommand(email()));
      const atAnswer = h.events.map((e) => e.eventType);
      await h.ses.whenIdle();

      expect(atAnswer, String(mode)).toEqual(seenAtAnswer);
      expect(h.events.map((e) => e.eventType), String(mode)).toEqual(['Send', 'Delivery']);
    }
  });

  it('bounces mail to the SES mailbox simulator and on demand', async () => {
    const h = await harness();

    await h.client.send(new SendEmailCommand(email('bounce@simulator.amazonses.com')));
    const { MessageId } = await h.client.send(new SendEmailCommand(email()));
    await h.ses.whenIdle();
    await h.ses.simulateBounce(MessageId!);

    const bounces = h.events.filter((e) => e.eventType === 'Bounce');
    expect(bounces.map((b) => b.mail.destination[0])).toEqual(['bounce@simulator.amazonses.com', 'shopper@example.com']);
    expect(bounces[0]!.bounce?.bounceType).toBe('Permanent');
  });

  it('answers 429 TooManyRequestsException without sending when throttled', async () => {
    const h = await harness({ sesThrottleRate: 1 });

    const error = (await h.client.send(new SendEmailCommand(email())).then(() => new Error('sent')).catch((e: Error) => e)) as Error;

    expect(error.name).toBe('TooManyRequestsException');
    expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(429);
    expect(h.outbox.size).toBe(0);
    expect(h.ses.stats().throttled).toBe(1);
  });

  it('accepts the email but loses the response when lostResponseRate fires', async () => {
    const h = await harness({ lostResponseRate: 1 });

    const error = (await h.client.send(new SendEmailCommand(email())).then(() => new Error('sent')).catch((e: Error) => e)) as Error;
    await h.ses.whenIdle();

    expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(500);
    expect(h.outbox.size).toBe(1);
    expect(h.events.map((e) => e.eventType)).toEqual(['Send', 'Delivery']);
    expect(h.events[0]!.mail.messageId).toBe(h.outbox.list()[0]!.messageId);
  });

  it('rejects tag values SES would refuse', async () => {
    const h = await harness();

    const error = await h.client.send(new SendEmailCommand(email(undefined, { orderId: '#1001 ' }))).then(() => new Error('sent')).catch((e: Error) => e);

    expect(error.name).toBe('BadRequestException');
    expect(h.outbox.size).toBe(0);
  });

  it('forwards other SES v2 calls to aws-ses-v2-local', async () => {
    const h = await harness();

    await h.client.send(new CreateEmailTemplateCommand({ TemplateName: 't1', TemplateContent: { Subject: 'Hi {{name}}', Text: 'x' } }));
    const template = await h.client.send(new GetEmailTemplateCommand({ TemplateName: 't1' }));

    expect(template.TemplateContent?.Subject).toBe('Hi {{name}}');
  });

  it('keeps the outbox across restarts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.jsonl');
    const first = await harness({}, file);
    await first.client.send(new SendEmailCommand(email()));

    const reopened = new Outbox(file);

    expect(reopened.list().map((e) => e.subject)).toEqual(['Your order #1001']);
    reopened.clear();
    expect(new Outbox(file).size).toBe(0);
  });
});
