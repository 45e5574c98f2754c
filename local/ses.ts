/**
 * SES v2 locally: aws-ses-v2-local accepts the mail, and a thin proxy in front of it (the
 * endpoint handlers get as AWS_ENDPOINT_URL_SESV2) adds what the product depends on and the
 * stand-in lacks:
 * - EmailTags: aws-ses-v2-local drops them, yet the product finds its ledger entry from the tags
 *   of SES events; the proxy records them with the MessageId of the response (the outbox).
 * - The configuration set's event destination: Send, then Delivery (or Bounce/Complaint for the
 *   SES mailbox simulator addresses) in the SES event publishing format, delivered to the
 *   `ses-events` function as the events queue delivers them on AWS (SNS topic → SQS, raw
 *   messages), redelivered after a failure until well past the claims' settle window.
 * - Fault injection: throttling (429 before anything is accepted) and lost responses (accepted,
 *   events emitted, but the caller gets a 500: the crash-after-accept case).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { SNSEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import sesServer from 'aws-ses-v2-local';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { closeServer, readBody, startServer } from './aws-json.js';
import type { Email, Outbox } from './outbox.js';
import { realSetTimeout } from './timers.js';

export interface SesFaults {
  /** Probability that SendEmail answers 429 TooManyRequestsException without sending. */
  sesThrottleRate?: number;
  /** Probability that SendEmail is accepted (and its events emitted) but answered with a 500. */
  lostResponseRate?: number;
}

export interface LocalSesOptions {
  outbox: Outbox;
  /**
   * Delivers an SES event to its function; none = no event destination. Through the events
   * queue, an SQS event of one raw message; from the topic itself, an SNS event of one record.
   */
  deliverEvent?: (event: SQSEvent | SNSEvent) => Promise<unknown>;
  /**
   * Which of the topic's subscriptions an event type goes to (their filter policies,
   * local/template.ts): `queue` (the events queue, retried past the settle window), `function`
   * (straight to the function, Lambda's two asynchronous retries). @default every type to the queue
   */
  routeOf?: (eventType: SesEventType) => ReadonlyArray<'queue' | 'function'>;
  configurationSetName?: string;
  faults?: SesFaults;
  /** Divides the retry pauses of failed event deliveries (the events queue's visibility timeout). @default 1 */
  timeScale?: number;
  /**
   * The settle window of ledger claims, in real ms: a failed event delivery is retried until
   * twice this has passed (then it counts as dead-lettered), as the events queue's retries
   * outlast CLAIM_SETTLE_SECONDS on AWS. A Send event given up on sooner would leave a claim
   * whose email SES accepted unsettled, and the retry's take-over would send it again.
   * @default 1_800_000 (twice the default 15 minutes)
   */
  settleWindowMs?: number;
  /** Pause before each event of an email is published, in ms. @default 5 */
  eventDelayMs?: number;
  /**
   * When the Send event goes out. `before-answer` (the default): its first delivery is over before
   * SendEmail answers, so a caller that sees the answer, or its loss, finds the claim already
   * settled and the local settle window can be short without a retry ever racing SES's event.
   * `after-answer`: SendEmail answers first and the event follows `eventDelayMs` later, as SES
   * publishes it on AWS (a second or so after accepting); the cost bench uses it, so that what it
   * counts (notify's record of the send succeeds, the event's read finds the line settled) is
   * what AWS would bill.
   */
  sendEvent?: 'before-answer' | 'after-answer';
  region?: string;
  accountId?: string;
  random?: () => number;
  log?: (line: string) => void;
  /** Port of the proxy (the handlers' endpoint); taken if free, else any. @default any */
  port?: number;
  /** The clock the outbox shows times in (the runtime's virtual clock). @default real time */
  now?: () => Date;
  /**
   * Called once an email is accepted (in the outbox), before its Send event is published and
   * SendEmail answers: `'lose-answer'` loses the answer (the caller sees a dropped connection).
   * The fault injector's `ses.afterAccept` step; it may also end the process there.
   */
  afterAccept?: (email: Email) => 'answer' | 'lose-answer';
  /**
   * File noting the messages whose Send event was delivered. SES publishes an accepted message's
   * events even if the sender dies; locally the stand-in dies with the runtime, so on start
   * {@link LocalSes.redeliverPending} publishes the Send events a killed runtime still owed.
   */
  sendEventsFile?: string;
}

