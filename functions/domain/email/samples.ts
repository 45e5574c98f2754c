/**
 * Sample orders for tests and email previews: one per currency quirk (EUR in German with taxes
 * included, USD in English with a discount and sales tax, JPY in French with no minor unit, KWD
 * with three decimals). Tests and `scripts/preview-emails.ts` use the same data, so what a
 * designer sees in a preview is what the tests pin down.
 */
import type { Language } from '../i18n/index.js';
import { orderSchema, type Order, type OrderInput } from '../order.js';
import type { OrderState, ShipmentState } from '../order-state.js';
import type { Branding } from '../store-config.js';
import type { EmailContext, EmailKind } from './context.js';

export type SampleKey = 'eur_de' | 'usd_en' | 'jpy_fr' | 'kwd_en';

export const sampleBranding: Branding = {
  name: 'Nordlicht Supply Co.',
  accentColor: '#0f766e',
  supportEmail: 'help@nordlicht.example',
  postalAddress: 'Hafenstraße 12\n20457 Hamburg, Germany',
};

const inputs: Record<SampleKey, OrderInput> = {
  eur_de: {
    orderId: 'ord_eur_1001',
    orderName: '#1001',
    placedAt: '2026-11-20T09:30:00Z',
    currency: 'EUR',
    customer: { email: 'anna.schmidt@example.com', firstName: 'Anna', lastName: 'Schmidt', locale: 'de-DE', timeZone: 'Europe/Berlin' },
    shippingAddress: {
      name: 'Anna Schmidt',
      address1: 'Lindenallee 5',
      city: 'Köln',
      zip: '50668',
      country: 'Deutschland',
      countryCode: 'DE',
    },
    lineItems: [
      { id: 'li_coat', title: 'Wollmantel', variant: 'Anthrazit / 38', sku: 'COAT-38', quantity: 1, unitPrice: '1149.00', total: '1149.00' },
      { id: 'li_mug', title: 'Keramikbecher', quantity: 2, unitPrice: '24.50', total: '49.00' },
      { id: 'li_napkin', title: 'Leinenserviette', variant: 'Salbei', quantity: 4, unitPrice: '7.90', total: '31.60' },
    ],
    subtotal: '1229.60',
    shipping: { title: 'DHL Paket', amount: '4.90' },
    taxLines: [{ title: 'MwSt.', rate: 0.19, amount: '197.11' }],
    taxTotal: '197.11',
    taxesIncluded: true,
    total: '1234.50',
    paymentStatus: 'paid',
    promises: { shipBy: '2026-11-23T16:00:00Z', deliverBy: '2026-11-26T16:00:00Z' },
  },
  usd_en: {
    orderId: 'ord_usd_2042',
    orderName: '#2042',
    placedAt: '2026-11-20T15:05:00Z',
    currency: 'USD',
    customer: { email: 'sam.carter@example.com', firstName: 'Sam', lastName: 'Carter', locale: 'en-US', timeZone: 'America/New_York' },
    shippingAddress: {
      name: 'Sam Carter',
      address1: '350 Fifth Avenue',
      address2: 'Apt 12B',
      city: 'New York',
      province: 'NY',
      zip: '10118',
      country: 'United States',
      countryCode: 'US',
    },
    lineItems: [
      { id: 'li_shoes', title: 'Trail Runner Shoes', variant: 'Size 10 / Slate', quantity: 1, unitPrice: '129.00', total: '129.00' },
      { id: 'li_socks', title: 'Merino Socks (3-pack)', quantity: 2, unitPrice: '18.00', total: '36.00' },
    ],
    subtotal: '165.00',
    discounts: [{ code: 'WELCOME10', amount: '16.50' }],
    shipping: { title: 'Standard', amount: '0.00' },
    taxLines: [{ title: 'NY State Tax', rate: 0.08875, amount: '13.18' }],
    taxTotal: '13.18',
    total: '161.68',
    paymentStatus: 'paid',
    promises: { shipBy: '2026-11-24T22:00:00Z', deliverBy: '2026-11-28T22:00:00Z' },
  },
  jpy_fr: {
    orderId: 'ord_jpy_3003',
    orderName: '#3003',
    placedAt: '2026-11-21T08:00:00Z',
    currency: 'JPY',
    customer: { email: 'elodie.martin@example.com', firstName: 'Élodie', lastName: 'Martin', locale: 'fr-FR', timeZone: 'Europe/Paris' },
    shippingAddress: {
      name: 'Élodie Martin',
      address1: '8 rue des Lilas',
      city: 'Lyon',
      zip: '69003',
      country: 'France',
      countryCode: 'FR',
    },
    lineItems: [
      { id: 'li_teapot', title: 'Théière en fonte', variant: 'Noir', quantity: 1, unitPrice: '8800', total: '8800' },
      { id: 'li_tea', title: 'Thé vert sencha 100 g', quantity: 3, unitPrice: '1200', total: '3600' },
    ],
    subtotal: '12400',
    shipping: { title: 'Colissimo', amount: '800' },
    taxLines: [{ title: 'TVA', rate: 0.1, amount: '1200' }],
    taxTotal: '1200',
    taxesIncluded: true,
    total: '13200',
    paymentStatus: 'paid',
    promises: { shipBy: '2026-11-24T16:00:00Z', deliverBy: '2026-11-27T16:00:00Z' },
  },
  kwd_en: {
    orderId: 'ord_kwd_4004',
    orderName: '#4004',
    placedAt: '2026-11-22T07:45:00Z',
    currency: 'KWD',
    customer: { email: 'layla@example.com', firstName: 'Layla', locale: 'en-GB', timeZone: 'Asia/Kuwait' },
    shippingAddress: { name: 'Layla Al-Sabah', address1: 'Block 3, Street 14, House 7', city: 'Salmiya', country: 'Kuwait', countryCode: 'KW' },
    lineItems: [
      { id: 'li_oud', title: 'Oud Perfume 50 ml', quantity: 1, unitPrice: '45.750', total: '45.750' },
      { id: 'li_box', title: 'Gift Box', quantity: 1, unitPrice: '2.125', total: '2.125' },
    ],
    subtotal: '47.875',
    shipping: { title: 'Express', amount: '1.500' },
    total: '49.375',
    paymentStatus: 'paid',
    promises: { shipBy: '2026-11-23T14:00:00Z', deliverBy: '2026-11-25T14:00:00Z' },
  },
};

