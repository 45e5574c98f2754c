/**
 * The shipment update emails (issue 13) as a shopper reads them, in every language: what each
 * says, what the carrier said (escaped), what is still to come, and no unsubscribe headers.
 */
import { describe, expect, it } from 'vitest';
import { renderEmail, type EmailKind } from '../../functions/domain/email/render.js';
import { sampleContext, sampleOrders, sampleShipments, sampleState, type SampleKey } from '../../functions/domain/email/samples.js';
import { messagesFor, type Language } from '../../functions/domain/i18n/index.js';

const sampleFor: Record<Language, SampleKey> = { en: 'usd_en', de: 'eur_de', fr: 'jpy_fr' };
const languages = ['en', 'de', 'fr'] as const;
const KINDS = ['out_for_delivery', 'delivered', 'delivery_attempt_failed', 'delivery_exception', 'shipping_update'] as const satisfies readonly EmailKind[];

/** Text with the no-break spaces of French typography made plain, for matching. */
const plain = (t: string) => t.replace(/[\u00a0\u202f]/g, ' ');

describe.each(languages)('shipment update emails in %s', (language) => {
  const key = sampleFor[language];
  const m = messagesFor(language).parcel;
  const order = sampleOrders[key];

  it.each(KINDS)('%s names the order in its subject, is transactional, and links the carrier', (kind) => {
    const ctx = sampleContext(kind, key);
    const email = renderEmail(ctx);
    expect(email.subject).toContain(order.orderName);
    expect(email.headers).toEqual([]);
    expect(email.html).not.toContain('unsubscribe');
    if (kind !== 'delivered' && ctx.shipment?.trackingUrl) expect(email.text).toContain(ctx.shipment.trackingUrl);
  });

  it('out for delivery says it arrives today, with the parcel\'s items', () => {
    const email = renderEmail(sampleContext('out_for_delivery', key));
    expect(plain(email.text)).toContain(plain(m.outForDelivery.intro(order.orderName)));
    expect(email.subject).toBe(m.outForDelivery.subject(order.orderName));
  });

  it('a failed attempt and an exception quote the carrier and say what to do', () => {
    for (const kind of ['delivery_attempt_failed', 'delivery_exception'] as const) {
      const ctx = sampleContext(kind, key);
      const said = ctx.state.timeline.find((e) => e.message)!.message!;
      const email = renderEmail(ctx);
      expect(plain(email.text)).toContain(plain(said));
      expect(plain(email.text)).toContain(plain(m.whatYouCanDo));
    }
    expect(plain(renderEmail(sampleContext('delivery_attempt_failed', key)).text)).toContain(plain(m.attemptFailed.steps[1]!));
  });

  it('delivered, for a split order, lists what is still to come; the last parcel says everything is here and the request follows', () => {
    const split = renderEmail(sampleContext('delivered', key));
    expect(plain(split.text)).toContain(plain(m.delivered.stillOnItsWay));
    expect(split.text).toContain(order.lineItems.at(-1)!.title);
    expect(plain(split.text)).not.toContain(plain(m.delivered.feedbackFollows));

    const shipments = sampleShipments(order, key).map((s) => ({ ...s, status: 'delivered' as const, deliveredAt: '2026-11-27T12:00:00Z' }));
    const last = renderEmail(sampleContext('delivered', key, { state: sampleState(key, { status: 'delivered', shipments }), shipment: shipments.at(-1), feedbackFollows: true }));
    expect(plain(last.text)).toContain(plain(m.delivered.allDelivered));
    expect(plain(last.text)).toContain(plain(m.delivered.feedbackFollows));
    expect(plain(last.text)).not.toContain(plain(m.delivered.stillOnItsWay));
  });

  it('a shipping update states the new carrier and number', () => {
    const ctx = sampleContext('shipping_update', key);
    const email = renderEmail(ctx);
    expect(email.text).toContain(ctx.shipment!.trackingNumber!);
    expect(email.text).toContain('UPS');
    expect(plain(email.text)).toContain(plain(m.shippingUpdate.note));
  });
});

describe('what a carrier or platform writes', () => {
  it('is escaped in the HTML and plain in the text', () => {
    const ctx = sampleContext('delivery_exception', 'usd_en');
    const evil = 'Returned <img src=x onerror=alert(1)> & "held"';
    const state = { ...ctx.state, timeline: ctx.state.timeline.map((e) => (e.message ? { ...e, message: evil } : e)) };
    const email = renderEmail({ ...ctx, state });
    expect(email.html).toContain('Returned &lt;img src=x onerror=alert(1)&gt; &amp; &quot;held&quot;');
    expect(email.html).not.toContain('<img src=x');
    expect(email.text).toContain(evil);
  });

  it('a carrier name with markup stays text in every update email', () => {
    for (const kind of KINDS) {
      const ctx = sampleContext(kind, 'usd_en');
      const shipment = { ...ctx.shipment!, carrier: '<b>Evil</b> Post' };
      const email = renderEmail({ ...ctx, shipment, state: { ...ctx.state, shipments: ctx.state.shipments.map((s) => (s.shipmentId === shipment.shipmentId ? shipment : s)) } });
      expect(email.html).not.toContain('<b>Evil</b>');
      if (kind !== 'delivered') expect(email.html).toContain('&lt;b&gt;Evil&lt;/b&gt; Post');
    }
  });
});
