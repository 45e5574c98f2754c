/**
 * Receipts rendered from Shopify's payloads, checked money line by money line, in each language
 * whose formats differ: the total is what the shopper was charged, and the lines above it add up
 * to it (subtotal − discounts + shipping + tax unless included = total).
 *
 * Payloads: Shopify's published orders/create sample (`orders-create-shopify-sample`, #9999),
 * and realistic REST payloads around it: sales tax on top (#1001), the same order with a free
 * shipping discount, taxes included in EUR, a CAD shop charging in EUR (presentment), JPY, KWD,
 * and #1001 edited before it ships (orders/updated with current_* figures).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../functions/domain/email/render.js';
import { escapeHtml } from '../../functions/domain/email/safe.js';
import { sampleBranding } from '../../functions/domain/email/samples.js';
import { domainEventSchema, type DomainEvent } from '../../functions/domain/events.js';
import { checkOrderMoney } from '../../functions/domain/money.js';
import { foldOrder, type OrderState } from '../../functions/domain/order-state.js';
import { mapShopifyWebhook } from '../../functions/domain/platforms/shopify.js';
import { parseJsonKeepingBigInts } from '../../functions/domain/webhooks/json.js';

const SHOP = 'acme.myshopify.com';
const fixture = (name: string) => parseJsonKeepingBigInts(readFileSync(new URL(`../fixtures/shopify/${name}.json`, import.meta.url), 'utf8')) as Record<string, any>;

function mapped(topic: string, body: unknown): DomainEvent[] {
  const result = mapShopifyWebhook(topic, body, { store: SHOP });
  if (result.kind !== 'mapped') throw new Error(`${topic} did not map: ${result.kind}`);
  return result.events.map((e) => domainEventSchema.parse(e));
}

function stateOf(...deliveries: [topic: string, body: unknown][]): OrderState {
  const evts = deliveries.flatMap(([topic, body]) => mapped(topic, body));
  const placed = evts.find((e) => e.type === 'order.placed');
  const state = foldOrder(SHOP, placed?.type === 'order.placed' ? placed.data.order.orderId : 'x', evts);
  if (!state.order) throw new Error('no order');
  return state;
}

const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

function receipt(state: OrderState, locale: string) {
  return renderEmail({ kind: 'receipt', state, branding: sampleBranding, locale, timeZone: 'UTC', links: { tracking: 'https://pages.acme.example/track?t=x' } });
}

/** The receipt's money, as the text part lists it: every row of the summary, in order. */
function summaryRows(text: string): string[] {
  const block = spaces(text)
    .split('\n\n')
    .find((b) => /^(Subtotal|Zwischensumme|Sous-total) ?:/.test(b));
  if (!block) throw new Error('receipt has no summary');
  return block.split('\n').filter((l) => !/^─+$/.test(l));
}

/** The priced item lines: "Qty 2 · $89.00 each · $178.00". */
function itemRows(text: string): string[] {
  return spaces(text)
    .split('\n')
    .filter((l) => /^ {2}(Qty|Menge|Qté)/.test(l))
    .map((l) => l.trim());
}

/** Every summary row is also a label/value row of the HTML part, escaped. */
function expectHtmlRows(html: string, rows: string[]) {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const row of rows) {
    const [, label, value] = /^(.*?) ?: (.*)$/.exec(row)!;
    expect(spaces(html)).toMatch(new RegExp(`>${escape(escapeHtml(label!))}</td><td[^>]*>${escape(escapeHtml(value!))}<`));
  }
}

interface Case {
  name: string;
  state: () => OrderState;
  byLocale: Record<string, { items: string[]; summary: string[] }>;
}

/** #1001 with "free shipping over $150": the shipping line's 8.00 is taken off by a second discount. */
function withFreeShipping() {
  const body = fixture('orders-create');
  body.discount_applications.push({ target_type: 'shipping_line', type: 'automatic', title: 'Free shipping over $150', value: '100.0', value_type: 'percentage', allocation_method: 'each', target_selection: 'all' });
  const line = body.shipping_lines[0];
  line.discounted_price = '0.00';
  line.discounted_price_set = { shop_money: { amount: '0.00', currency_code: 'USD' }, presentment_money: { amount: '0.00', currency_code: 'USD' } };
  line.discount_allocations = [{ amount: '8.00', amount_set: { shop_money: { amount: '8.00', currency_code: 'USD' }, presentment_money: { amount: '8.00', currency_code: 'USD' } }, discount_application_index: 1 }];
  body.total_discounts = '29.55';
  body.total_price = '210.44';
  body.current_total_discounts = '29.55';
  body.current_total_price = '210.44';
  return body;
}

