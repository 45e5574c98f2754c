/**
 * Walks one order through its whole lifecycle against a running `npm start` (best with
 * TIME_SCALE=86400, one virtual day per second): places it, ships it, reports it out for delivery
 * and delivered, and prints each email as it lands in the outbox, then clicks five stars in the
 * feedback request.
 *
 *   TIME_SCALE=86400 npm start      # in one terminal
 *   npm run demo                    # in another (BASE_URL defaults to http://127.0.0.1:3000)
 */
const base = (process.env.BASE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
const store = process.env.STORE ?? 'generic-dev';
const orderId = `DEMO-${Date.now().toString(36).toUpperCase()}`;
const started = Date.now();

interface Email { kind: string; orderId: string; subject: string; html: string }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

async function post(type: string, data: unknown): Promise<void> {
  const res = await fetch(`${base}/_local/webhooks/generic`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type, timestamp: await virtualNow(), store, data }),
  });
  console.log(`${elapsed().padStart(7)}  → ${type} (${res.status})`);
  if (res.status >= 300) throw new Error(await res.text());
}

async function virtualNow(): Promise<string> {
  const health = (await (await fetch(`${base}/_local/health`)).json()) as { virtualNow?: string };
  return health.virtualNow ?? new Date().toISOString();
}

const seen = new Set<string>();
async function waitFor(kind: string, timeoutMs = 60_000): Promise<Email> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { emails } = (await (await fetch(`${base}/_local/outbox`, { headers: { accept: 'application/json' } })).json()) as { emails: Email[] };
    for (const e of emails.filter((x) => x.orderId === orderId)) {
      const key = `${e.kind}:${e.subject}`;
      if (!seen.has(key)) {
        seen.add(key);
        console.log(`${elapsed().padStart(7)}  ✉ ${e.kind}: ${e.subject}`);
      }
    }
    const found = emails.find((e) => e.orderId === orderId && e.kind === kind);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${kind} after ${timeoutMs / 1000} s: is the runtime up, with TIME_SCALE=86400?`);
    await sleep(200);
  }
}

const order = {
  orderId,
  orderName: `#${orderId}`,
  placedAt: await virtualNow(),
  currency: 'EUR',
  customer: { email: 'zoe@example.com', firstName: 'Zoë', lastName: 'Müller', locale: 'de-DE' },
  shippingAddress: { name: 'Zoë Müller', address1: 'Schönhauser Allee 36', city: 'Berlin', zip: '10435', country: 'Germany', countryCode: 'DE' },
  lineItems: [
    { id: 'li-1', title: 'Leinen-Bettbezug', variant: '155×220', quantity: 1, unitPrice: '89.00', total: '89.00' },
    { id: 'li-2', title: 'Kissenbezug', quantity: 2, unitPrice: '19.50', total: '39.00' },
  ],
  subtotal: '128.00',
  discounts: [{ code: 'WELCOME10', amount: '12.80' }],
  shipping: { title: 'DHL Paket', amount: '4.90' },
  taxTotal: '19.18',
  taxesIncluded: true,
  total: '120.10',
  paymentStatus: 'paid',
};

console.log(`Order ${orderId} at ${base} (store ${store})`);
await post('order.placed', { order });
await waitFor('receipt');
await post('shipment.created', {
  orderId,
  shipment: { shipmentId: `${orderId}-1`, lineItems: [], carrier: 'DHL', trackingNumber: '00340434161094042557', trackingUrl: 'https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161094042557' },
});
await waitFor('shipping_confirmation');
await post('shipment.updated', { orderId, shipmentId: `${orderId}-1`, status: 'out_for_delivery' });
await waitFor('out_for_delivery');
await post('shipment.updated', { orderId, shipmentId: `${orderId}-1`, status: 'delivered' });
await waitFor('delivered');
const request = await waitFor('feedback_request');
const link = request.html.match(/href="([^"]*\/feedback\?t=[^"]*?rating=5)"/)?.[1]?.replace(/&amp;/g, '&');
if (link) {
  const res = await fetch(link);
  console.log(`${elapsed().padStart(7)}  ★★★★★ feedback recorded (${res.status})`);
}
console.log(`Done in ${elapsed()}. Outbox: ${base}/_local/outbox`);
export {};
