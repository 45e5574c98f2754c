import { describe, expect, it } from 'vitest';
import { EMAIL_KINDS, NON_ESSENTIAL_KINDS, renderEmail, type EmailKind, type RenderedEmail } from '../../functions/domain/email/render.js';
import { escapeHtml } from '../../functions/domain/email/safe.js';
import { sampleBranding, sampleContext, sampleOrders, sampleState, type SampleKey } from '../../functions/domain/email/samples.js';
import type { Language } from '../../functions/domain/i18n/index.js';

/** Intl and French typography use no-break spaces (U+00A0, U+202F); compare with plain ones. */
const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

/** The phrase is in the subject. */
function expectSubject(email: RenderedEmail, phrase: string) {
  expect(spaces(email.subject)).toContain(phrase);
}

/** Each phrase reads the same in the text part and, escaped, in the HTML part. */
function expectBody(email: RenderedEmail, ...phrases: string[]) {
  for (const phrase of phrases) {
    expect(spaces(email.text)).toContain(phrase);
    expect(spaces(email.html)).toContain(escapeHtml(phrase));
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A labelled value: "Total: $161.68" in the text part (" : " in French), and the label and value
 * side by side in one table row of the HTML part.
 */
function expectRow(email: RenderedEmail, label: string, value: string) {
  expect(spaces(email.text)).toMatch(new RegExp(`${escapeRegExp(label)} ?: ${escapeRegExp(value)}`));
  expect(spaces(email.html)).toMatch(
    new RegExp(`>${escapeRegExp(escapeHtml(label))}</td><td[^>]*>(?:<a [^>]*>)?${escapeRegExp(escapeHtml(value))}<`),
  );
}

function expectNotInBody(email: RenderedEmail, ...phrases: string[]) {
  for (const phrase of phrases) {
    expect(spaces(email.text)).not.toContain(phrase);
    expect(spaces(email.html)).not.toContain(escapeHtml(phrase));
  }
}

const sampleFor: Record<Language, SampleKey> = { en: 'usd_en', de: 'eur_de', fr: 'jpy_fr' };
const render = (kind: EmailKind, language: Language, overrides = {}) => renderEmail(sampleContext(kind, sampleFor[language], overrides));

describe('receipt', () => {
  it('in English lists items, discount, free shipping, sales tax, total, payment, address, dates and tracking', () => {
    const email = render('receipt', 'en');
    expectSubject(email, 'Your order #2042 is confirmed');
    expectBody(
      email,
      'Thank you for your order!',
      'Hi Sam,',
      'Trail Runner Shoes',
      'Size 10 / Slate',
      'Qty 2 · $18.00 each',
      '$36.00',
      'New York, NY 10118',
      'Track your order',
    );
    expectRow(email, 'Discount (WELCOME10)', '-$16.50');
    expectRow(email, 'Shipping (Standard)', 'Free');
    expectRow(email, 'NY State Tax (8.875%)', '$13.18');
    expectRow(email, 'Total', '$161.68');
    expectRow(email, 'Payment', 'Paid');
    expectRow(email, 'Ships by', 'Tuesday, November 24, 2026');
    expectRow(email, 'Arrives by', 'Saturday, November 28, 2026');
  });

  it('in German shows taxes as included under the total, with German number formats', () => {
    const email = render('receipt', 'de');
    expectSubject(email, 'Ihre Bestellung #1001 ist bestätigt');
    expectBody(
      email,
      'Vielen Dank für Ihre Bestellung!',
      'Hallo Anna,',
      'Wollmantel',
      'Anthrazit / 38',
      'Menge: 2 · je 24,50 €',
      '50668 Köln',
      'Bestellung verfolgen',
    );
    expectRow(email, 'Zwischensumme', '1.229,60 €');
    expectRow(email, 'Versand (DHL Paket)', '4,90 €');
    expectRow(email, 'Gesamtsumme', '1.234,50 €');
    expectRow(email, 'inkl. MwSt. (19 %)', '197,11 €');
    expectRow(email, 'Zahlung', 'Bezahlt');
    expectRow(email, 'Voraussichtlicher Versand', 'Montag, 23. November 2026');
    expectRow(email, 'Voraussichtliche Zustellung', 'Donnerstag, 26. November 2026');
    // Included tax is part of the total: it is listed after it, not added before it.
    expect(email.text.indexOf('Gesamtsumme')).toBeLessThan(email.text.indexOf('inkl. MwSt.'));
  });

  it('in French writes yen without decimals and "dont TVA"', () => {
    const email = render('receipt', 'fr');
    expectSubject(email, 'Votre commande #3003 est confirmée');
    expectBody(
      email,
      'Merci pour votre commande !',
      'Bonjour Élodie,',
      'Théière en fonte',
      'Qté : 3 · 1 200 JPY l’unité',
      '69003 Lyon',
      'Suivre ma commande',
    );
    expectRow(email, 'Total', '13 200 JPY');
    expectRow(email, 'dont TVA (10 %)', '1 200 JPY');
    expectRow(email, 'Paiement', 'Payé');
    expectRow(email, 'Expédition prévue', 'mardi 24 novembre 2026');
    expect(spaces(email.text)).not.toMatch(/\d,\d{2} JPY/);
  });

  it('writes KWD with three decimals', () => {
    const email = renderEmail(sampleContext('receipt', 'kwd_en'));
    expectBody(email, 'KWD 45.750');
    expectRow(email, 'Shipping (Express)', 'KWD 1.500');
    expectRow(email, 'Total', 'KWD 49.375');
  });

  it('writes EUR the French way for a French shopper', () => {
    const email = renderEmail(sampleContext('receipt', 'eur_de', { locale: 'fr-FR' }));
    expectRow(email, 'Total', '1 234,50 €');
    expectBody(email, 'dont MwSt. (19 %)');
  });

  it('keeps the region for numbers while writing German: a Swiss shopper sees Swiss grouping', () => {
    const email = renderEmail(sampleContext('receipt', 'eur_de', { locale: 'de-CH' }));
    expect(spaces(email.text)).toMatch(/Gesamtsumme: EUR 1[’']234\.50/);
  });

  it('writes English with English formats for a locale we have no catalogue for', () => {
    const email = renderEmail(sampleContext('receipt', 'usd_en', { locale: 'pt-BR' }));
    expectSubject(email, 'Your order #2042 is confirmed');
    expectRow(email, 'Total', '$161.68');
  });

  it('shows dates in the shopper time zone', () => {
    // 03:00 UTC on the 24th is still the 23rd in New York.
    const email = renderEmail(sampleContext('receipt', 'usd_en', { estimates: { shipBy: '2026-11-24T03:00:00Z' } }));
    expectRow(email, 'Ships by', 'Monday, November 23, 2026');
  });

  it("falls back to the order's own promises when no estimates are given", () => {
    const email = renderEmail(sampleContext('receipt', 'usd_en', { estimates: undefined }));
    expectRow(email, 'Ships by', 'Tuesday, November 24, 2026');
  });

  it('sums taxes into a single "Tax" line when the platform sends a total without lines', () => {
    const order = { ...sampleOrders.usd_en, taxLines: [], taxTotal: '13.18' };
    const email = renderEmail(sampleContext('receipt', 'usd_en', { state: sampleState('usd_en', { order, shipments: [] }) }));
    expectRow(email, 'Tax', '$13.18');
  });
});

describe('shipping confirmation', () => {
  const [firstShipment, lastShipment] = sampleState('usd_en').shipments;
  const partial = { shipment: firstShipment, isFinalShipment: false };

  it('names the items in this shipment, the carrier, tracking number and links, and says the order is complete', () => {
    const email = render('shipping_confirmation', 'en');
    expectSubject(email, 'Your order #2042 has shipped');
    expectBody(
      email,
      'In this shipment',
      'Merino Socks (3-pack)',
      'Qty 2',
      'Track on the UPS website',
      'your order is complete',
      'Track your order',
    );
    expectBody(email, lastShipment!.trackingUrl!);
    expectRow(email, 'Carrier', 'UPS');
    expectRow(email, 'Tracking number', lastShipment!.trackingNumber!);
    expectRow(email, 'Estimated delivery', 'Friday, November 27, 2026');
    // The shoes went in the first package, not this one.
    expectNotInBody(email, 'Trail Runner Shoes');
  });

  it('says more items will follow when it is not the last shipment', () => {
    const email = render('shipping_confirmation', 'en', partial);
    expectSubject(email, 'Part of your order #2042 has shipped');
    expectBody(email, 'Part of your order is on its way', 'Trail Runner Shoes', 'Qty 1', 'More items will follow');
    expectNotInBody(email, 'your order is complete', 'Merino Socks');
  });

  it.each([
    ['de', 'Ihre Bestellung #1001 wurde versandt', 'Ein Teil Ihrer Bestellung #1001 wurde versandt', 'ist Ihre Bestellung vollständig', 'Weitere Artikel folgen'],
    ['fr', 'Votre commande #3003 a été expédiée', 'Une partie de votre commande #3003 a été expédiée', 'votre commande est complète', 'D’autres articles suivront'],
  ] as const)('in %s, words the final and a partial shipment differently', (language, finalSubject, partialSubject, complete, more) => {
    const state = sampleState(sampleFor[language]);
    const final = render('shipping_confirmation', language);
    const part = render('shipping_confirmation', language, { shipment: state.shipments[0], isFinalShipment: false });
    expectSubject(final, finalSubject);
    expectBody(final, complete);
    expectSubject(part, partialSubject);
    expectBody(part, more);
    expectNotInBody(part, complete);
  });

  it('in German labels carrier and tracking number', () => {
    const email = render('shipping_confirmation', 'de');
    expectRow(email, 'Versanddienstleister', 'DHL');
    expectRow(email, 'Sendungsnummer', 'DHL10012');
    expectBody(email, 'Bei DHL verfolgen');
  });

  it('lists the whole order for a shipment that names no items', () => {
    const shipment = { ...lastShipment!, lineItems: [] };
    const email = render('shipping_confirmation', 'en', { shipment });
    expectBody(email, 'Trail Runner Shoes', 'Merino Socks (3-pack)');
  });

  it('names an item the order does not know by its id rather than dropping it', () => {
    const shipment = { ...lastShipment!, lineItems: [{ lineItemId: 'li_gift_card', quantity: 1 }] };
    expectBody(render('shipping_confirmation', 'en', { shipment }), 'Item li_gift_card');
  });

  it('decides "complete" from the state when the caller does not say', () => {
    const state = sampleState('usd_en');
    const onlyFirst = sampleState('usd_en', { shipments: state.shipments.slice(0, 1) });
    expectBody(render('shipping_confirmation', 'en', { isFinalShipment: undefined, shipment: undefined }), 'your order is complete');
    expectBody(render('shipping_confirmation', 'en', { isFinalShipment: undefined, shipment: undefined, state: onlyFirst }), 'More items will follow');
  });

  it('leaves out the carrier link when the carrier gave none', () => {
    const shipment = { ...lastShipment!, trackingUrl: undefined };
    expectNotInBody(render('shipping_confirmation', 'en', { shipment }), 'Track on the UPS website');
  });

  it('refuses to render without any shipment', () => {
    expect(() => render('shipping_confirmation', 'en', { shipment: undefined, state: sampleState('usd_en', { shipments: [] }) })).toThrow(
      /shipping_confirmation .* needs ctx.shipment/,
    );
  });
});

describe('delay notice', () => {
  it('in English says what is late, why, the new estimate, and apologises', () => {
    const email = render('delay_notice', 'en');
    expectSubject(email, 'Your order #2042 will ship later than planned');
    expectBody(
      email,
      'We expected to ship your order by Tuesday, November 24, 2026',
      'One or more items are on backorder.',
      'Our supplier expects the next delivery on Friday.',
      'We are sorry for the wait',
      'Track your order',
    );
    expectRow(email, 'Now expected to ship', 'Tuesday, December 1, 2026');
  });

  it('speaks of arrival when the delivery is late', () => {
    const delay = { what: 'delivery' as const, missedPromise: '2026-11-28T22:00:00Z', newEstimate: '2026-12-02T22:00:00Z', reason: 'weather' as const };
    const email = render('delay_notice', 'en', { delay });
    expectSubject(email, 'Your order #2042 will arrive later than planned');
    expectBody(email, 'We expected your order to arrive by Saturday, November 28, 2026', 'Bad weather is slowing down deliveries.');
    expectRow(email, 'Now expected to arrive', 'Wednesday, December 2, 2026');
  });

  it('gives no reason sentence for "other", but still shows the platform message', () => {
    const delay = { what: 'shipment' as const, missedPromise: '2026-11-24T22:00:00Z', newEstimate: '2026-12-01T16:00:00Z', reason: 'other' as const, message: 'Inventory count in progress.' };
    const email = render('delay_notice', 'en', { delay });
    expectBody(email, 'Inventory count in progress.');
    expectNotInBody(email, 'backorder', 'weather', 'carrier reported');
  });

  it('names the carrier and tracking number when the delay is about a known shipment', () => {
    const state = sampleState('usd_en');
    const shipment = state.shipments[1]!;
    const delay = { what: 'delivery' as const, missedPromise: '2026-11-28T22:00:00Z', newEstimate: '2026-12-02T22:00:00Z', reason: 'carrier_exception' as const, shipmentId: shipment.shipmentId };
    const email = render('delay_notice', 'en', { delay, state });
    expectBody(email, 'The carrier reported a problem with the shipment.');
    expectRow(email, 'Carrier', 'UPS');
    expectRow(email, 'Tracking number', shipment.trackingNumber!);
  });

  it.each([
    ['de', 'Ihre Bestellung #1001 wird später versandt als geplant', ['nachbestellt', 'Wir entschuldigen uns'], ['Neuer voraussichtlicher Versand', 'Dienstag, 1. Dezember 2026']],
    ['fr', 'Votre commande #3003 sera expédiée plus tard que prévu', ['réapprovisionnement', 'Nous vous prions de nous excuser'], ['Nouvelle date d’expédition estimée', 'mardi 1 décembre 2026']],
  ] as const)('in %s, is localized', (language, subject, phrases, [label, value]) => {
    const email = render('delay_notice', language);
    expectSubject(email, subject);
    expectBody(email, ...phrases);
    expectRow(email, label, value);
  });

  it('refuses to render without delay details', () => {
    expect(() => render('delay_notice', 'en', { delay: undefined })).toThrow(/needs ctx.delay/);
  });
});

describe('feedback request and reminder', () => {
  it('offers five one-click star links, 1 to 5, in the HTML and the text', () => {
    const ctx = sampleContext('feedback_request', 'usd_en');
    const email = renderEmail(ctx);
    const hrefs = [...email.html.matchAll(/href="([^"]*rating=\d)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([1, 2, 3, 4, 5].map((n) => escapeHtml(ctx.links.feedback![n as 1])));
    for (const n of [1, 2, 3, 4, 5] as const) expect(email.text).toContain(ctx.links.feedback![n]);
    expectBody(email, '1 star', '5 stars');
  });

  it.each([
    ['en', 'How was your order #2042?', 'Would you tell us how it went?', 'A quick reminder: how was your order #2042?', 'Just a gentle reminder'],
    ['de', 'Wie zufrieden sind Sie mit Ihrer Bestellung #1001?', 'Verraten Sie uns, wie zufrieden Sie waren?', 'Kurze Erinnerung: Wie zufrieden sind Sie mit Ihrer Bestellung #1001?', 'Nur eine kurze Erinnerung'],
    ['fr', 'Qu’avez-vous pensé de votre commande #3003 ?', 'Pouvez-vous nous dire ce que vous en avez pensé ?', 'Petit rappel : qu’avez-vous pensé de votre commande #3003 ?', 'Petit rappel'],
  ] as const)('in %s, asks, and the reminder reads as a gentle reminder', (language, subject, ask, reminderSubject, reminder) => {
    const request = render('feedback_request', language);
    const nudge = render('feedback_reminder', language);
    expectSubject(request, subject);
    expectBody(request, ask);
    expectNotInBody(request, reminder);
    expectSubject(nudge, reminderSubject);
    expectBody(nudge, reminder);
  });

  it('shows a visible unsubscribe link in the footer', () => {
    const ctx = sampleContext('feedback_request', 'usd_en');
    const email = renderEmail(ctx);
    expect(email.html).toContain(`href="${escapeHtml(ctx.links.unsubscribe!)}"`);
    expectBody(email, 'Unsubscribe from feedback emails');
  });

  it('tells the shopper how to unsubscribe by email when there is no unsubscribe page', () => {
    const ctx = sampleContext('feedback_reminder', 'usd_en');
    const email = renderEmail({ ...ctx, links: { ...ctx.links, unsubscribe: undefined } });
    expectBody(email, 'To stop feedback emails, write to help@nordlicht.example');
  });

  it('refuses to render without the star links', () => {
    const ctx = sampleContext('feedback_request', 'usd_en');
    expect(() => renderEmail({ ...ctx, links: { tracking: ctx.links.tracking } })).toThrow(/needs links.feedback/);
  });
});

describe('cancellation', () => {
  it.each([
    ['en', 'Your order #2042 has been cancelled', ['We have cancelled your order #2042, placed on Friday, November 20, 2026.', 'If you have already paid', 'Write to us at help@nordlicht.example'], ['Reason', 'Cancelled at your request']],
    ['de', 'Ihre Bestellung #1001 wurde storniert', ['Wir haben Ihre Bestellung #1001 vom Freitag, 20. November 2026 storniert.', 'Falls Sie bereits bezahlt haben', 'Schreiben Sie uns an help@nordlicht.example'], ['Grund', 'Auf Ihren Wunsch storniert']],
    ['fr', 'Votre commande #3003 a été annulée', ['Nous avons annulé votre commande #3003 du samedi 21 novembre 2026.', 'Si vous avez déjà payé', 'Écrivez-nous à help@nordlicht.example'], ['Motif', 'Annulée à votre demande']],
  ] as const)('in %s, names the order, the reason, what happens to the money and whom to ask', (language, subject, phrases, [label, value]) => {
    const email = render('cancellation', language);
    expectSubject(email, subject);
    expectBody(email, ...phrases);
    expectRow(email, label, value);
  });

  it('shows a free-text reason as given', () => {
    const state = sampleState('usd_en', { shipments: [], cancelled: { at: '2026-11-21T12:00:00Z', reason: 'Address could not be verified' } });
    expectRow(render('cancellation', 'en', { state }), 'Reason', 'Address could not be verified');
  });

  it('does not tell the shopper a "fraud" verdict, or a reason at all when none is given', () => {
    for (const reason of ['fraud', undefined]) {
      const state = sampleState('usd_en', { shipments: [], cancelled: { at: '2026-11-21T12:00:00Z', reason } });
      const email = render('cancellation', 'en', { state });
      expectNotInBody(email, 'Reason:', 'fraud');
    }
  });

  it('says the payment was refunded once the order is fully refunded', () => {
    const state = sampleState('usd_en', { shipments: [], refunded: 'full', cancelled: { at: '2026-11-21T12:00:00Z' } });
    expectBody(render('cancellation', 'en', { state }), 'Your payment has been refunded');
  });

  it('says nothing was charged when payment was only pending', () => {
    const order = { ...sampleOrders.usd_en, paymentStatus: 'pending' as const };
    const state = sampleState('usd_en', { order, shipments: [], cancelled: { at: '2026-11-21T12:00:00Z' } });
    expectBody(render('cancellation', 'en', { state }), 'You have not been charged for this order.');
  });
});

describe('every email', () => {
  const cases = EMAIL_KINDS.flatMap((kind) => (['en', 'de', 'fr'] as const).map((language) => [kind, language] as const));

  it.each(cases)('%s in %s links to the tracking page in both parts', (kind, language) => {
    const ctx = sampleContext(kind, sampleFor[language]);
    const email = renderEmail(ctx);
    expect(email.html).toContain(`href="${escapeHtml(ctx.links.tracking)}"`);
    expect(email.text).toContain(ctx.links.tracking);
  });

  it.each(cases)('%s in %s is a responsive, dark-mode-aware HTML email in the right language', (kind, language) => {
    const email = render(kind, language);
    expect(email.html).toMatch(/^<!DOCTYPE html>/);
    expect(email.html).toContain(`<html lang="${sampleOrders[sampleFor[language]].customer.locale}"`);
    expect(email.html).toContain('<meta name="color-scheme" content="light dark">');
    expect(email.html).toContain('@media (prefers-color-scheme: dark)');
    expect(email.html).toContain('max-width:600px');
    expect(email.html).toMatch(/<div style="display:none;[^"]*">[^<]+/); // the preheader
    expect(email.html).not.toMatch(/<script/i);
  });

  it.each(cases)('%s in %s carries the store branding and footer', (kind, language) => {
    const email = render(kind, language);
    expectBody(email, sampleBranding.name, 'Hafenstraße 12', '20457 Hamburg, Germany', sampleBranding.supportEmail);
    // Buttons, links and stars are in the store's accent colour.
    expect(email.html).toContain(`color:${sampleBranding.accentColor}`);
  });

  it.each(cases)('%s in %s has a plain-text part with no markup or entities left in it', (kind, language) => {
    const { text } = render(kind, language);
    expect(text).not.toMatch(/<\/?[a-z!]/i);
    expect(text).not.toMatch(/&(?:[a-z]+|#\d+);/i);
    expect(text.trim().length).toBeGreaterThan(200);
  });

  it.each(cases)('%s in %s has a single-line subject', (kind, language) => {
    const { subject } = render(kind, language);
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject.length).toBeGreaterThan(10);
  });

  it('shows the store logo when it has one, with the store name as its alt text', () => {
    const branding = { ...sampleBranding, logoUrl: 'https://cdn.nordlicht.example/logo.png' };
    const email = renderEmail(sampleContext('receipt', 'usd_en', { branding }));
    expect(email.html).toContain(`<img src="https://cdn.nordlicht.example/logo.png" alt="${escapeHtml(sampleBranding.name)}"`);
  });

  it('puts dark text on a light accent colour so buttons stay readable', () => {
    const branding = { ...sampleBranding, accentColor: '#ffd60a' };
    const email = renderEmail(sampleContext('receipt', 'usd_en', { branding }));
    expect(email.html).toMatch(/background-color:#ffd60a;"><a [^>]*color:#111111;/);
  });

  it('refuses to render before the order itself is known', () => {
    const ctx = sampleContext('receipt', 'usd_en');
    expect(() => renderEmail({ ...ctx, state: { ...ctx.state, order: undefined } })).toThrow(/needs state.order/);
  });
});

describe('List-Unsubscribe headers', () => {
  it('are exactly on the non-essential kinds', () => {
    expect([...NON_ESSENTIAL_KINDS].sort()).toEqual(['feedback_reminder', 'feedback_request']);
  });

  it.each(['feedback_request', 'feedback_reminder'] as const)('%s offers one-click and mailto unsubscribe (RFC 8058)', (kind) => {
    const ctx = sampleContext(kind, 'usd_en');
    expect(renderEmail(ctx).headers).toEqual([
      { name: 'List-Unsubscribe', value: `<${ctx.links.unsubscribeOneClick}>, <mailto:help@nordlicht.example?subject=unsubscribe>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
  });

  it.each(EMAIL_KINDS.filter((k) => !NON_ESSENTIAL_KINDS.has(k)))('%s, being transactional, has none', (kind) => {
    const headers = renderEmail(sampleContext(kind, 'usd_en')).headers;
    expect(headers.map((h) => h.name)).not.toContain('List-Unsubscribe');
    expect(headers.map((h) => h.name)).not.toContain('List-Unsubscribe-Post');
  });

  it('falls back to mailto alone, without the one-click header, when there is no one-click URL', () => {
    const ctx = sampleContext('feedback_request', 'usd_en');
    const email = renderEmail({ ...ctx, links: { ...ctx.links, unsubscribeOneClick: undefined } });
    expect(email.headers).toEqual([{ name: 'List-Unsubscribe', value: '<mailto:help@nordlicht.example?subject=unsubscribe>' }]);
  });
});