const cases: Case[] = [
  {
    name: "Shopify's published orders/create sample (#9999): discounts without allocations, a discounted shipping line",
    state: () => stateOf(['orders/create', fixture('orders-create-shopify-sample')]),
    byLocale: {
      'en-US': {
        items: ['Qty 1 · $89.99 each · $89.99', 'Qty 1 · $19.99 each · $19.99', 'Qty 1 · $24.99 each · $24.99', 'Qty 1 · $159.99 each · $159.99', 'Qty 1 · $119.99 each · $119.99'],
        summary: ['Subtotal: $414.95', 'Discount: -$20.00', 'Shipping (Generic Shipping): $10.00', 'Total: $404.95', 'Payment: Voided'],
      },
      'de-DE': {
        items: ['Menge: 1 · je 89,99 $ · 89,99 $', 'Menge: 1 · je 19,99 $ · 19,99 $', 'Menge: 1 · je 24,99 $ · 24,99 $', 'Menge: 1 · je 159,99 $ · 159,99 $', 'Menge: 1 · je 119,99 $ · 119,99 $'],
        summary: ['Zwischensumme: 414,95 $', 'Rabatt: -20,00 $', 'Versand (Generic Shipping): 10,00 $', 'Gesamtsumme: 404,95 $', 'Zahlung: Storniert'],
      },
      'fr-FR': {
        items: ['Qté : 1 · 89,99 $US l’unité · 89,99 $US', 'Qté : 1 · 19,99 $US l’unité · 19,99 $US', 'Qté : 1 · 24,99 $US l’unité · 24,99 $US', 'Qté : 1 · 159,99 $US l’unité · 159,99 $US', 'Qté : 1 · 119,99 $US l’unité · 119,99 $US'],
        summary: ['Sous-total : 414,95 $US', 'Remise : -20,00 $US', 'Livraison (Generic Shipping) : 10,00 $US', 'Total : 404,95 $US', 'Paiement : Annulé'],
      },
    },
  },
  {
    name: '#1001: a discount code allocated to the lines, two sales taxes on top',
    state: () => stateOf(['orders/create', fixture('orders-create')]),
    byLocale: {
      'en-US': {
        items: ['Qty 2 · $89.00 each · $178.00', 'Qty 3 · $12.50 each · $37.50'],
        summary: ['Subtotal: $215.50', 'Discount (WELCOME10): -$21.55', 'Shipping (Standard Shipping): $8.00', 'New York State Tax (4%): $7.76', 'New York City Tax (4.5%): $8.73', 'Total: $218.44', 'Payment: Paid'],
      },
      'de-DE': {
        items: ['Menge: 2 · je 89,00 $ · 178,00 $', 'Menge: 3 · je 12,50 $ · 37,50 $'],
        summary: ['Zwischensumme: 215,50 $', 'Rabatt (WELCOME10): -21,55 $', 'Versand (Standard Shipping): 8,00 $', 'New York State Tax (4 %): 7,76 $', 'New York City Tax (4,5 %): 8,73 $', 'Gesamtsumme: 218,44 $', 'Zahlung: Bezahlt'],
      },
      'fr-FR': {
        items: ['Qté : 2 · 89,00 $US l’unité · 178,00 $US', 'Qté : 3 · 12,50 $US l’unité · 37,50 $US'],
        summary: ['Sous-total : 215,50 $US', 'Remise (WELCOME10) : -21,55 $US', 'Livraison (Standard Shipping) : 8,00 $US', 'New York State Tax (4 %) : 7,76 $US', 'New York City Tax (4,5 %) : 8,73 $US', 'Total : 218,44 $US', 'Paiement : Payé'],
      },
    },
  },
  {
    name: '#1001 with a free-shipping discount: shipping at its price, its discount listed',
    state: () => stateOf(['orders/create', withFreeShipping()]),
    byLocale: {
      'en-US': {
        items: ['Qty 2 · $89.00 each · $178.00', 'Qty 3 · $12.50 each · $37.50'],
        summary: [
          'Subtotal: $215.50',
          'Discount (WELCOME10): -$21.55',
          'Discount (Free shipping over $150): -$8.00',
          'Shipping (Standard Shipping): $8.00',
          'New York State Tax (4%): $7.76',
          'New York City Tax (4.5%): $8.73',
          'Total: $210.44',
          'Payment: Paid',
        ],
      },
      'de-DE': {
        items: ['Menge: 2 · je 89,00 $ · 178,00 $', 'Menge: 3 · je 12,50 $ · 37,50 $'],
        summary: [
          'Zwischensumme: 215,50 $',
          'Rabatt (WELCOME10): -21,55 $',
          'Rabatt (Free shipping over $150): -8,00 $',
          'Versand (Standard Shipping): 8,00 $',
          'New York State Tax (4 %): 7,76 $',
          'New York City Tax (4,5 %): 8,73 $',
          'Gesamtsumme: 210,44 $',
          'Zahlung: Bezahlt',
        ],
      },
    },
  },
  {
    name: 'EUR with taxes included: the tax is shown under the total, not added to it',
    state: () => stateOf(['orders/create', fixture('orders-create-eur-taxes-included')]),
    byLocale: {
      'en-US': {
        items: ['Qty 1 · €79.90 each · €79.90', 'Qty 2 · €34.95 each · €69.90'],
        summary: ['Subtotal: €149.80', 'Discount (SOMMER15): -€22.47', 'Shipping (DHL Paket): €4.90', 'Total: €132.23', 'incl. MwSt. (19%): €21.11', 'Payment: Paid'],
      },
      'de-DE': {
        items: ['Menge: 1 · je 79,90 € · 79,90 €', 'Menge: 2 · je 34,95 € · 69,90 €'],
        summary: ['Zwischensumme: 149,80 €', 'Rabatt (SOMMER15): -22,47 €', 'Versand (DHL Paket): 4,90 €', 'Gesamtsumme: 132,23 €', 'inkl. MwSt. (19 %): 21,11 €', 'Zahlung: Bezahlt'],
      },
      'fr-FR': {
        items: ['Qté : 1 · 79,90 € l’unité · 79,90 €', 'Qté : 2 · 34,95 € l’unité · 69,90 €'],
        summary: ['Sous-total : 149,80 €', 'Remise (SOMMER15) : -22,47 €', 'Livraison (DHL Paket) : 4,90 €', 'Total : 132,23 €', 'dont MwSt. (19 %) : 21,11 €', 'Paiement : Payé'],
      },
    },
  },
  {
    name: 'a CAD shop charging in EUR: every amount in the currency the shopper paid',
    state: () => stateOf(['orders/create', fixture('orders-create-presentment-currency')]),
    byLocale: {
      'en-US': { items: ['Qty 2 · €30.50 each · €61.00'], summary: ['Subtotal: €61.00', 'Shipping (International Economy): €10.15', 'Total: €71.15', 'Payment: Paid'] },
      'fr-FR': { items: ['Qté : 2 · 30,50 € l’unité · 61,00 €'], summary: ['Sous-total : 61,00 €', 'Livraison (International Economy) : 10,15 €', 'Total : 71,15 €', 'Paiement : Payé'] },
    },
  },
  {
    name: 'JPY: no minor unit, consumption tax included',
    state: () => stateOf(['orders/create', fixture('orders-create-jpy')]),
    byLocale: {
      'en-US': { items: ['Qty 1 · ¥4,400 each · ¥4,400', 'Qty 2 · ¥2,200 each · ¥4,400'], summary: ['Subtotal: ¥8,800', 'Shipping (ヤマト運輸 宅急便): ¥800', 'Total: ¥9,600', 'incl. 消費税 (10%): ¥873', 'Payment: Paid'] },
      'de-DE': { items: ['Menge: 1 · je 4.400 ¥ · 4.400 ¥', 'Menge: 2 · je 2.200 ¥ · 4.400 ¥'], summary: ['Zwischensumme: 8.800 ¥', 'Versand (ヤマト運輸 宅急便): 800 ¥', 'Gesamtsumme: 9.600 ¥', 'inkl. 消費税 (10 %): 873 ¥', 'Zahlung: Bezahlt'] },
      'fr-FR': { items: ['Qté : 1 · 4 400 JPY l’unité · 4 400 JPY', 'Qté : 2 · 2 200 JPY l’unité · 4 400 JPY'], summary: ['Sous-total : 8 800 JPY', 'Livraison (ヤマト運輸 宅急便) : 800 JPY', 'Total : 9 600 JPY', 'dont 消費税 (10 %) : 873 JPY', 'Paiement : Payé'] },
    },
  },
  {
    name: 'KWD: three decimals, the third one significant',
    state: () => stateOf(['orders/create', fixture('orders-create-kwd')]),
    byLocale: {
      'en-US': { items: ['Qty 1 · KWD 24.500 each · KWD 24.500', 'Qty 2 · KWD 7.250 each · KWD 14.500'], summary: ['Subtotal: KWD 39.000', 'Shipping (Local courier): KWD 1.125', 'Total: KWD 40.125', 'Payment: Paid'] },
      'de-DE': { items: ['Menge: 1 · je 24,500 KWD · 24,500 KWD', 'Menge: 2 · je 7,250 KWD · 14,500 KWD'], summary: ['Zwischensumme: 39,000 KWD', 'Versand (Local courier): 1,125 KWD', 'Gesamtsumme: 40,125 KWD', 'Zahlung: Bezahlt'] },
    },
  },
  {
    name: '#1001 edited before it ships (one pair of socks removed): the current figures',
    state: () => stateOf(['orders/create', fixture('orders-create')], ['orders/updated', fixture('orders-updated')]),
    byLocale: {
      'en-US': {
        items: ['Qty 2 · $89.00 each · $178.00', 'Qty 2 · $12.50 each · $25.00'],
        summary: ['Subtotal: $203.00', 'Discount (WELCOME10): -$20.30', 'Shipping (Standard Shipping): $8.00', 'New York State Tax (4%): $7.31', 'New York City Tax (4.5%): $8.22', 'Total: $206.23', 'Payment: Paid'],
      },
      'de-DE': {
        items: ['Menge: 2 · je 89,00 $ · 178,00 $', 'Menge: 2 · je 12,50 $ · 25,00 $'],
        summary: ['Zwischensumme: 203,00 $', 'Rabatt (WELCOME10): -20,30 $', 'Versand (Standard Shipping): 8,00 $', 'New York State Tax (4 %): 7,31 $', 'New York City Tax (4,5 %): 8,22 $', 'Gesamtsumme: 206,23 $', 'Zahlung: Bezahlt'],
      },
    },
  },
];

