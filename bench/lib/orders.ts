/**
 * Drives orders through the local stack the way a store platform would: generic webhook events
 * (docs/WEBHOOKS.md) signed with the local Standard Webhooks secret, each delivery posted to the
 * real webhook route, retried on 5xx like a platform retries, and optionally delivered several
 * times at once (the same `webhook-id`, as a platform's retries carry). Event timestamps are the
 * handlers' virtual time, so that promises and deadlines mean the same to both sides.
 *
 * Shared by the benchmarks (bench/) and the integration tests that run the same scenarios.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalRuntime } from '../../local/runtime.js';
import type { Email } from '../../local/outbox.js';
import { signStandardWebhook } from '../../functions/domain/webhooks/signatures.js';
import { parseLedgerTag } from '../../functions/adapters/mailer.js';
import type { EmailKind } from '../../functions/domain/lifecycle.js';

export interface Shop {
  url: string;
  store: string;
  secret: string;
  /** The handlers' clock (virtual when the runtime's time scale is not 1). */
  now: () => Date;
}

export interface WebhookEvent {
  type: string;
  timestamp: string;
  store: string;
  eventId: string;
  data: Record<string, unknown>;
}

/** The runtime's generic (Standard Webhooks) store, its secret and clock. */
export function shopOf(rt: LocalRuntime): Shop {
  const stores = JSON.parse(rt.env.STORES ?? '[]') as Array<{ storeId: string }>;
  const store = stores.find((s) => !s.storeId.endsWith('.myshopify.com'))?.storeId;
  if (!store) throw new Error('The template configures no generic (non-Shopify) store');
  return { url: rt.url, store, secret: rt.secrets.webhookSecret, now: rt.clock.manual ? platformClock(() => rt.clock.now()) : () => rt.clock.now() };
}

/**
 * On a manual clock virtual time stands still while a test posts, so events built one after the
 * other would carry one timestamp, and the fold would order them by event id. A platform stamps
 * them in the order they happen: a millisecond apart at least, never behind the virtual clock.
 */
function platformClock(virtualNow: () => Date): () => Date {
  let last = -Infinity;
  return () => {
    last = Math.max(virtualNow().getTime(), last + 1);
    return new Date(last);
  };
}

const fixture = (projectRoot: string) =>
  JSON.parse(readFileSync(join(projectRoot, 'tests/fixtures/generic/order-placed.json'), 'utf8')) as { data: { order: Record<string, unknown> } };

export interface OrderOptions {
  /** A ship-by promise; the store's handling time applies when absent. */
  shipBy?: string;
}

/** Event builders for one order of the generic store. */
export class OrderEvents {
  readonly orderId: string;
  constructor(
    private readonly shop: Shop,
    private readonly projectRoot: string,
    readonly n: number,
    private readonly prefix = 'B',
  ) {
    this.orderId = `${prefix}-${n}`;
  }

  private event(type: string, eventId: string, data: Record<string, unknown>): WebhookEvent {
    return { type, timestamp: this.shop.now().toISOString(), store: this.shop.store, eventId, data };
  }

  placed(options: OrderOptions = {}): WebhookEvent {
    const order = { ...fixture(this.projectRoot).data.order };
    order.orderId = this.orderId;
    order.orderName = `#${this.prefix}${this.n}`;
    order.placedAt = this.shop.now().toISOString();
    order.customer = { ...(order.customer as Record<string, unknown>), email: `shopper-${this.prefix.toLowerCase()}${this.n}@example.com` };
    if (options.shipBy) order.promises = { shipBy: options.shipBy };
    else delete order.promises;
    return this.event('order.placed', `${this.orderId}-placed`, { order });
  }

  shipped(shipmentId = `${this.orderId}-S1`): WebhookEvent {
    return this.event('shipment.created', `${shipmentId}-created`, {
      orderId: this.orderId,
      // No line items: the whole order.
      shipment: { shipmentId, lineItems: [], carrier: 'DHL', trackingNumber: `T${this.n}`, trackingUrl: `https://carrier.example/track/${this.n}` },
    });
  }

  delivered(shipmentId = `${this.orderId}-S1`): WebhookEvent {
    return this.event('shipment.updated', `${shipmentId}-delivered`, { orderId: this.orderId, shipmentId, status: 'delivered' });
  }

  /** A delay the platform reports, with a new ship-by date. */
  delayed(newShipBy: string): WebhookEvent {
    return this.event('order.delayed', `${this.orderId}-delayed`, { orderId: this.orderId, reason: 'backorder', message: 'Back in stock soon.', newShipBy });
  }

  cancelled(): WebhookEvent {
    return this.event('order.cancelled', `${this.orderId}-cancelled`, { orderId: this.orderId, reason: 'Customer changed their mind' });
  }
}

export interface DeliveryOutcome {
  statuses: number[];
  /** Deliveries that had to be retried after a 5xx or a network error. */
  retries: number;
}