/** The sample orders, parsed through the real schema so they stay valid orders. */
export const sampleOrders: Record<SampleKey, Order> = {
  eur_de: orderSchema.parse(inputs.eur_de),
  usd_en: orderSchema.parse(inputs.usd_en),
  jpy_fr: orderSchema.parse(inputs.jpy_fr),
  kwd_en: orderSchema.parse(inputs.kwd_en),
};

/** Which sample each preview language shows. */
export const previewSamples: Record<Language, SampleKey> = { en: 'usd_en', de: 'eur_de', fr: 'jpy_fr' };

const carriers: Record<SampleKey, { carrier: string; trackingUrl: (n: string) => string }> = {
  eur_de: { carrier: 'DHL', trackingUrl: (n) => `https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=${n}` },
  usd_en: { carrier: 'UPS', trackingUrl: (n) => `https://www.ups.com/track?tracknum=${n}` },
  jpy_fr: { carrier: 'Colissimo', trackingUrl: (n) => `https://www.laposte.fr/outils/suivre-vos-envois?code=${n}` },
  kwd_en: { carrier: 'Aramex', trackingUrl: (n) => `https://www.aramex.com/track/results?ShipmentNumber=${n}` },
};

/**
 * The order's shipments: the first line item alone, then everything else. An order with one
 * line item ships in one.
 */
export function sampleShipments(order: Order, key: SampleKey): ShipmentState[] {
  const { carrier, trackingUrl } = carriers[key];
  const [first, ...rest] = order.lineItems;
  const groups = [first ? [first] : [], rest].filter((g) => g.length > 0);
  return groups.map((items, i) => {
    const trackingNumber = `${carrier.toUpperCase().slice(0, 3)}${order.orderId.replace(/\D/g, '')}${i + 1}`;
    return {
      shipmentId: `shp_${order.orderId}_${i + 1}`,
      lineItems: items.map((li) => ({ lineItemId: li.id, quantity: li.quantity })),
      carrier,
      trackingNumber,
      trackingUrl: trackingUrl(trackingNumber),
      estimatedDelivery: `2026-11-${26 + i}T16:00:00Z`,
      shippedAt: `2026-11-${23 + i}T10:00:00Z`,
      status: 'in_transit',
      statusAt: `2026-11-${23 + i}T18:00:00Z`,
    };
  });
}

