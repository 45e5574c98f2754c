/**
 * Orders for the fault-injection suite: one scenario per email kind, each a list of generic
 * webhooks with fixed event ids and timestamps (so a platform's retry of a delivery is the same
 * delivery) and the emails the shopper must end up with, each exactly once, after the timeline
 * (post everything, then 7.2 and 4.2 virtual days). Promises are far off, so no delay notice
 * is due except the one a scenario asks for.
 */
import type { CrashPlan, CrashStep } from '../../local/faults.js';

/** The workflow's own kinds, then issue 13's update kinds (UPDATE_KINDS of functions/domain/email/context.ts, which a test holds this list to). */
export const EMAIL_KINDS = [
  'receipt',
  'shipping_confirmation',
  'delay_notice',
  'feedback_request',
  'feedback_reminder',
  'cancellation',
  'shipping_update',
  'out_for_delivery',
  'delivery_attempt_failed',
  'delivery_exception',
  'delivered',
  'refund',
  'order_edited',
  'pickup_ready',
  'picked_up',
] as const;
export type Kind = (typeof EMAIL_KINDS)[number];

/**
 * The boundaries an email crosses: claimed, accepted by SES, recorded, and the step that sent it
 * before it records the order's position (`step.beforePosition`, picked by the kinds its walk
 * sent: the retry walks past the settled emails and records the position then).
 */
export const NOTIFY_STEPS: CrashStep[] = ['notify.afterClaim', 'ses.afterAccept', 'notify.beforeRecord', 'notify.afterRecord', 'step.beforePosition'];

/**
 * The boundaries an event crosses before any email: ingest before it queues the event and between
 * queueing and storing it, the router before and after it acts. Not `wake.beforeStart` (the event
 * stored, no execution started): a crash there is recovered as one at `router.beforeRoute` is (SQS
 * redelivers), and every further router crash fails a whole batch, so the matrix would
 * dead-letter events that five crashed batches happened to hold; the poller's lease and the
 * failed execution's lease are tests/integration/order-step.test.ts's.
 */
export const ROUTING_STEPS: CrashStep[] = ['ingest.beforeEnqueue', 'ingest.afterEnqueue', 'router.beforeRoute', 'router.afterRoute'];

/** The webhook of a scenario whose routing decides the email it is about (the reminder follows the request, decided by the delivery). */
export const EVENT_OF: Record<Kind, string> = {
  receipt: 'order.placed',
  shipping_confirmation: 'shipment.created',
  delay_notice: 'order.delayed',
  feedback_request: 'shipment.updated',
  feedback_reminder: 'shipment.updated',
  cancellation: 'order.cancelled',
  shipping_update: 'shipment.updated',
  out_for_delivery: 'shipment.updated',
  delivery_attempt_failed: 'shipment.updated',
  delivery_exception: 'shipment.updated',
  delivered: 'shipment.updated',
  refund: 'order.refunded',
  order_edited: 'order.edited',
  pickup_ready: 'pickup.ready',
  picked_up: 'pickup.completed',
};

/**
 * One kind per deciding webhook type (the order, the shipment, the delay, the carrier's report,
 * the cancellation, the refund, the edit, ready for pickup, collected), the seed picking among the
 * kinds that share one (seven share the carrier's shipment.updated): for a crash whose cost is a
 * restart each, at a boundary that sees the webhook, not the email (ingest between enqueue and
 * store).
 */
export function onePerDecidingWebhook(random: () => number): Kind[] {
  const byType = new Map<string, Kind[]>();
  for (const k of EMAIL_KINDS) byType.set(EVENT_OF[k], [...(byType.get(EVENT_OF[k]) ?? []), k]);
  return [...byType.values()].map((kinds) => kinds[Math.floor(random() * kinds.length)]!);
}

/** Virtual days the timeline advances, in two stretches: past the feedback window, then past the reminder. */
export const TIMELINE_DAYS = [7.2, 4.2];

export interface Webhook {
  type: string;
  timestamp: string;
  store: string;
  eventId: string;
  data: Record<string, unknown>;
}

export interface FaultOrder {
  orderId: string;
  /** The kind whose email the crash targets (what the scenario is about). */
  kind: Kind;
  /** Webhooks in phases: each phase is posted (and settled) before the next, as an order's life spreads over time. */
  webhooks: Webhook[][];
  expected: string[];
  plan?: CrashPlan;
  /** The platform sends the crashed webhook once and never retries it (not every platform does): only the queued message routes it (the router stores the event). */
  noRetry?: boolean;
}