export type SesEventType = 'Send' | 'Delivery' | 'Bounce' | 'Complaint';

export interface SesStats {
  accepted: number;
  throttled: number;
  lostResponses: number;
  /** Which sends lost their answer (kind and order, from the ledger tag): no step after SES's answer runs for them. */
  lostAnswers: Array<{ kind?: string; orderId?: string }>;
  rejected: number;
  events: Record<SesEventType, number>;
  /** Events that went through the events queue (its receive and delete are billed; the topic's deliveries to a function are not). */
  queuedEvents: number;
  eventDeliveryFailures: number;
}

/** Lambda's asynchronous retries of an invocation that failed: two, about a minute and two minutes after. */
export const ASYNC_RETRY_SECONDS = [60, 120] as const;

/** The events queue's visibility timeout (lib/mailer.ts: six times ses-events' 30 s): the first redelivery of a failed event. */
export const EVENT_RETRY_SECONDS = 180;

const TAG_PATTERN = /^[A-Za-z0-9_.-]{1,256}$/;
const SIMULATOR = /@simulator\.amazonses\.com$/i;

interface SendEmailBody {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  ConfigurationSetName?: string;
  EmailTags?: Array<{ Name: string; Value: string }>;
  Content?: {
    Simple?: {
      Subject?: { Data?: string };
      Body?: { Html?: { Data?: string }; Text?: { Data?: string } };
      Headers?: Array<{ Name: string; Value: string }>;
    };
  };
}

/** store/orderId/kind from the tags: plain tags first, else a ledger tag (base64url JSON [store, orderId, kind, ref]). */
function describeTags(tags: Record<string, string>): Pick<Email, 'kind' | 'orderId' | 'store'> {
  const out: Pick<Email, 'kind' | 'orderId' | 'store'> = { kind: tags.kind, orderId: tags.orderId ?? tags.order, store: tags.store };
  for (const value of Object.values(tags)) {
    try {
      const decoded = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
      if (Array.isArray(decoded) && decoded.length >= 3 && decoded.every((d) => typeof d === 'string')) {
        const [store, orderId, kind] = decoded as string[];
        out.store ??= store;
        out.orderId ??= orderId;
        out.kind ??= kind;
      }
    } catch {
      // not an encoded tag
    }
  }
  return out;
}

export class LocalSes {
  /** Real time each message was accepted (the outbox shows virtual time). */
  private readonly acceptedAt = new Map<string, number>();
  private faults: SesFaults;
  private readonly counters: SesStats = {
    accepted: 0,
    throttled: 0,
    lostResponses: 0,
    lostAnswers: [],
    rejected: 0,
    events: { Send: 0, Delivery: 0, Bounce: 0, Complaint: 0 },
    queuedEvents: 0,
    eventDeliveryFailures: 0,
  };
  private pendingEvents = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  private constructor(
    private readonly options: LocalSesOptions,
    private readonly backend: Server,
    readonly backendUrl: string,
    private readonly proxy: Server,
    /** The endpoint for handlers (AWS_ENDPOINT_URL_SESV2). */
    readonly url: string,
  ) {
    this.faults = { ...options.faults };
  }

  static async start(options: LocalSesOptions): Promise<LocalSes> {
    // A CommonJS default export: under plain Node ESM the function sits on `.default`.
    const start = ((sesServer as unknown as { default?: typeof sesServer }).default ?? sesServer) as typeof sesServer;
    const backend = await start({ host: '127.0.0.1', port: 0 });
    const address = backend.address();
    if (!address || typeof address === 'string') throw new Error('aws-ses-v2-local did not listen on a TCP port');
    const backendUrl = `http://127.0.0.1:${address.port}`;
    let self: LocalSes | undefined;
    const listener = (req: IncomingMessage, res: ServerResponse) => void self!.handle(req, res);
    const { server, url } = await startServer(listener, options.port ?? 0).catch(() => startServer(listener, 0));
    self = new LocalSes(options, backend, backendUrl, server, url);
    return self;
  }