/** An order state built around a sample order; `patch` replaces whole top-level fields. */
export function sampleState(key: SampleKey = 'usd_en', patch: Partial<OrderState> = {}): OrderState {
  const order = sampleOrders[key];
  const shipments = sampleShipments(order, key);
  return {
    store: 'nordlicht.myshopify.com',
    orderId: order.orderId,
    order,
    status: 'shipped',
    shipments,
    refunded: 'none',
    delays: [],
    timeline: [{ at: order.placedAt, type: 'placed' }],
    ...patch,
  };
}

// The platform's message is written by the merchant, in the store's language.
const delayMessages: Record<SampleKey, string> = {
  eur_de: 'Unser Lieferant erwartet die nächste Lieferung am Freitag.',
  usd_en: 'Our supplier expects the next delivery on Friday.',
  jpy_fr: 'Notre fournisseur attend la prochaine livraison vendredi.',
  kwd_en: 'Our supplier expects the next delivery on Friday.',
};

// What a carrier says about a failed attempt or an exception (platforms pass it through).
const carrierMessages: Record<SampleKey, { attempt: string; failure: string }> = {
  eur_de: { attempt: 'Empfänger nicht angetroffen. Sendung liegt in der Filiale.', failure: 'Adresse unvollständig.' },
  usd_en: { attempt: 'No one available to sign. Left a notice.', failure: 'Address incomplete: apartment number missing.' },
  jpy_fr: { attempt: 'Destinataire absent. Avis de passage déposé.', failure: 'Adresse incomplète.' },
  kwd_en: { attempt: 'No one available to sign. Left a notice.', failure: 'Address incomplete: apartment number missing.' },
};

/** Links as the workflow would build them, on an example host. */
export function sampleLinks(orderId: string): EmailContext['links'] {
  const base = `https://orders.nordlicht.example`;
  const token = `tok_${orderId}`;
  return {
    tracking: `${base}/track/${orderId}?t=${token}`,
    unsubscribe: `${base}/unsubscribe?t=${token}`,
    unsubscribeOneClick: `${base}/unsubscribe/one-click?t=${token}`,
    feedback: {
      1: `${base}/feedback?t=${token}&rating=1`,
      2: `${base}/feedback?t=${token}&rating=2`,
      3: `${base}/feedback?t=${token}&rating=3`,
      4: `${base}/feedback?t=${token}&rating=4`,
      5: `${base}/feedback?t=${token}&rating=5`,
    },
  };
}

/**
 * A complete context for one kind, with what that kind needs: the final shipment for a
 * shipping confirmation, a backorder delay for a delay notice, a customer-requested
 * cancellation. `overrides` replace whole top-level fields.
 */
