import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DomainEvent, EventPayload } from '../../functions/domain/events.js';
import { foldOrder } from '../../functions/domain/order-state.js';
import { parseWebhook, signShopify, type WebhookResult } from '../../functions/domain/webhooks/parse-webhook.js';

const SHOP = 'acme.myshopify.com';
const SECRET = 'shpss_0123456789abcdef0123456789abcdef';

const raw = (name: string) => readFileSync(new URL(`../fixtures/shopify/${name}.json`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(raw(name)) as Record<string, any>;

async function deliver(topic: string, body: string | object, headers: Record<string, string> = {}): Promise<Extract<WebhookResult, { ok: true }>> {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  const result = await parseWebhook(
    {
      source: 'shopify',
      rawBody,
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': signShopify(SECRET, rawBody),
        'x-shopify-shop-domain': SHOP,
        'x-shopify-topic': topic,
        'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
        ...headers,
      },
    },
    { secretsFor: async () => [SECRET], now: () => new Date('2026-06-01T00:00:00Z') },
  );
  if (!result.ok) throw new Error(`delivery failed: ${JSON.stringify(result.error)}`);
  return result;
}

async function events(topic: string, body: string | object, headers?: Record<string, string>): Promise<DomainEvent[]> {
  return (await deliver(topic, body, headers)).events;
}

function only<T extends DomainEvent['type']>(list: DomainEvent[], type: T): Extract<DomainEvent, { type: T }> {
  const found = list.filter((e): e is Extract<DomainEvent, { type: T }> => e.type === type);
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0]!;
}

