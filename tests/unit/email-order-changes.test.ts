/**
 * The refund and order-edited emails (issue 13) as a shopper reads them, in every language:
 * the amount, the items, the method and the new total; a full refund closing the order; what an
 * edit added and removed.
 */
import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../functions/domain/email/render.js';
import { sampleContext, sampleOrders, sampleState, type SampleKey } from '../../functions/domain/email/samples.js';
import { formatMoney, messagesFor, type Language } from '../../functions/domain/i18n/index.js';

const sampleFor: Record<Language, SampleKey> = { en: 'usd_en', de: 'eur_de', fr: 'jpy_fr' };
const plain = (t: string) => t.replace(/[\u00a0\u202f]/g, ' ');

describe.each(['en', 'de', 'fr'] as const)('in %s', (language) => {
  const key = sampleFor[language];
  const order = sampleOrders[key];
  const m = messagesFor(language);
  const money = (a: string) => plain(formatMoney(a, order.currency, order.customer.locale!));

  it('a refund states its amount, the refunded item, the card and what the order totals now', () => {
    const ctx = sampleContext('refund', key);
    const email = renderEmail(ctx);
    const text = plain(email.text);
    const r = ctx.refund!;
    expect(email.subject).toBe(m.refund.subject(order.orderName));
    expect(text).toContain(plain(m.refund.intro(formatMoney(r.amount!, order.currency, order.customer.locale!), order.orderName)));
    expect(text).toContain(order.lineItems.find((li) => li.id === r.lineItems[0]!.lineItemId)!.title);
    expect(text).toContain('Visa •••• 4242');
    const left = (Number(order.total) - Number(r.amount)).toFixed(order.currency === 'JPY' ? 0 : 2);
    expect(text).toContain(`${plain(m.refund.newTotal)}${plain(m.common.colon)}${money(left)}`);
    expect(text).not.toContain(plain(m.refund.closed));
    expect(email.headers).toEqual([]);
  });

  it('a full refund says the order is closed, with no "total now"', () => {
    const r = { id: 'rf_all', at: '2026-11-28T10:00:00Z', amount: order.total, lineItems: [] };
    const ctx = sampleContext('refund', key, { state: sampleState(key, { refunded: 'full', refunds: [r] }), refund: r });
    const email = renderEmail(ctx);
    expect(email.subject).toBe(m.refund.subjectFull(order.orderName));
    expect(plain(email.text)).toContain(plain(m.refund.closed));
    expect(plain(email.text)).not.toContain(plain(m.refund.newTotal));
  });

  it('an edit lists what was added and removed, and the new total', () => {
    const ctx = sampleContext('order_edited', key);
    const email = renderEmail(ctx);
    const text = plain(email.text);
    expect(email.subject).toBe(m.edited.subject(order.orderName));
    expect(text).toContain(plain(m.edited.added));
    expect(text).toContain(order.lineItems.at(-1)!.title);
    expect(text).toContain(plain(m.edited.removed));
    // The removed item is gone from the order: its title comes from the order before the edit.
    expect(text).toContain(order.lineItems[0]!.title);
    expect(text).toContain(`${plain(m.edited.newTotal)}${plain(m.common.colon)}${money(ctx.state.order!.total)}`);
  });
});

it('escapes item titles and a refund method in the HTML', () => {
  const ctx = sampleContext('refund', 'usd_en');
  const r = { ...ctx.refund!, method: '<script>alert(1)</script> card' };
  const email = renderEmail({ ...ctx, refund: r, state: { ...ctx.state, refunds: [r] } });
  expect(email.html).not.toContain('<script>alert(1)');
  expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; card');
});

describe.each(['en', 'de', 'fr'] as const)('pickup emails in %s', (language) => {
  const key = sampleFor[language];
  const order = sampleOrders[key];
  const m = messagesFor(language).pickup;

  it('ready: where (each line of the address), the opening hours, how long it is held, what to bring', () => {
    const email = renderEmail(sampleContext('pickup_ready', key));
    const text = plain(email.text);
    expect(email.subject).toBe(m.readySubject(order.orderName));
    for (const part of ['Nordlicht Store', 'Hafenstraße 12', '20457 Hamburg', 'Mon–Fri 10:00–19:00, Sat 10:00–16:00']) expect(text).toContain(part);
    expect(text).toContain(plain(m.hold(14)));
    expect(text).toContain(plain(m.bring(order.orderName)));
    expect(email.headers).toEqual([]);
  });

  it('picked up: when, and that the feedback request follows', () => {
    const email = renderEmail(sampleContext('picked_up', key));
    expect(email.subject).toBe(m.pickedSubject(order.orderName));
    expect(plain(email.text)).toContain(plain(messagesFor(language).parcel.delivered.feedbackFollows));
  });
});

it('a pickup location with markup stays text', () => {
  const ctx = sampleContext('pickup_ready', 'usd_en', { pickup: { location: '<b>Store</b>\nMain St 1', hours: '<i>9–5</i>' } });
  const email = renderEmail(ctx);
  expect(email.html).not.toContain('<b>Store</b>');
  expect(email.html).toContain('&lt;b&gt;Store&lt;/b&gt;');
  expect(email.html).toContain('&lt;i&gt;9–5&lt;/i&gt;');
});