describe('receipt money from Shopify payloads', () => {
  describe.each(cases)('$name', ({ state, byLocale }) => {
    it('adds up: subtotal − discounts + shipping + tax (unless included) = the amount charged', () => {
      const check = checkOrderMoney(state().order!);
      expect(check).toMatchObject({ reconciles: true });
      expect(check.charged).toBe(check.computed);
    });

    it.each(Object.entries(byLocale))('in %s lists every item and money line, text and HTML', (locale, expected) => {
      const email = receipt(state(), locale);
      expect(itemRows(email.text)).toEqual(expected.items);
      expect(summaryRows(email.text)).toEqual(expected.summary);
      expectHtmlRows(email.html, expected.summary);
    });
  });

  it("takes Shopify's discount total after an edit when its pro rata share rounds differently from ours", () => {
    // The socks' discount is 3.76 for three pairs; one is removed. Our share for two is 2.51
    // (2.5067 rounded), Shopify's 2.50: its current_total_discounts (20.30) is what was charged.
    const body = fixture('orders-updated');
    body.line_items[1].discount_allocations[0].amount = '3.76';
    body.line_items[1].discount_allocations[0].amount_set.shop_money.amount = '3.76';
    body.line_items[1].discount_allocations[0].amount_set.presentment_money.amount = '3.76';
    const state = stateOf(['orders/updated', body]);
    expect(checkOrderMoney(state.order!)).toMatchObject({ reconciles: true, charged: '206.23' });
    expect(summaryRows(receipt(state, 'en-US').text)).toContain('Discount (WELCOME10): -$20.30');
  });

  it("states the amount charged at creation (total_price), not Shopify's current_total_price, for the published sample", () => {
    const body = fixture('orders-create-shopify-sample');
    expect([body.total_price, body.current_total_price]).toEqual(['404.95', '414.95']);
    const email = receipt(stateOf(['orders/create', body]), 'en-US');
    const rows = summaryRows(email.text);
    expect(rows).toContain('Total: $404.95');
    expect(rows).toContain('Discount: -$20.00');
    expect(rows.filter((r) => r.startsWith('Shipping'))).toEqual(['Shipping (Generic Shipping): $10.00']);
  });
});