export function sampleContext(kind: EmailKind, key: SampleKey = 'usd_en', overrides: Partial<EmailContext> = {}): EmailContext {
  const order = sampleOrders[key];
  const base: EmailContext = {
    kind,
    state: sampleState(key),
    branding: sampleBranding,
    locale: order.customer.locale ?? 'en',
    timeZone: order.customer.timeZone,
    links: sampleLinks(order.orderId),
  };
  switch (kind) {
    case 'receipt':
      base.state = sampleState(key, { status: 'placed', shipments: [] });
      base.estimates = { ...order.promises };
      break;
    case 'shipping_confirmation': {
      const shipments = base.state.shipments;
      base.shipment = shipments.at(-1);
      base.isFinalShipment = true;
      break;
    }
    case 'delay_notice':
      base.state = sampleState(key, { status: 'placed', shipments: [] });
      base.delay = {
        what: 'shipment',
        missedPromise: order.promises.shipBy ?? order.placedAt,
        newEstimate: '2026-12-01T16:00:00Z',
        reason: 'backorder',
        message: delayMessages[key],
      };
      break;
    case 'cancellation':
      base.state = sampleState(key, { status: 'cancelled', shipments: [], cancelled: { at: '2026-11-21T12:00:00Z', reason: 'customer' } });
      break;
    case 'out_for_delivery':
    case 'delivery_attempt_failed':
    case 'delivery_exception':
    case 'shipping_update': {
      const shipments = sampleShipments(order, key);
      const last = shipments.at(-1)!;
      const status = kind === 'out_for_delivery' ? 'out_for_delivery' : kind === 'delivery_attempt_failed' ? 'attempted_delivery' : kind === 'delivery_exception' ? 'failure' : 'in_transit';
      const at = '2026-11-26T07:40:00Z';
      const updated: ShipmentState = kind === 'shipping_update' ? { ...last, carrier: 'UPS', trackingNumber: `1Z${order.orderId.replace(/\D/g, '')}X`, trackingUrl: undefined, retrackedAt: at } : { ...last, status, statusAt: at };
      base.state = sampleState(key, {
        shipments: [...shipments.slice(0, -1), updated],
        timeline: [
          { at: order.placedAt, type: 'placed' },
          ...(kind === 'delivery_attempt_failed' ? [{ at, type: 'attempted_delivery' as const, shipmentId: last.shipmentId, message: carrierMessages[key].attempt }] : []),
          ...(kind === 'delivery_exception' ? [{ at, type: 'delivery_failure' as const, shipmentId: last.shipmentId, message: carrierMessages[key].failure }] : []),
        ],
      });
      base.shipment = updated;
      break;
    }
    case 'delivered': {
      // A split order: the first parcel is here, the second still on its way.
      const [first, ...rest] = sampleShipments(order, key);
      const here: ShipmentState = { ...first!, status: 'delivered', statusAt: '2026-11-26T11:20:00Z', deliveredAt: '2026-11-26T11:20:00Z' };
      base.state = sampleState(key, { shipments: [here, ...rest] });
      base.shipment = here;
      base.feedbackFollows = false;
      break;
    }
    case 'refund': {
      // One item refunded, to the card it was paid with.
      const li = order.lineItems[1] ?? order.lineItems[0]!;
      const r = { id: 'rf_1', at: '2026-11-28T10:00:00Z', amount: li.unitPrice, lineItems: [{ lineItemId: li.id, quantity: 1, amount: li.unitPrice }], method: 'Visa •••• 4242' };
      base.state = sampleState(key, { refunded: 'partial', refunds: [r] });
      base.refund = r;
      break;
    }
    case 'order_edited': {
      // Before shipping: one more of the last item, the first one taken out.
      const [first, ...rest] = order.lineItems;
      const last = rest.at(-1) ?? first!;
      const edited = { ...order, lineItems: order.lineItems.filter((li) => li !== first || rest.length === 0) };
      const e = { id: 'ed_1', at: '2026-11-21T09:00:00Z', added: [{ lineItemId: last.id, quantity: 1 }], removed: rest.length ? [{ lineItemId: first!.id, quantity: first!.quantity }] : [], notify: true, titles: { [first!.id]: first!.title }, totalBefore: order.total };
      base.state = sampleState(key, { order: edited, status: 'placed', shipments: [], edits: [e], orderUpdatedAt: e.at });
      base.edits = [e];
      break;
    }
    case 'pickup_ready':
    case 'picked_up':
      base.state = sampleState(key, {
        status: kind === 'picked_up' ? 'delivered' : 'placed',
        shipments: [],
        pickup: { readyAt: '2026-11-21T10:00:00Z', ...(kind === 'picked_up' ? { pickedUpAt: '2026-11-22T16:30:00Z' } : {}) },
      });
      base.pickup = { location: 'Nordlicht Store\nHafenstraße 12\n20457 Hamburg', hours: 'Mon–Fri 10:00–19:00, Sat 10:00–16:00', holdDays: 14 };
      base.feedbackFollows = kind === 'picked_up';
      break;
    case 'feedback_request':
    case 'feedback_reminder':
      base.state = sampleState(key, {
        status: 'delivered',
        shipments: sampleShipments(order, key).map((s) => ({ ...s, status: 'delivered', deliveredAt: '2026-11-27T12:00:00Z' })),
      });
      break;
  }
  return { ...base, ...overrides };
}
