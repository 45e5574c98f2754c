/**
 * Local pickup (issue 13): the order is ready to collect (where, when, for how long), and it was
 * collected. Where and when come from the store's `pickup` configuration unless the platform
 * named the location; several lines of an address stay lines.
 */
import type { Block, EmailDoc } from '../document.js';
import { greeting, optional, orderedItems, trackingLink, type Env } from '../parts.js';
import { cleanText } from '../safe.js';

export function pickupReady(env: Env): EmailDoc {
  const { order, ctx } = env;
  const t = env.m.pickup;
  const where = (ctx.pickup?.location ?? '').split(/\r\n|\r|\n|,\s*(?=\S)/).map(cleanText).filter(Boolean);
  const hours = ctx.pickup?.hours?.trim();
  if (!where.length) throw new Error(`renderEmail: pickup_ready for order ${order.orderId} needs ctx.pickup.location (the store's pickup configuration)`);
  const blocks: Block[] = [
    { type: 'heading', text: t.readyHeading },
    greeting(env),
    { type: 'paragraph', text: t.readyIntro(order.orderName) },
    { type: 'address', title: t.where, lines: where },
    ...optional(hours, (value) => ({ type: 'facts', rows: [{ label: t.hours, value }] })),
    { type: 'paragraph', text: t.bring(order.orderName) },
    ...optional(ctx.pickup?.holdDays, (days) => ({ type: 'paragraph', text: t.hold(days) })),
    { type: 'items', title: env.m.common.orderLabel(order.orderName), items: orderedItems(env) },
    ...trackingLink(env),
  ];
  return { subject: t.readySubject(order.orderName), preheader: t.readyPreheader, blocks };
}

export function pickedUp(env: Env): EmailDoc {
  const { order, ctx } = env;
  const t = env.m.pickup;
  const at = ctx.state.pickup?.pickedUpAt;
  if (!at) throw new Error(`renderEmail: picked_up for order ${order.orderId} needs state.pickup.pickedUpAt`);
  const blocks: Block[] = [
    { type: 'heading', text: t.pickedHeading },
    greeting(env),
    { type: 'paragraph', text: t.pickedIntro(order.orderName, env.date(at)) },
    { type: 'items', title: env.m.common.orderLabel(order.orderName), items: orderedItems(env) },
    ...optional(ctx.feedbackFollows && env.m.parcel.delivered.feedbackFollows, (text) => ({ type: 'paragraph', text, muted: true })),
    { type: 'paragraph', text: t.notYou(ctx.branding.supportEmail) },
    ...trackingLink(env),
  ];
  return { subject: t.pickedSubject(order.orderName), preheader: t.pickedPreheader, blocks };
}