describe('Shopify orders/create → order.placed', () => {
  it('maps a USD order with a discount code field by field', async () => {
    const list = await events('orders/create', raw('orders-create'));
    expect(list).toHaveLength(1);
    const event = only(list, 'order.placed');
    expect(event).toMatchObject({
      eventId: 'shopify:order.placed:5781132443843',
      store: SHOP,
      source: 'shopify',
      occurredAt: '2026-03-02T15:15:04.000Z',
    });
    expect(event.data.order).toEqual({
      orderId: '5781132443843',
      orderName: '#1001',
      placedAt: '2026-03-02T10:15:03-05:00',
      currency: 'USD',
      customer: { email: 'bob.norman@mail.example.com', firstName: 'Bob', lastName: 'Norman', locale: 'en' },
      shippingAddress: {
        name: 'Bob Norman',
        address1: '350 Fifth Avenue',
        address2: 'Floor 21',
        city: 'New York',
        province: 'New York',
        zip: '10118',
        country: 'United States',
        countryCode: 'US',
      },
      lineItems: [
        // product_id and vendor: what reviews of the item are published under, and its brand.
        { id: '14250389700803', title: 'Merino Crew Sweater', variant: 'Navy / M', sku: 'MCS-NVY-M', productId: '8012345670211', brand: 'Acme Knitwear', quantity: 2, unitPrice: '89.00', total: '178.00' },
        { id: '14250389733571', title: 'Wool Hiking Socks', sku: 'WHS-01', productId: '8012345703107', brand: 'Acme Knitwear', quantity: 3, unitPrice: '12.50', total: '37.50' },
      ],
      // Before discounts, so that subtotal − discounts + shipping + tax = total (215.50 − 21.55 + 8.00 + 16.49).
      subtotal: '215.50',
      discounts: [{ code: 'WELCOME10', amount: '21.55' }],
      shipping: { title: 'Standard Shipping', amount: '8.00' },
      taxLines: [
        { title: 'New York State Tax', rate: 0.04, amount: '7.76' },
        { title: 'New York City Tax', rate: 0.045, amount: '8.73' },
      ],
      taxTotal: '16.49',
      taxesIncluded: false,
      total: '218.44',
      paymentStatus: 'paid',
      shippingMethod: 'STANDARD',
      promises: {},
      statusUrl: 'https://shop.acme.example/63217139907/orders/b1946ac92492d2347c6235b4d2611184/authenticate?key=4e0b2e6f1a9c',
    });
  });

  it('writes JPY amounts without decimals and keeps Japanese names and places', async () => {
    const { order } = only(await events('orders/create', raw('orders-create-jpy')), 'order.placed').data;
    expect(order.currency).toBe('JPY');
    expect(order.lineItems.map((li) => [li.title, li.unitPrice, li.total])).toEqual([
      ['抹茶茶碗 東京', '4400', '4400'],
      ['茶筅', '2200', '4400'],
    ]);
    expect([order.subtotal, order.shipping?.amount, order.taxTotal, order.total]).toEqual(['8800', '800', '873', '9600']);
    expect(order.taxesIncluded).toBe(true);
    expect(order.customer).toEqual({ email: 'hanako.sato@example.jp', firstName: '花子', lastName: '佐藤', locale: 'ja' });
    expect(order.shippingAddress).toMatchObject({ name: '佐藤 花子', city: '渋谷区', province: '東京都', countryCode: 'JP' });
  });

  it('normalizes JPY amounts Shopify writes with ".00" to the currency’s zero decimals', async () => {
    const body = json('orders-create-jpy');
    body.total_price = '9600.00';
    body.current_total_price = '9600.00';
    body.line_items[0].price = '4400.00';
    const { order } = only(await events('orders/create', body), 'order.placed').data;
    expect([order.total, order.lineItems[0]?.unitPrice]).toEqual(['9600', '4400']);
  });

  it('keeps KWD’s three decimals, including a significant third one', async () => {
    const { order } = only(await events('orders/create', raw('orders-create-kwd')), 'order.placed').data;
    expect(order.lineItems.map((li) => [li.unitPrice, li.total])).toEqual([
      ['24.500', '24.500'],
      ['7.250', '14.500'],
    ]);
    expect([order.subtotal, order.shipping?.amount, order.taxTotal, order.total]).toEqual(['39.000', '1.125', '0.000', '40.125']);
  });

  it('maps a taxes-included EUR order with a discount code and non-ASCII text', async () => {
    const { order } = only(await events('orders/create', raw('orders-create-eur-taxes-included')), 'order.placed').data;
    expect(order.customer).toEqual({ email: 'zoe.mueller@example.de', firstName: 'Zoë', lastName: 'Müller', locale: 'de-DE' });
    expect(order.lineItems.map((li) => [li.title, li.variant, li.quantity, li.unitPrice, li.total])).toEqual([
      ['Fahrradhelm „Straße“', 'Größe M / Mattschwarz', 1, '79.90', '79.90'],
      ['Bügelschloss Ø 16 mm', undefined, 2, '34.95', '69.90'],
    ]);
    // Taxes included: 149.80 − 22.47 + 4.90 = 132.23.
    expect(order).toMatchObject({
      subtotal: '149.80',
      discounts: [{ code: 'SOMMER15', amount: '22.47' }],
      shipping: { title: 'DHL Paket', amount: '4.90' },
      taxLines: [{ title: 'MwSt.', rate: 0.19, amount: '21.11' }],
      taxTotal: '21.11',
      taxesIncluded: true,
      total: '132.23',
    });
    expect(order.shippingAddress).toMatchObject({ name: 'Zoë Müller', company: 'Fahrradwerkstatt Müller & Söhne', address1: 'Schönhauser Allee 36' });
  });

  it('uses the currency the customer paid in when it differs from the shop’s', async () => {
    const { order } = only(await events('orders/create', raw('orders-create-presentment-currency')), 'order.placed').data;
    expect(order.currency).toBe('EUR');
    expect([order.lineItems[0]?.unitPrice, order.lineItems[0]?.total, order.subtotal, order.shipping?.amount, order.total]).toEqual([
      '30.50',
      '61.00',
      '61.00',
      '10.15',
      '71.15',
    ]);
  });

  it('falls back to the shop currency for the whole order when a presentment amount is missing', async () => {
    const body = json('orders-create-presentment-currency');
    delete body.line_items[0].price_set;
    const { order } = only(await events('orders/create', body), 'order.placed').data;
    expect([order.currency, order.lineItems[0]?.unitPrice, order.shipping?.amount, order.total]).toEqual(['CAD', '45.00', '15.00', '105.00']);
  });

  it('keeps 64-bit ids exact, as Shopify’s own test notifications use them', async () => {
    const body = raw('orders-create').replace('"id": 5781132443843', '"id": 820982911946154508');
    const event = only(await events('orders/create', body), 'order.placed');
    expect(event.data.order.orderId).toBe('820982911946154508');
    expect(event.eventId).toBe('shopify:order.placed:820982911946154508');
  });

  it('acknowledges an order without a customer email and emits nothing for it', async () => {
    const body = json('orders-create');
    body.email = null;
    body.contact_email = null;
    body.customer.email = null;
    const result = await deliver('orders/create', body);
    expect(result.events).toEqual([]);
    expect(result.ignored).toBe('order has no customer email');
  });

  it('drops a status URL that is not http(s) instead of rejecting the order', async () => {
    const body = json('orders-create');
    body.order_status_url = 'javascript:alert(1)';
    const { order } = only(await events('orders/create', body), 'order.placed').data;
    expect(order.statusUrl).toBeUndefined();
  });
});