  /** Changes the injected faults (benchmarks vary them between runs). */
  setFaults(faults: SesFaults): void {
    this.faults = { ...faults };
  }

  stats(): SesStats {
    return { ...this.counters, lostAnswers: [...this.counters.lostAnswers], events: { ...this.counters.events } };
  }

  /** Publishes a Bounce event for an email that was sent (a permanent bounce by default). */
  simulateBounce(messageId: string, bounce: { type?: 'Permanent' | 'Transient'; subType?: string } = {}): Promise<void> {
    const email = this.requireEmail(messageId);
    return this.publish(email, 'Bounce', {
      bounce: {
        feedbackId: `${randomUUID()}-000000`,
        bounceType: bounce.type ?? 'Permanent',
        bounceSubType: bounce.subType ?? 'General',
        bouncedRecipients: email.to.split(',').map((emailAddress) => ({
          emailAddress,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        })),
        timestamp: new Date().toISOString(),
        reportingMTA: 'dns; amazonses.com',
      },
    });
  }

  /** Publishes a Complaint event (the recipient marked the email as spam). */
  simulateComplaint(messageId: string): Promise<void> {
    const email = this.requireEmail(messageId);
    return this.publish(email, 'Complaint', {
      complaint: {
        feedbackId: `${randomUUID()}-000000`,
        complaintSubType: null,
        complainedRecipients: email.to.split(',').map((emailAddress) => ({ emailAddress })),
        timestamp: new Date().toISOString(),
        userAgent: 'postpurchase-local',
        complaintFeedbackType: 'abuse',
        arrivalDate: email.at,
      },
    });
  }

  /** Resolves when every event notification under way has been delivered (or given up on). */
  whenIdle(): Promise<void> {
    if (this.pendingEvents === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get pending(): number {
    return this.pendingEvents;
  }

  async close(): Promise<void> {
    this.closed = true;
    await closeServer(this.proxy);
    await closeServer(this.backend);
  }

  // -------------------------------------------------------------------------------------------

  private requireEmail(messageId: string): Email {
    const email = this.options.outbox.get(messageId);
    if (!email) throw new Error(`No email with message id ${messageId} in the outbox`);
    return email;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'POST' && path === '/v2/email/outbound-emails') return await this.sendEmail(req, res, body);
      const upstream = await this.forward(req, body);
      await this.relay(upstream, res);
    } catch (e) {
      this.reply(res, 500, 'InternalFailure', e instanceof Error ? e.message : String(e));
    }
  }