const day = 86_400_000;

/** Virtual time between phases: news of a later phase is dated after the emails of the earlier one. */
export const PHASE_MS = 3_600_000;

/**
 * The webhooks and the expected emails of a scenario about `kind`. Phase p is dated in the
 * ten minutes before `t0 + p × PHASE_MS`; the driver moves the clock by PHASE_MS before each
 * later phase, so a delay report is news after the receipt (one dated before it counts as known).
 */
export function scenario(orderId: string, kind: Kind, t0: number, seq: { n: number }): Omit<FaultOrder, 'plan'> {
  const at = (phase: number) => new Date(t0 + phase * PHASE_MS - 600_000 + (++seq.n % 500) * 1000).toISOString();
  const far = (days: number) => new Date(t0 + days * day).toISOString();
  const hook = (type: string, name: string, data: Record<string, unknown>, phase: number): Webhook => ({ type, timestamp: at(phase), store: 'generic-dev', eventId: `${orderId}-${name}`, data });
  const placedAt = at(0);
  const placed = hook('order.placed', 'placed', {
    order: {
      orderId,
      orderName: `#${orderId}`,
      placedAt,
      currency: 'EUR',
      customer: { email: `shopper-${orderId.toLowerCase()}@example.com`, firstName: 'Zoë', locale: 'en-GB' },
      lineItems: [{ id: 'li-1', title: 'Trail shoes', quantity: 1, unitPrice: '120.00', total: '120.00' }],
      subtotal: '120.00',
      total: '120.00',
      paymentStatus: 'paid',
      promises: { shipBy: far(60), deliverBy: far(70) },
    },
  }, 0);
  const shipped = () =>
    hook('shipment.created', 'shipped', {
      orderId,
      shipment: { shipmentId: `${orderId}-s1`, lineItems: [{ lineItemId: 'li-1', quantity: 1 }], carrier: 'DHL', trackingNumber: `JD${orderId}`, estimatedDelivery: far(60) },
    }, 1);
  switch (kind) {
    case 'receipt':
      return { orderId, kind, webhooks: [[placed]], expected: ['receipt'] };
    case 'shipping_confirmation':
      return { orderId, kind, webhooks: [[placed], [shipped()]], expected: ['receipt', 'shipping_confirmation'] };
    case 'delay_notice':
      return {
        orderId,
        kind,
        webhooks: [[placed], [hook('order.delayed', 'delayed', { orderId, reason: 'backorder', message: 'Back in stock soon', newShipBy: far(80), newDeliverBy: far(85) }, 1)]],
        expected: ['receipt', 'delay_notice'],
      };
    case 'cancellation':
      return { orderId, kind, webhooks: [[placed], [hook('order.cancelled', 'cancelled', { orderId, reason: 'customer' }, 1)]], expected: ['receipt', 'cancellation'] };
    case 'shipping_update':
    case 'out_for_delivery':
    case 'delivery_attempt_failed':
    case 'delivery_exception': {
      // The carrier's report after the shipment: new tracking details, or a status of its own.
      const report =
        kind === 'shipping_update'
          ? { carrier: 'UPS', trackingNumber: `1Z${orderId}` }
          : { status: { out_for_delivery: 'out_for_delivery', delivery_attempt_failed: 'attempted_delivery', delivery_exception: 'failure' }[kind], message: 'Carrier note' };
      return { orderId, kind, webhooks: [[placed], [shipped()], [hook('shipment.updated', 'report', { orderId, shipmentId: `${orderId}-s1`, ...report }, 2)]], expected: ['receipt', 'shipping_confirmation', kind] };
    }
    case 'refund':
      return {
        orderId,
        kind,
        webhooks: [[placed], [hook('order.refunded', 'refunded', { orderId, full: false, refundId: `${orderId}-rf1`, amount: '20.00', currency: 'EUR', lineItems: [{ lineItemId: 'li-1', quantity: 1, amount: '20.00' }] }, 1)]],
        expected: ['receipt', 'refund'],
      };
    case 'order_edited': {
      const order = (placed.data as { order: Record<string, unknown> }).order;
      const socks = { id: 'li-2', title: 'Wool socks', quantity: 1, unitPrice: '15.00', total: '15.00' };
      const edited = { ...order, lineItems: [...(order.lineItems as object[]), socks], subtotal: '135.00', total: '135.00' };
      return { orderId, kind, webhooks: [[placed], [hook('order.edited', 'edited', { orderId, editId: `${orderId}-ed1`, order: edited, added: [{ lineItemId: 'li-2', quantity: 1 }], removed: [] }, 1)]], expected: ['receipt', 'order_edited'] };
    }
    case 'pickup_ready':
      return { orderId, kind, webhooks: [[placed], [hook('pickup.ready', 'ready', { orderId, location: 'Outlet, Torstraße 1, Berlin' }, 1)]], expected: ['receipt', 'pickup_ready'] };
    case 'picked_up':
      // Collected counts as delivered: the feedback request and its reminder follow.
      return {
        orderId,
        kind,
        webhooks: [[placed], [hook('pickup.ready', 'ready', { orderId, location: 'Outlet, Torstraße 1, Berlin' }, 1)], [hook('pickup.completed', 'collected', { orderId }, 2)]],
        expected: ['receipt', 'pickup_ready', 'picked_up', 'feedback_request', 'feedback_reminder'],
      };
    case 'delivered':
    case 'feedback_request':
    case 'feedback_reminder':
      return {
        orderId,
        kind,
        webhooks: [[placed], [shipped()], [hook('shipment.updated', 'delivered', { orderId, shipmentId: `${orderId}-s1`, status: 'delivered' }, 2)]],
        // The delivery report also sends the update email `delivered` (on by default).
        expected: ['receipt', 'shipping_confirmation', 'delivered', 'feedback_request', 'feedback_reminder'],
      };
  }
}

