/**
 * The shipment update kinds (issue 13): out for delivery, delivered, a failed attempt, an
 * exception, new tracking details. Each is about one shipment, named by its items, with the
 * carrier's details and link; what the carrier said (a platform's message) is quoted as given.
 */
import { shippedQuantities, type ShipmentState } from '../../order-state.js';
import type { Block, EmailDoc, FactRow, ItemRow } from '../document.js';
import { greeting, linkBlock, optional, shipmentItems, trackingButton, type Env } from '../parts.js';
import { safeUrl } from '../safe.js';

function shipmentOf(env: Env): ShipmentState {
  const shipment = env.ctx.shipment ?? env.ctx.state.shipments.at(-1);
  if (!shipment) throw new Error(`renderEmail: ${env.ctx.kind} for order ${env.order.orderId} needs ctx.shipment (the state has no shipments)`);
  return shipment;
}

function trackingFacts(env: Env, s: ShipmentState, withEstimate: boolean): FactRow[] {
  const m = env.m.shipping;
  return [
    ...(s.carrier ? [{ label: m.carrier, value: s.carrier }] : []),
    ...(s.trackingNumber ? [{ label: m.trackingNumber, value: s.trackingNumber }] : []),
    ...(withEstimate && s.estimatedDelivery ? [{ label: m.estimatedDelivery, value: env.date(s.estimatedDelivery) }] : []),
  ];
}

/** The platform's words about this shipment's latest status of the given type, if it sent any. */
function carrierMessage(env: Env, s: ShipmentState, type: 'attempted_delivery' | 'delivery_failure'): string | undefined {
  const entry = env.ctx.state.timeline.filter((e) => e.shipmentId === s.shipmentId && e.type === type).at(-1);
  return entry?.message?.trim() || undefined;
}

const facts = (rows: FactRow[]): Block[] => (rows.length ? [{ type: 'facts', rows }] : []);
const steps = (env: Env, lines: string[]): Block[] => [
  { type: 'paragraph', text: env.m.parcel.whatYouCanDo },
  ...lines.map((text, i): Block => ({ type: 'paragraph', text: `${i + 1}. ${text}` })),
];

export function outForDelivery(env: Env): EmailDoc {
  const { order } = env;
  const t = env.m.parcel.outForDelivery;
  const s = shipmentOf(env);
  const blocks: Block[] = [
    { type: 'heading', text: t.heading },
    greeting(env),
    { type: 'paragraph', text: t.intro(order.orderName) },
    { type: 'items', title: env.m.parcel.inThisPackage, items: shipmentItems(env, s) },
    ...facts(trackingFacts(env, s, false)),
    ...linkBlock(env.m.shipping.trackWithCarrier(s.carrier), s.trackingUrl),
    { type: 'paragraph', text: t.note, muted: true },
    ...trackingButton(env),
  ];
  return { subject: t.subject(order.orderName), preheader: t.preheader, blocks };
}

/** What of the order is not delivered yet: other parcels on their way, and items not shipped. */
function stillToCome(env: Env, delivered: ShipmentState): ItemRow[] {
  const { state } = env.ctx;
  const open = state.shipments.filter((s) => s.shipmentId !== delivered.shipmentId && s.status !== 'delivered');
  const rows = open.flatMap((s) => shipmentItems(env, s));
  const shipped = shippedQuantities(state);
  for (const li of env.order.lineItems) {
    const left = li.quantity - (shipped.get(li.id) ?? 0);
    // A shipment that lists no items carried the whole order (order-state's rule).
    if (left > 0 && !state.shipments.some((s) => s.lineItems.length === 0)) {
      rows.push({ title: li.title, variant: li.variant || undefined, detail: env.m.common.quantity(left), imageUrl: safeUrl(li.imageUrl) });
    }
  }
  return rows;
}

export function delivered(env: Env): EmailDoc {
  const { order, ctx } = env;
  const t = env.m.parcel.delivered;
  const s = shipmentOf(env);
  const date = env.date(s.deliveredAt ?? s.statusAt);
  const rest = stillToCome(env, s);
  const blocks: Block[] = [
    { type: 'heading', text: t.heading },
    greeting(env),
    { type: 'paragraph', text: t.intro(order.orderName, date) },
    { type: 'items', title: env.m.parcel.inThisPackage, items: shipmentItems(env, s) },
    ...(rest.length
      ? [{ type: 'items', title: t.stillOnItsWay, items: rest } as Block, { type: 'paragraph', text: t.stillOnItsWayNote } as Block]
      : [{ type: 'paragraph', text: t.allDelivered } as Block]),
    { type: 'paragraph', text: t.notReceived(ctx.branding.supportEmail) },
    ...optional(!rest.length && ctx.feedbackFollows && t.feedbackFollows, (text) => ({ type: 'paragraph', text, muted: true })),
    ...trackingButton(env),
  ];
  return { subject: t.subject(order.orderName), preheader: t.preheader(date), blocks };
}

export function deliveryAttemptFailed(env: Env): EmailDoc {
  const { order } = env;
  const t = env.m.parcel.attemptFailed;
  const s = shipmentOf(env);
  const blocks: Block[] = [
    { type: 'heading', text: t.heading },
    greeting(env),
    { type: 'paragraph', text: t.intro(order.orderName) },
    ...optional(carrierMessage(env, s, 'attempted_delivery'), (text) => ({ type: 'quote', label: env.m.parcel.carrierSays, text })),
    ...steps(env, t.steps),
    ...facts(trackingFacts(env, s, false)),
    ...linkBlock(env.m.shipping.trackWithCarrier(s.carrier), s.trackingUrl),
    { type: 'items', title: env.m.parcel.inThisPackage, items: shipmentItems(env, s) },
    ...trackingButton(env),
  ];
  return { subject: t.subject(order.orderName), preheader: t.preheader, blocks };
}

export function deliveryException(env: Env): EmailDoc {
  const { order, ctx } = env;
  const t = env.m.parcel.exception;
  const s = shipmentOf(env);
  const blocks: Block[] = [
    { type: 'heading', text: t.heading },
    greeting(env),
    { type: 'paragraph', text: t.intro(order.orderName) },
    ...optional(carrierMessage(env, s, 'delivery_failure'), (text) => ({ type: 'quote', label: env.m.parcel.carrierSays, text })),
    ...steps(env, t.steps(ctx.branding.supportEmail)),
    ...facts(trackingFacts(env, s, false)),
    ...linkBlock(env.m.shipping.trackWithCarrier(s.carrier), s.trackingUrl),
    { type: 'items', title: env.m.parcel.inThisPackage, items: shipmentItems(env, s) },
    ...trackingButton(env),
  ];
  return { subject: t.subject(order.orderName), preheader: t.preheader, blocks };
}

export function shippingUpdate(env: Env): EmailDoc {
  const { order } = env;
  const t = env.m.parcel.shippingUpdate;
  const s = shipmentOf(env);
  const blocks: Block[] = [
    { type: 'heading', text: t.heading },
    greeting(env),
    { type: 'paragraph', text: t.intro(order.orderName) },
    ...facts(trackingFacts(env, s, true)),
    ...linkBlock(env.m.shipping.trackWithCarrier(s.carrier), s.trackingUrl),
    { type: 'paragraph', text: t.note },
    { type: 'items', title: env.m.parcel.inThisPackage, items: shipmentItems(env, s) },
    ...trackingButton(env),
  ];
  return { subject: t.subject(order.orderName), preheader: t.preheader, blocks };
}