  private async sendEmail(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const rand = this.options.random ?? Math.random;
    if ((this.faults.sesThrottleRate ?? 0) > 0 && rand() < this.faults.sesThrottleRate!) {
      this.counters.throttled++;
      return this.reply(res, 429, 'TooManyRequestsException', 'Maximum sending rate exceeded.');
    }
    let request: SendEmailBody;
    try {
      request = JSON.parse(body.toString('utf8')) as SendEmailBody;
    } catch {
      return this.reply(res, 400, 'BadRequestException', 'Request body is not JSON');
    }
    // SES refuses tags outside its character set; aws-ses-v2-local would accept them silently.
    for (const tag of request.EmailTags ?? []) {
      if (!TAG_PATTERN.test(tag.Name ?? '') || !TAG_PATTERN.test(tag.Value ?? '') || tag.Name.startsWith('ses:')) {
        this.counters.rejected++;
        return this.reply(res, 400, 'BadRequestException', `Invalid tag ${JSON.stringify(tag)}: names and values take letters, digits, '_', '-' and '.'`);
      }
    }
    const upstream = await this.forward(req, body);
    const text = Buffer.from(await upstream.arrayBuffer());
    if (upstream.status !== 200) {
      this.counters.rejected++;
      return this.relay(upstream, res, text);
    }
    const { MessageId } = JSON.parse(text.toString('utf8')) as { MessageId: string };
    const tags = Object.fromEntries((request.EmailTags ?? []).map((t) => [t.Name, t.Value]));
    const simple = request.Content?.Simple;
    const email: Email = {
      messageId: MessageId,
      to: [...(request.Destination?.ToAddresses ?? []), ...(request.Destination?.CcAddresses ?? []), ...(request.Destination?.BccAddresses ?? [])].join(','),
      from: request.FromEmailAddress ?? '',
      subject: simple?.Subject?.Data ?? '',
      html: simple?.Body?.Html?.Data,
      text: simple?.Body?.Text?.Data,
      headers: Object.fromEntries((simple?.Headers ?? []).map((h) => [h.Name, h.Value])),
      tags,
      ...describeTags(tags),
      configurationSet: request.ConfigurationSetName,
      at: (this.options.now?.() ?? new Date()).toISOString(),
    };
    this.acceptedAt.set(email.messageId, Date.now());
    this.options.outbox.add(email);
    this.counters.accepted++;
    const fate = this.options.afterAccept?.(email) ?? 'answer';
    // By default the Send event is delivered (first attempt) before SendEmail answers (see the
    // `sendEvent` option); after the answer, as on AWS, if so configured.
    if (this.options.sendEvent === 'after-answer') {
      void this.track(async () => {
        await this.publishSend(email);
        this.emitLifecycle(email);
      });
    } else {
      await this.publishSend(email);
      this.emitLifecycle(email);
    }
    if (fate === 'lose-answer') {
      this.counters.lostResponses++;
      this.counters.lostAnswers.push({ kind: email.kind, orderId: email.orderId });
      res.destroy();
      return;
    }
    if ((this.faults.lostResponseRate ?? 0) > 0 && rand() < this.faults.lostResponseRate!) {
      this.counters.lostResponses++;
      this.counters.lostAnswers.push({ kind: email.kind, orderId: email.orderId });
      return this.reply(res, 500, 'InternalFailure', 'The response was lost (lostResponseRate fault)');
    }
    this.relay(upstream, res, text);
  }

  /** Publishes the Send event; resolves after its first delivery attempt (retries go on in the background). */
  private publishSend(email: Email): Promise<void> {
    if (!this.options.deliverEvent || this.closed) return Promise.resolve();
    return new Promise<void>((firstAttempt) => {
      void this.publish(email, 'Send', { send: {} }, firstAttempt).then(firstAttempt);
    });
  }

  /**
   * Publishes the Send events owed for accepted messages whose Send was never delivered (a
   * runtime killed in between). Idempotent: ses-events settles a claim only while it is unsettled.
   */
  async redeliverPending(): Promise<number> {
    const file = this.options.sendEventsFile;
    if (!file || !this.options.deliverEvent) return 0;
    const delivered = new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
    const owed = this.options.outbox.list().filter((e) => e.tags.ledger && !delivered.has(e.messageId));
    for (const email of owed) await this.publish(email, 'Send', { send: {} });
    if (owed.length) this.options.log?.(`[ses] published ${owed.length} Send event(s) a previous run had not delivered`);
    return owed.length;
  }

  /** Delivery (after Send); the mailbox simulator's bounce/complaint addresses behave as on SES. */
  private emitLifecycle(email: Email): void {
    if (!this.options.deliverEvent) return;
    const to = email.to.toLowerCase();
    void this.track(async () => {
      if (SIMULATOR.test(to) && (to.startsWith('bounce@') || to.startsWith('suppressionlist@'))) return this.simulateBounce(email.messageId);
      await this.publish(email, 'Delivery', {
        delivery: {
          timestamp: new Date().toISOString(),
          processingTimeMillis: Math.max(1, Date.now() - (this.acceptedAt.get(email.messageId) ?? Date.now())),
          recipients: email.to.split(','),
          smtpResponse: '250 2.6.0 Message received',
          reportingMTA: 'a8-70.smtp-out.amazonses.com',
          remoteMtaIp: '127.0.0.1',
        },
      });
      if (SIMULATOR.test(to) && to.startsWith('complaint@')) await this.simulateComplaint(email.messageId);
    });
  }