/** A small seeded generator (mulberry32): the same seed, the same choices. The bench's, so a seed means the same in both. */
export { seededRandom as seeded } from '../../bench/lib/stats.js';

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Emails per order, as kinds sorted by expected order, for a comparison that names what is missing or doubled. */
export function tally(orders: FaultOrder[], emails: Array<{ orderId?: string; kind?: string }>): Array<{ orderId: string; crash?: string; got: string[]; expected: string[] }> {
  const byOrder = new Map<string, string[]>();
  for (const e of emails) if (e.orderId) byOrder.set(e.orderId, [...(byOrder.get(e.orderId) ?? []), e.kind ?? '?']);
  // The kinds in their order, then any other kind by name.
  const order: string[] = [...EMAIL_KINDS];
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const byRank = (a: string, b: string) => rank(a) - rank(b) || a.localeCompare(b);
  return orders
    .map((o) => ({
      orderId: o.orderId,
      crash: o.plan ? `${o.plan.mode} at ${o.plan.at}${o.plan.kind ? ` (${o.plan.kind})` : ''}${o.plan.eventType ? ` (${o.plan.eventType})` : ''}` : undefined,
      got: [...(byOrder.get(o.orderId) ?? [])].sort(byRank),
      expected: [...o.expected].sort(byRank),
    }))
    .filter((r) => JSON.stringify(r.got) !== JSON.stringify(r.expected));
}

/**
 * Posts a webhook once, as a platform that never retries does, whatever the answer (a 502 when
 * ingest died, no answer when the runtime was killed). A 4xx is still a failure of the test.
 */
export async function deliverOnce(url: () => string, hook: Webhook): Promise<void> {
  try {
    const res = await fetch(`${url()}/_local/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hook) });
    if (res.status >= 400 && res.status < 500) throw new Error(`${hook.eventId}: ${res.status} ${await res.text()}`);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(hook.eventId)) throw e;
    // The connection died with the runtime: the platform gives up, as this one always does.
  }
}

/** Posts a webhook as a platform does: again and again until it is acknowledged (2xx). */
export async function deliver(url: () => string, hook: Webhook, { attempts = 40, alive = () => true }: { attempts?: number; alive?: () => boolean } = {}): Promise<void> {
  let last = '';
  for (let i = 0; i < attempts; i++) {
    // The runtime was killed: the driver restarts it and posts again.
    if (!alive()) throw new Error(`the runtime died while ${hook.eventId} was being delivered`);
    try {
      const res = await fetch(`${url()}/_local/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hook) });
      if (res.status >= 200 && res.status < 300) return;
      last = `${res.status} ${await res.text()}`;
      if (res.status >= 400 && res.status < 500) throw new Error(`${hook.eventId}: ${last}`);
    } catch (e) {
      if (e instanceof Error && e.message.startsWith(hook.eventId)) throw e;
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 100 + i * 50));
  }
  throw new Error(`${hook.eventId} never acknowledged: ${last}`);
}