/**
 * Posts one event `copies` times concurrently under one `webhook-id` (a platform's retries carry
 * the same id), each copy retried on 5xx or a network error like a platform would.
 */
export async function deliver(shop: Shop, event: WebhookEvent, options: { copies?: number } = {}): Promise<DeliveryOutcome> {
  const body = JSON.stringify(event);
  const id = `msg_${event.eventId}`;
  let retries = 0;
  const once = async (): Promise<number> => {
    for (let attempt = 0; ; attempt++) {
      const timestamp = Math.floor(Date.now() / 1000);
      try {
        const res = await fetch(`${shop.url}/webhooks`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signStandardWebhook(shop.secret, id, timestamp, body),
          },
          body,
        });
        await res.text();
        if (res.status < 500 || attempt >= 8) return res.status;
      } catch (e) {
        if (attempt >= 8) throw e;
      }
      retries++;
      await new Promise((r) => setTimeout(r, 20 * 2 ** Math.min(attempt, 5)));
    }
  };
  const statuses = await Promise.all(Array.from({ length: options.copies ?? 1 }, once));
  const bad = statuses.filter((s) => s >= 300);
  if (bad.length) throw new Error(`${event.type} ${event.eventId}: answered ${bad.join(', ')}`);
  return { statuses, retries };
}

/** A Fisher–Yates shuffle with the given randomness. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Polls until `check` yields a value, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The ledger key of an email (from its ledger tag): kind and ref. */
export function ledgerKeyOf(email: Email): { orderId: string; kind: string; ref: string } | undefined {
  for (const value of Object.values(email.tags)) {
    const parsed = parseLedgerTag(value);
    if (parsed) return { orderId: parsed.orderId, kind: parsed.kind, ref: parsed.ref };
  }
  return email.orderId && email.kind ? { orderId: email.orderId, kind: email.kind, ref: '?' } : undefined;
}

/** Finds the first email of a kind for an order in the outbox. */
export async function emailOf(rt: LocalRuntime, orderId: string, kind: EmailKind): Promise<Email | undefined> {
  return (await rt.outbox()).find((e) => e.orderId === orderId && e.kind === kind);
}

/** The feedback link for a rating, as the feedback request email carries it. */
export function feedbackLink(email: Email, rating: 1 | 2 | 3 | 4 | 5): string {
  const m = new RegExp(`href="([^"]*/feedback\\?t=[^"]*?rating=${rating})"`).exec(email.html ?? '');
  if (!m) throw new Error(`No feedback link for rating ${rating} in ${email.kind} email ${email.messageId}`);
  return m[1]!.replace(/&amp;/g, '&');
}

export interface EmailTally {
  expected: number;
  sent: number;
  /** Emails beyond the first for the same (order, kind, ref). */
  duplicated: number;
  /** Expected (order, kind) pairs with no email. */
  missing: number;
  /** Emails of a kind the order's scenario should not produce. */
  unexpected: number;
  details: string[];
}

/**
 * Compares the outbox with what each order's scenario should produce: `expected` maps an
 * order id to the kinds of email it should get, one each.
 */
export function tallyEmails(emails: Email[], expected: Map<string, EmailKind[]>): EmailTally {
  const seen = new Map<string, number>();
  const byOrderKind = new Map<string, number>();
  const details: string[] = [];
  let sent = 0;
  for (const email of emails) {
    const key = ledgerKeyOf(email);
    if (!key || !expected.has(key.orderId)) continue;
    sent++;
    const k = `${key.orderId}|${key.kind}|${key.ref}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
    const ok = `${key.orderId}|${key.kind}`;
    byOrderKind.set(ok, (byOrderKind.get(ok) ?? 0) + 1);
  }
  let duplicated = 0;
  for (const [k, n] of seen) {
    if (n > 1) {
      duplicated += n - 1;
      details.push(`duplicate: ${k} sent ${n} times`);
    }
  }
  let missing = 0;
  let unexpected = 0;
  let expectedCount = 0;
  for (const [orderId, kinds] of expected) {
    expectedCount += kinds.length;
    for (const kind of new Set(kinds)) {
      const want = kinds.filter((x) => x === kind).length;
      const got = byOrderKind.get(`${orderId}|${kind}`) ?? 0;
      if (got < want) {
        missing += want - got;
        details.push(`missing: ${orderId} ${kind}`);
      }
    }
  }
  for (const [ok, n] of byOrderKind) {
    const [orderId, kind] = ok.split('|') as [string, EmailKind];
    const want = expected.get(orderId)!.filter((x) => x === kind).length;
    // Duplicates of one ref are counted above; more distinct refs than expected are unexpected.
    const distinct = [...seen.keys()].filter((k) => k.startsWith(`${ok}|`)).length;
    if (distinct > want) {
      unexpected += distinct - want;
      details.push(`unexpected: ${orderId} ${kind} ×${distinct} (expected ${want}; ${n} sent)`);
    }
  }
  return { expected: expectedCount, sent, duplicated, missing, unexpected, details };
}