  /** Counts work under way until it settles, for {@link whenIdle}. */
  private async track(work: () => Promise<void>): Promise<void> {
    this.pendingEvents++;
    try {
      await work();
    } finally {
      this.pendingEvents--;
      if (this.pendingEvents === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private mail(email: Email): Record<string, unknown> {
    const region = this.options.region ?? 'us-east-1';
    const account = this.options.accountId ?? '000000000000';
    const fromDomain = email.from.replace(/^.*@/, '').replace(/>.*$/, '');
    const destination = email.to.split(',');
    const headers = [
      { name: 'From', value: email.from },
      { name: 'To', value: email.to },
      { name: 'Subject', value: email.subject },
      { name: 'MIME-Version', value: '1.0' },
      { name: 'Content-Type', value: 'multipart/alternative' },
      ...Object.entries(email.headers).map(([name, value]) => ({ name, value })),
    ];
    const tags: Record<string, string[]> = {
      'ses:operation': ['SendEmail'],
      'ses:source-ip': ['127.0.0.1'],
      'ses:from-domain': [fromDomain],
      'ses:caller-identity': ['local'],
      ...(email.configurationSet ? { 'ses:configuration-set': [email.configurationSet] } : {}),
      ...Object.fromEntries(Object.entries(email.tags).map(([k, v]) => [k, [v]])),
    };
    return {
      timestamp: email.at,
      source: email.from,
      sourceArn: `arn:aws:ses:${region}:${account}:identity/${fromDomain}`,
      sendingAccountId: account,
      messageId: email.messageId,
      destination,
      headersTruncated: false,
      headers,
      commonHeaders: { from: [email.from], to: destination, messageId: email.messageId, subject: email.subject },
      tags,
    };
  }

  private async publish(email: Email, eventType: SesEventType, detail: Record<string, unknown>, afterFirstAttempt?: () => void): Promise<void> {
    const deliver = this.options.deliverEvent;
    if (!deliver || this.closed) return;
    return this.track(async () => {
      await new Promise((r) => realSetTimeout(r, this.options.eventDelayMs ?? 5));
      const message = JSON.stringify({ eventType, mail: this.mail(email), ...detail });
      this.counters.events[eventType]++;
      const routes = this.options.routeOf?.(eventType) ?? ['queue'];
      // An event no subscription takes is published and goes nowhere, as on SNS.
      if (routes.length === 0) return afterFirstAttempt?.();
      await Promise.all(routes.map((route) => (route === 'queue' ? this.throughQueue(email, eventType, message, afterFirstAttempt) : this.fromTopic(email, eventType, message, afterFirstAttempt))));
    });
  }

  /** As the events queue (SNS → SQS → ses-events, lib/mailer.ts) delivers and redelivers a message. */
  private async throughQueue(email: Email, eventType: SesEventType, message: string, afterFirstAttempt?: () => void): Promise<void> {
    const deliver = this.options.deliverEvent!;
    const region = this.options.region ?? 'us-east-1';
    const queueArn = `arn:aws:sqs:${region}:${this.options.accountId ?? '000000000000'}:ses-events-local`;
    const sentAt = Date.now();
    this.counters.queuedEvents++;
    // Redelivered as the queue does a failed message: first after its visibility timeout, then
    // longer, until well past the settle window.
    const settleMs = this.options.settleWindowMs ?? 1_800_000;
    const firstPause = Math.max(5, (EVENT_RETRY_SECONDS * 1000) / (this.options.timeScale ?? 1));
    const giveUpAt = Date.now() + 2 * settleMs;
    for (let attempt = 0; ; attempt++) {
      // One SQS message, raw: its body is the SES event (lib/mailer.ts subscribes the queue so).
      const messageId = randomUUID();
      const event: SQSEvent = {
        Records: [
          {
            messageId,
            receiptHandle: `${messageId}#${attempt}`,
            body: message,
            attributes: {
              ApproximateReceiveCount: String(attempt + 1),
              SentTimestamp: String(sentAt),
              SenderId: 'sns.amazonaws.com',
              ApproximateFirstReceiveTimestamp: String(sentAt),
            },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: queueArn,
            awsRegion: region,
          },
        ],
      };
      try {
        const answer = (await deliver(event)) as Partial<SQSBatchResponse> | null | undefined;
        // A record the handler reports failed stays in the queue: redelivered like a crash.
        if (answer?.batchItemFailures?.length) throw new Error(`ses-events reported the ${eventType} event failed`);
        if (eventType === 'Send' && this.options.sendEventsFile) appendFileSync(this.options.sendEventsFile, email.messageId + '\n');
        return;
      } catch (e) {
        afterFirstAttempt?.();
        const pause = Math.min(firstPause * 2 ** attempt, Math.max(firstPause, settleMs / 4));
        if (Date.now() + pause > giveUpAt || this.closed) return this.undelivered(email, eventType, e);
        await new Promise((r) => realSetTimeout(r, pause));
      }
    }
  }

  /** As SNS invokes a subscribed function (asynchronously): Lambda retries a failed invocation twice, then gives it up (to its dead-letter queue on AWS). */
  private async fromTopic(email: Email, eventType: SesEventType, message: string, afterFirstAttempt?: () => void): Promise<void> {
    const deliver = this.options.deliverEvent!;
    const region = this.options.region ?? 'us-east-1';
    const topicArn = `arn:aws:sns:${region}:${this.options.accountId ?? '000000000000'}:ses-events-local`;
    const event: SNSEvent = {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
          Sns: {
            Type: 'Notification',
            MessageId: randomUUID(),
            TopicArn: topicArn,
            Subject: '',
            Message: message,
            Timestamp: new Date().toISOString(),
            SignatureVersion: '1',
            Signature: '',
            SigningCertUrl: '',
            UnsubscribeUrl: '',
            MessageAttributes: {},
          },
        },
      ],
    };
    for (let attempt = 0; ; attempt++) {
      try {
        await deliver(event);
        return;
      } catch (e) {
        afterFirstAttempt?.();
        const pauseSeconds = ASYNC_RETRY_SECONDS[attempt];
        if (pauseSeconds === undefined || this.closed) return this.undelivered(email, eventType, e);
        await new Promise((r) => realSetTimeout(r, Math.max(5, (pauseSeconds * 1000) / (this.options.timeScale ?? 1))));
      }
    }
  }

  private undelivered(email: Email, eventType: SesEventType, e: unknown): void {
    this.counters.eventDeliveryFailures++;
    this.options.log?.(`[ses] ${eventType} event for ${email.messageId} not delivered: ${e instanceof Error ? e.message : String(e)}`);
  }


  private forward(req: IncomingMessage, body: Buffer): Promise<Response> {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || ['host', 'connection', 'content-length', 'transfer-encoding', 'expect'].includes(k)) continue;
      headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    return fetch(this.backendUrl + (req.url ?? '/'), { method: req.method, headers, body: hasBody ? body : undefined });
  }

  private async relay(upstream: Response, res: ServerResponse, body?: Buffer): Promise<void> {
    const data = body ?? Buffer.from(await upstream.arrayBuffer());
    const headers: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding', 'keep-alive'].includes(k)) headers[k] = v;
    });
    res.writeHead(upstream.status, { ...headers, 'content-length': data.length });
    res.end(data);
  }

  private reply(res: ServerResponse, status: number, type: string, message: string): void {
    const text = JSON.stringify({ message });
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-amzn-errortype': type,
      'x-amzn-requestid': randomUUID(),
    });
    res.end(text);
  }
}
