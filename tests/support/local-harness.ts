/**
 * Drives the product on the local runtime the way a platform and a shopper would: signed
 * generic webhooks in, emails out of the outbox, links followed over HTTP.
 */
import { startLocal, type LocalRuntime } from '../../local/runtime.js';
import type { Email } from '../../local/outbox.js';
import type { EventType } from '../../functions/domain/events.js';
import { orderSchema, type OrderInput } from '../../functions/domain/order.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { OrderStore, type StoredPosition } from '../../functions/adapters/order-store.js';

export const GENERIC_STORE = 'generic-dev';

export interface Harness {
  rt: LocalRuntime;
  /** Virtual now, as an ISO string, shifted by `days`. */
  at(days?: number): string;
  /**
   * With a manual clock: lets `days` of virtual time pass, firing every deadline on the way and
   * waiting until the runtime is idle after each.
   */
  advance(days: number): Promise<void>;
  /** Resolves once nothing is queued or running (executions waiting on a deadline aside). */
  idle(): Promise<void>;
  post(type: EventType, data: unknown, opts?: { at?: string; eventId?: string }): Promise<Response>;
  emails(orderId: string): Promise<Email[]>;
  waitForEmail(orderId: string, kind: string, opts?: { count?: number; timeoutMs?: number }): Promise<Email[]>;
  /** Resolves once the order's walk has ended (its position is END) and no step of it runs. */
  waitForEnd(orderId: string, timeoutMs?: number): Promise<void>;
  /** Where the order's walk rests (issue 15: no execution stays open while it waits). */
  position(orderId: string): Promise<StoredPosition | undefined>;
  /** The step executions of an order, oldest first. */
  steps(orderId: string): ReturnType<LocalRuntime['executions']>;
  order(orderId: string, overrides?: Partial<OrderInput>): ReturnType<typeof orderSchema.parse>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startHarness(options: Parameters<typeof startLocal>[0] = {}): Promise<Harness> {
  const rt = await startLocal({ port: 0, inMemory: true, timeScale: 86_400, log: () => {}, ...options });
  const at = (days = 0) => new Date(rt.clock.now().getTime() + days * 86_400_000).toISOString();
  const emails = async (orderId: string) => (await rt.outbox()).filter((e) => e.orderId === orderId);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: rt.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  const orders = new OrderStore(doc, rt.env.TABLE_NAME!, { clock: { now: () => rt.clock.now() }, retentionDays: 30 });
  // The order's store, as its steps were started with (a Shopify shop's orders too).
  const storeOf = (orderId: string) => (JSON.parse(stepsOf(rt, orderId)[0]?.input ?? '{}') as { order?: { store?: string } }).order?.store ?? GENERIC_STORE;
  const position = async (orderId: string) => (await orders.load(storeOf(orderId), orderId)).position;
  const steps = (orderId: string) => stepsOf(rt, orderId);

  const harness: Harness = {
    rt,
    at,
    advance: async (days) => {
      await rt.advanceTime(days * 86_400_000);
    },
    idle: () => rt.whenIdle({ timeoutMs: 60_000 }),
    post: async (type, data, opts = {}) => {
      // On a manual clock each webhook comes a virtual second after the one before, so that
      // platform timestamps are distinct and ordered, as they are in life.
      if (rt.clock.manual) await rt.advanceTime(1000);
      return fetch(`${rt.url}/_local/webhooks/generic`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type, timestamp: opts.at ?? at(), store: GENERIC_STORE, ...(opts.eventId ? { eventId: opts.eventId } : {}), data }),
      });
    },
    emails,
    async waitForEmail(orderId, kind, { count = 1, timeoutMs = 30_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await emails(orderId)).filter((e) => e.kind === kind);
        if (found.length >= count) return found;
        if (Date.now() > deadline) {
          const seen = (await emails(orderId)).map((e) => e.kind);
          throw new Error(`timed out waiting for ${count} × ${kind} for order ${orderId}; outbox has [${seen.join(', ')}]`);
        }
        await sleep(25);
      }
    },
    async waitForEnd(orderId, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const pos = await position(orderId);
        if (pos?.state === 'END' && steps(orderId).every((e) => e.status !== 'RUNNING')) return;
        if (Date.now() > deadline) throw new Error(`the walk of ${orderId} is at ${pos?.state ?? 'no position'}, wanted END`);
        await sleep(25);
      }
    },
    position,
    steps,
    order: (orderId, overrides = {}) =>
      orderSchema.parse({
        orderId,
        orderName: `#${orderId}`,
        placedAt: at(),
        currency: 'EUR',
        customer: { email: `shopper-${orderId}@example.com`, firstName: 'Zoë', locale: 'en-GB' },
        lineItems: [
          { id: 'li-1', title: 'Trail shoes', quantity: 1, unitPrice: '120.00', total: '120.00' },
          { id: 'li-2', title: 'Wool socks', quantity: 2, unitPrice: '9.50', total: '19.00' },
        ],
        subtotal: '139.00',
        shipping: { title: 'Standard', amount: '4.90' },
        total: '143.90',
        paymentStatus: 'paid',
        ...overrides,
      }),
    stop: () => rt.stop(),
  };
  return harness;
}

/** A shipment of the whole sample order (or of the given items). */
export function shipment(orderId: string, shipmentId: string, lineItems = [{ lineItemId: 'li-1', quantity: 1 }, { lineItemId: 'li-2', quantity: 2 }], extra: Record<string, unknown> = {}) {
  return { orderId, shipment: { shipmentId, lineItems, carrier: 'DHL', trackingNumber: `JD${shipmentId.toUpperCase()}`, trackingUrl: `https://www.dhl.com/track?id=JD${shipmentId}`, ...extra } };
}

/** The href of the n-star link in a feedback email, unescaped. */
export function feedbackLink(email: Email, rating: number): string {
  const m = (email.html ?? '').match(new RegExp(`href="([^"]*/feedback\\?t=[^"]*?rating=${rating})"`));
  if (!m) throw new Error(`no ${rating}-star link in the email`);
  return m[1]!.replace(/&amp;/g, '&');
}

function stepsOf(rt: LocalRuntime, orderId: string) {
  return rt
    .executions()
    .filter((e) => (JSON.parse(e.input) as { order?: { orderId?: string } }).order?.orderId === orderId)
    .sort((a, b) => a.startDate - b.startDate);
}