describe('Shopify orders/updated', () => {
  it('maps to order.updated keyed by the update time, with quantities and totals after an edit', async () => {
    const list = await events('orders/updated', raw('orders-updated'));
    expect(list.map((e) => e.type)).toEqual(['order.updated']);
    const event = only(list, 'order.updated');
    expect(event.eventId).toBe('shopify:order.updated:5781132443843:2026-03-02T16:02:40.000Z');
    expect(event.occurredAt).toBe('2026-03-02T16:02:40.000Z');
    const { order } = event.data;
    // One of three pairs of socks was removed: two remain, with two thirds of their discount.
    expect(order.lineItems.map((li) => [li.id, li.quantity, li.total])).toEqual([
      ['14250389700803', 2, '178.00'],
      ['14250389733571', 2, '25.00'],
    ]);
    expect(order.discounts).toEqual([{ code: 'WELCOME10', amount: '20.30' }]);
    expect(order.taxLines.map((t) => t.amount)).toEqual(['7.31', '8.22']);
    // 203.00 − 20.30 + 8.00 + 15.53 = 206.23, the order's current total.
    expect([order.subtotal, order.shipping?.amount, order.taxTotal, order.total]).toEqual(['203.00', '8.00', '15.53', '206.23']);
  });

  it('adds one full order.refunded when the financial status is refunded', async () => {
    const result = await deliver('orders/updated', raw('orders-updated-refunded'));
    const refund = only(result.events, 'order.refunded');
    expect(refund).toMatchObject({
      eventId: 'shopify:order.refunded:5790012345667:full',
      occurredAt: '2026-04-12T00:30:00.000Z',
      data: { orderId: '5790012345667', full: true },
    });
    // Every item was refunded and removed: there is no order left to describe.
    expect(result.events.map((e) => e.type)).toEqual(['order.refunded']);
    expect(result.ignored).toBe('order has no remaining line items');
  });

  it('adds order.cancelled when cancelled_at is set, identical to the one orders/cancelled produces', async () => {
    const fromUpdate = await events('orders/updated', raw('orders-updated-cancelled'));
    expect(fromUpdate.map((e) => e.type)).toEqual(['order.updated', 'order.cancelled']);
    const fromCancel = await events('orders/cancelled', raw('orders-cancelled'));
    expect(fromCancel).toEqual([only(fromUpdate, 'order.cancelled')]);
  });

  it('falls back to X-Shopify-Triggered-At when the payload has no updated_at', async () => {
    const body = json('orders-updated');
    delete body.updated_at;
    const event = only(await events('orders/updated', body, { 'x-shopify-triggered-at': '2026-03-02T16:05:00.123456789Z' }), 'order.updated');
    expect(event.occurredAt).toBe('2026-03-02T16:05:00.123Z');
  });
});

