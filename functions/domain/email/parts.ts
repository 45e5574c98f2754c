/** Pieces several kinds share, and the per-render environment they read. */
import type { Messages } from '../i18n/index.js';
import type { Address, Order } from '../order.js';
import type { ShipmentState } from '../order-state.js';
import type { EmailContext } from './context.js';
import type { Block, ItemRow } from './document.js';
import { safeUrl, type SafeUrl } from './safe.js';

/** One render's inputs, resolved once: the order, the catalogue and bound formatters. */
export interface Env {
  ctx: EmailContext;
  order: Order;
  m: Messages;
  locale: string;
  money: (amount: string) => string;
  date: (iso: string) => string;
  percent: (rate: number) => string;
  tracking: SafeUrl | undefined;
}

export function greeting(env: Env): Block {
  return { type: 'paragraph', text: env.m.common.greeting(env.order.customer.firstName?.trim() || undefined) };
}

/** The primary call to action; dropped, not broken, if the link is not http(s). */
export function trackingButton(env: Env): Block[] {
  return env.tracking ? [{ type: 'button', label: env.m.common.trackOrder, href: env.tracking }] : [];
}

/** The quieter form, for emails whose main action is something else. */
export function trackingLink(env: Env): Block[] {
  return env.tracking ? [{ type: 'link', label: env.m.common.viewOrder, href: env.tracking }] : [];
}

export function linkBlock(label: string, raw: string | undefined): Block[] {
  const href = safeUrl(raw);
  return href ? [{ type: 'link', label, href }] : [];
}

/** Every line item with its price, as on the receipt. */
export function pricedItems(env: Env): ItemRow[] {
  return env.order.lineItems.map((li) => ({
    title: li.title,
    variant: li.variant || undefined,
    detail: `${env.m.common.quantity(li.quantity)} · ${env.m.common.each(env.money(li.unitPrice))}`,
    amount: env.money(li.total),
    imageUrl: safeUrl(li.imageUrl),
  }));
}

/**
 * What is in a shipment, named from the order's line items. A shipment that lists no items
 * (platforms that report tracking only) carries the whole order, as order-state counts it.
 */
export function shipmentItems(env: Env, shipment: ShipmentState): ItemRow[] {
  const byId = new Map(env.order.lineItems.map((li) => [li.id, li]));
  const entries = shipment.lineItems.length
    ? shipment.lineItems
    : env.order.lineItems.map((li) => ({ lineItemId: li.id, quantity: li.quantity }));
  return entries.map(({ lineItemId, quantity }) => {
    const li = byId.get(lineItemId);
    return {
      title: li?.title ?? env.m.common.itemFallback(lineItemId),
      variant: li?.variant || undefined,
      detail: env.m.common.quantity(quantity),
      imageUrl: safeUrl(li?.imageUrl),
    };
  });
}

/** Unpriced list of what was ordered, to remind the shopper which order this is. */
export function orderedItems(env: Env): ItemRow[] {
  return env.order.lineItems.map((li) => ({
    title: li.title,
    variant: li.variant || undefined,
    detail: env.m.common.quantity(li.quantity),
    imageUrl: safeUrl(li.imageUrl),
  }));
}

// Where the city line puts the postcode after the city ("Springfield, IL 62704").
const CITY_FIRST = new Set(['US', 'CA', 'AU']);

/** Address lines in the usual order for the destination country, empty parts left out. */
export function addressLines(a: Address): string[] {
  const cityFirst = a.countryCode ? CITY_FIRST.has(a.countryCode) : false;
  const cityLine = cityFirst
    ? [[a.city, a.province].filter(Boolean).join(', '), a.zip].filter(Boolean).join(' ')
    : [[a.zip, a.city].filter(Boolean).join(' '), a.province].filter(Boolean).join(', ');
  return [a.name, a.company, a.address1, a.address2, cityLine, a.country].filter((l): l is string => !!l && l.trim() !== '');
}

/** A block when there is something to show, nothing otherwise: `...optional(reason, (text) => …)`. */
export function optional<T>(value: T | undefined | null | false | '', make: (value: T) => Block): Block[] {
  return value === undefined || value === null || value === false || value === '' ? [] : [make(value)];
}

/** "…shopping with Acme Inc.." → "…with Acme Inc.": for messages that end on a store name. */
export function endSentence(text: string): string {
  return text.replace(/([^.])\.\.$/, '$1.');
}
