import { startLocal } from '../../local/runtime.js';
const t0 = Date.now();
const rt = await startLocal({ port: 0, inMemory: true, timeScale: 86_400, log: () => {} });
console.log('started', Date.now() - t0, rt.url, rt.env.STORES, rt.secrets.opsToken);
const now = rt.clock.now();
const iso = (ms: number) => new Date(now.getTime() + ms).toISOString();
const post = async (b: unknown) => { const r = await fetch(`${rt.url}/_local/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) }); console.log(r.status, await r.text()); };
const store = 'generic-dev';
await post({ type: 'order.placed', timestamp: iso(0), store, eventId: 'o1-placed', data: { order: {
  orderId: 'O1', orderName: '#1001', placedAt: iso(0), currency: 'EUR',
  customer: { email: 'ann@example.com', firstName: 'Ann', locale: 'en-GB', timeZone: 'Europe/Berlin' },
  lineItems: [{ id: 'li-1', title: '<img src=x onerror=alert(1)>', quantity: 1, unitPrice: '10.00', total: '10.00' }],
  subtotal: '10.00', total: '10.00', paymentStatus: 'paid' } } });
const wait = async (kind: string) => { const d = Date.now() + 20000; for (;;) { const e = (await rt.outbox()).find((x) => x.kind === kind); if (e) return e; if (Date.now() > d) throw new Error('timeout ' + kind); await new Promise((r) => setTimeout(r, 50)); } };
const r = await wait('receipt'); console.log('receipt at', Date.now() - t0, rt.clock.now().toISOString());
await post({ type: 'shipment.created', timestamp: rt.clock.now().toISOString(), store, eventId: 'o1-ship', data: { orderId: 'O1', shipment: { shipmentId: 'S1', lineItems: [], carrier: 'DHL', trackingNumber: '0034043416', trackingUrl: 'https://www.dhl.de/track?n=0034043416' } } });
const sc = await wait('shipping_confirmation'); console.log('sc at', Date.now() - t0);
console.log(sc.html?.match(/href="[^"]*"/g));
await post({ type: 'shipment.updated', timestamp: rt.clock.now().toISOString(), store, eventId: 'o1-deliv', data: { orderId: 'O1', shipmentId: 'S1', status: 'delivered' } });
const fb = await wait('feedback_request'); console.log('fb at', Date.now() - t0);
console.log(fb.html?.match(/href="[^"]*"/g), fb.headers, fb.tags);
console.log((await rt.outbox()).map((e) => [e.kind, e.subject, e.at]));
await rt.stop();