describe('Shopify orders/cancelled → order.cancelled', () => {
  it('uses the cancellation time and Shopify’s reason', async () => {
    const event = only(await events('orders/cancelled', raw('orders-cancelled')), 'order.cancelled');
    expect(event).toMatchObject({
      eventId: 'shopify:order.cancelled:5791234567811',
      occurredAt: '2026-05-06T05:12:45.000Z',
      data: { orderId: '5791234567811', reason: 'customer' },
    });
  });
});

describe('Shopify fulfillments', () => {
  const ups = 'https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1Z999AA10123456784';

  it('maps fulfillments/create to shipment.created with its line items and tracking', async () => {
    const list = await events('fulfillments/create', raw('fulfillments-create'));
    expect(list.map((e) => e.type)).toEqual(['shipment.created']);
    const event = only(list, 'shipment.created');
    expect(event.eventId).toBe('shopify:shipment.created:4853458485443');
    expect(event.occurredAt).toBe('2026-03-03T19:02:10.000Z');
    expect(event.data).toEqual({
      orderId: '5781132443843',
      shipment: {
        shipmentId: '4853458485443',
        lineItems: [
          { lineItemId: '14250389700803', quantity: 2 },
          { lineItemId: '14250389733571', quantity: 3 },
        ],
        carrier: 'UPS',
        trackingNumber: '1Z999AA10123456784',
        trackingUrl: ups,
      },
    });
  });

  it('maps a split fulfillment to two shipments that together ship the order', async () => {
    const placed = await events('orders/create', raw('orders-create-eur-taxes-included'));
    const first = await events('fulfillments/create', raw('fulfillments-create-split-1'));
    const second = await events('fulfillments/create', raw('fulfillments-create-split-2'));
    expect(only(first, 'shipment.created').data.shipment.lineItems).toEqual([{ lineItemId: '13995839160387', quantity: 1 }]);
    expect(only(second, 'shipment.created').data.shipment.lineItems).toEqual([{ lineItemId: '13995839193155', quantity: 2 }]);
    expect(only(second, 'shipment.updated').data.status).toBe('label_printed');

    expect(foldOrder(SHOP, '5612384190531', [...placed, ...first]).status).toBe('partially_shipped');
    expect(foldOrder(SHOP, '5612384190531', [...placed, ...first, ...second]).status).toBe('shipped');
  });

  it.each([
    ['in-transit', 'in_transit', '2026-03-04T11:40:00.000Z', '2026-03-06T20:00:00-05:00'],
    ['out-for-delivery', 'out_for_delivery', '2026-03-06T13:12:00.000Z', '2026-03-06T20:00:00-05:00'],
    ['delivered', 'delivered', '2026-03-06T20:47:31.000Z', undefined],
    ['failure', 'failure', '2026-03-06T23:05:09.000Z', undefined],
    ['attempted-delivery', 'attempted_delivery', '2026-03-06T18:31:44.000Z', '2026-03-06T20:00:00-05:00'],
  ])('maps fulfillments/update (%s) to shipment.updated %s', async (file, status, at, eta) => {
    const list = await events('fulfillments/update', raw(`fulfillments-update-${file}`));
    const event = only(list, 'shipment.updated');
    expect(event.eventId).toBe(`shopify:shipment.updated:4853458485443:${status}:${at}`);
    expect(event.occurredAt).toBe(at);
    expect(event.data).toEqual({
      orderId: '5781132443843',
      shipmentId: '4853458485443',
      status,
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
      trackingUrl: ups,
      ...(eta ? { estimatedDelivery: eta } : {}),
    });
    // The shipment itself rides along under its creation id, in case fulfillments/create was lost.
    expect(only(list, 'shipment.created').eventId).toBe('shopify:shipment.created:4853458485443');
  });

  it.each([
    ['confirmed', 'label_printed'],
    ['label_purchased', 'label_printed'],
    ['carrier_picked_up', 'in_transit'],
    ['attempted_delivery', 'attempted_delivery'],
  ])('maps Shopify shipment status %s to %s', async (shopifyStatus, status) => {
    const body = json('fulfillments-update-in-transit');
    body.shipment_status = shopifyStatus;
    expect(only(await events('fulfillments/update', body), 'shipment.updated').data.status).toBe(status);
  });

  it.each([
    ['ready-for-pickup', 'pickup.ready', '2026-03-04T15:05:00.000Z'],
    ['picked-up', 'pickup.completed', '2026-03-05T22:20:00.000Z'],
  ] as const)('maps a local pickup fulfillment (%s) to %s, naming the fulfillment so it is not confirmed as shipped', async (file, type, at) => {
    const list = await events('fulfillments/update', raw(`fulfillments-update-${file}`));
    expect(list.map((e) => e.type)).toEqual(['shipment.created', type]);
    const event = only(list, type);
    expect(event).toMatchObject({ eventId: `shopify:${type}:4853458485443`, occurredAt: at, data: { orderId: '5781132443843', shipmentId: '4853458485443' } });
    const state = foldOrder(SHOP, '5781132443843', [...(await events('orders/create', raw('orders-create'))), ...list]);
    expect(state.pickup).toMatchObject({ shipmentId: '4853458485443' });
    expect(state.status).toBe(type === 'pickup.completed' ? 'delivered' : 'placed');
  });

  it('reads a local pickup order from its shipping line (delivery category pick-up): its fulfillment, created before the pickup status, is no parcel to confirm', async () => {
    const placed = only(await events('orders/create', raw('orders-create-pickup')), 'order.placed');
    expect(placed.data.order.deliveryMethod).toBe('pickup');
    expect(only(await events('orders/create', raw('orders-create')), 'order.placed').data.order.deliveryMethod).toBeUndefined();
    // An edit that removed the pickup line: shipped after all.
    const removed = json('orders-create-pickup');
    removed.shipping_lines[0].is_removed = true;
    expect(only(await events('orders/create', removed), 'order.placed').data.order.deliveryMethod).toBeUndefined();

    const created = await events('fulfillments/create', raw('fulfillments-create-pickup'));
    expect(created.map((e) => e.type)).toEqual(['shipment.created']);
    const state = foldOrder(SHOP, '5781132443843', [placed, ...created]);
    expect(state.status).toBe('placed');
    const shipped = foldOrder(SHOP, '5781132443843', [only(await events('orders/create', raw('orders-create')), 'order.placed'), ...created]);
    expect(shipped.status).toBe('shipped');
  });

  it('maps an update without a shipment status but with a new tracking number to a status-less shipment.updated', async () => {
    const result = await deliver('fulfillments/update', raw('fulfillments-update-tracking'));
    expect(result.ignored).toBeUndefined();
    expect(result.events.map((e) => e.type)).toEqual(['shipment.created', 'shipment.updated']);
    const event = only(result.events, 'shipment.updated');
    expect(event.eventId).toBe('shopify:shipment.updated:4853458485443:tracking:2026-03-04T14:15:27.000Z');
    expect(event.occurredAt).toBe('2026-03-04T14:15:27.000Z');
    expect(event.data).toEqual({
      orderId: '5781132443843',
      shipmentId: '4853458485443',
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456795',
      trackingUrl: 'https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1Z999AA10123456795',
      estimatedDelivery: '2026-03-06T20:00:00-05:00',
    });
    expect(event.data).not.toHaveProperty('status');
  });

  it('gives a tracking-only update an id of its own: the same for a redelivery, new for a later edit', async () => {
    const body = json('fulfillments-update-tracking');
    const first = only(await events('fulfillments/update', body), 'shipment.updated').eventId;
    expect(only(await events('fulfillments/update', body), 'shipment.updated').eventId).toBe(first);
    // The same instant written with another offset is the same edit.
    body.updated_at = '2026-03-04T15:15:27+01:00';
    expect(only(await events('fulfillments/update', body), 'shipment.updated').eventId).toBe(first);
    body.updated_at = '2026-03-04T10:00:00-05:00';
    expect(only(await events('fulfillments/update', body), 'shipment.updated').eventId).toBe('shopify:shipment.updated:4853458485443:tracking:2026-03-04T15:00:00.000Z');
    // A status update at the same instant never shares it.
    body.shipment_status = 'in_transit';
    expect(only(await events('fulfillments/update', body), 'shipment.updated').eventId).toBe('shopify:shipment.updated:4853458485443:in_transit:2026-03-04T15:00:00.000Z');
  });

  it('shows the corrected tracking number on the order, without changing the shipment status, and notes it in the history', async () => {
    const before = [
      ...(await events('orders/create', raw('orders-create'))),
      ...(await events('fulfillments/create', raw('fulfillments-create'))),
      ...(await events('fulfillments/update', raw('fulfillments-update-in-transit'))),
    ];
    const after = [...before, ...(await events('fulfillments/update', raw('fulfillments-update-tracking')))];
    const was = foldOrder(SHOP, '5781132443843', before);
    const state = foldOrder(SHOP, '5781132443843', after);
    expect(was.shipments[0]!.trackingNumber).toBe('1Z999AA10123456784');
    expect(state.shipments).toHaveLength(1);
    expect(state.shipments[0]).toMatchObject({ status: 'in_transit', trackingNumber: '1Z999AA10123456795', trackingUrl: expect.stringContaining('1Z999AA10123456795') });
    // The page's history says the tracking changed (the shipping_update email says the same).
    expect(state.timeline).toEqual([...was.timeline, expect.objectContaining({ type: 'tracking_updated', shipmentId: state.shipments[0]!.shipmentId })]);
    expect(state.status).toBe(was.status);
  });

  it('acknowledges an update with neither a shipment status nor tracking and emits no status event', async () => {
    const body = json('fulfillments-update-in-transit');
    body.shipment_status = null;
    for (const field of ['tracking_company', 'tracking_number', 'tracking_url', 'estimated_delivery_at']) body[field] = null;
    body.tracking_numbers = [];
    body.tracking_urls = [];
    const result = await deliver('fulfillments/update', body);
    expect(result.events.map((e) => e.type)).toEqual(['shipment.created']);
    expect(result.ignored).toBe('fulfillment update has no shipment status');
  });

  it('emits no status-less update from fulfillments/create: its shipment.created carries the tracking', async () => {
    const body = json('fulfillments-update-tracking');
    expect((await events('fulfillments/create', body)).map((e) => e.type)).toEqual(['shipment.created']);
  });

  it('acknowledges a shipment status it does not know without a status event', async () => {
    const body = json('fulfillments-update-in-transit');
    body.shipment_status = 'buyer_action_required';
    const result = await deliver('fulfillments/update', body);
    expect(result.events.map((e) => e.type)).toEqual(['shipment.created']);
    expect(result.ignored).toBe('shipment status "buyer_action_required" is not mapped');
  });

  it.each(['constructor', '__proto__', 'toString'])('treats a shipment status named %j as unknown, not as an Object member', async (status) => {
    const body = json('fulfillments-update-in-transit');
    body.shipment_status = status;
    const result = await deliver('fulfillments/update', body);
    expect(result.events.map((e) => e.type)).toEqual(['shipment.created']);
  });

  it('reports a carrier "delayed" status as order.delayed, once per new estimate', async () => {
    const body = json('fulfillments-update-in-transit');
    body.shipment_status = 'delayed';
    body.estimated_delivery_at = '2026-03-09T20:00:00-05:00';
    const delayed = only(await events('fulfillments/update', body), 'order.delayed');
    expect(delayed).toMatchObject({
      eventId: 'shopify:order.delayed:4853458485443:2026-03-09T20:00:00-05:00',
      data: { orderId: '5781132443843', reason: 'carrier_exception', shipmentId: '4853458485443', newDeliverBy: '2026-03-09T20:00:00-05:00' },
    });
    body.updated_at = '2026-03-05T09:00:00-05:00';
    expect(only(await events('fulfillments/update', body), 'order.delayed').eventId).toBe(delayed.eventId);
  });

  it('ignores a cancelled fulfillment', async () => {
    const body = json('fulfillments-update-delivered');
    body.status = 'cancelled';
    const result = await deliver('fulfillments/update', body);
    expect(result.events).toEqual([]);
    expect(result.ignored).toMatch(/cancelled/);
  });

  it('drops tracking data that does not fit rather than rejecting the shipment', async () => {
    const body = json('fulfillments-create');
    body.tracking_url = 'www.ups.com/track';
    body.tracking_urls = ['www.ups.com/track'];
    body.tracking_number = '';
    body.tracking_numbers = ['', '1Z999AA10123456785'];
    const { shipment } = only(await events('fulfillments/create', body), 'shipment.created').data;
    expect(shipment.trackingUrl).toBeUndefined();
    expect(shipment.trackingNumber).toBe('1Z999AA10123456785');
  });
});

describe('Shopify refunds/create → order.refunded', () => {
  it('maps a refund to a partial order.refunded keyed by the refund id, with its amount (the refund transactions) and items', async () => {
    const event = only(await events('refunds/create', raw('refunds-create')), 'order.refunded');
    expect(event).toEqual({
      eventId: 'shopify:order.refunded:929361465',
      store: SHOP,
      source: 'shopify',
      occurredAt: '2026-06-25T11:14:15.000Z',
      type: 'order.refunded',
      data: {
        orderId: '5612384190531',
        full: false,
        refundId: '929361465',
        amount: '29.71',
        currency: 'EUR',
        lineItems: [{ lineItemId: '13995839193155', quantity: 1, amount: '29.71' }],
      } satisfies EventPayload<'order.refunded'>,
    });
  });

  it('names the card a refund goes back to when Shopify gives its payment details, by its last digits only', async () => {
    const body = json('refunds-create');
    body.transactions[0].payment_details = { credit_card_company: 'Visa', credit_card_number: '•••• •••• •••• 4242', credit_card_bin: '424242' };
    const event = only(await events('refunds/create', JSON.stringify(body)), 'order.refunded');
    expect(event.data).toMatchObject({ method: 'Visa •••• 4242' });
  });

  it('accepts a refund whose line subtotals are JSON numbers (Shopify\'s published sample) and one whose transactions are not a list', async () => {
    const body = json('refunds-create');
    body.refund_line_items[0].subtotal = 29.71;
    expect(only(await events('refunds/create', JSON.stringify(body)), 'order.refunded').data).toMatchObject({ lineItems: [{ amount: '29.71' }] });
    body.transactions = 'nope';
    expect(only(await events('refunds/create', JSON.stringify(body)), 'order.refunded').data).not.toHaveProperty('amount');
  });

  it('gives a refund with no successful refund transaction no amount (so no refund email)', async () => {
    const body = json('refunds-create');
    body.transactions[0].status = 'failure';
    const event = only(await events('refunds/create', JSON.stringify(body)), 'order.refunded');
    expect(event.data).not.toHaveProperty('amount');
  });

  it('maps orders/edited, as Shopify publishes it, to order.edited with what was added and removed', async () => {
    const event = only(await events('orders/edited', raw('orders-edited')), 'order.edited');
    const body = json('orders-edited');
    expect(event.eventId).toBe('shopify:order.edited:78912328');
    expect(event.occurredAt).toBe('2026-03-03T14:41:07.000Z');
    expect(event.data).toEqual({
      orderId: String(body.order_edit.order_id),
      editId: '78912328',
      added: [{ lineItemId: String(body.order_edit.line_items.additions[0].id), quantity: 1 }],
      removed: [{ lineItemId: String(body.order_edit.line_items.removals[0].id), quantity: 1 }],
      notifyCustomer: true,
    });
  });
});
