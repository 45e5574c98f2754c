import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../functions/domain/events.js';
import { foldOrder, type OrderState } from '../../functions/domain/order-state.js';
import { contrastRatio, readableOn, textOn } from '../../functions/domain/pages/color.js';
import { renderErrorPage } from '../../functions/domain/pages/errors.js';
import { renderFeedbackPage } from '../../functions/domain/pages/feedback.js';
import { html } from '../../functions/domain/pages/html.js';
import type { PageContext } from '../../functions/domain/pages/layout.js';
import { renderLookupPage, renderTrackPage, timelineEntries } from '../../functions/domain/pages/track.js';
import { renderUnsubscribeConfirm } from '../../functions/domain/pages/unsubscribe.js';
import { anOrder, aStoreConfig, events, STORE } from '../support/builders.js';

const XSS = '<img src=x onerror=alert(1)>';
const config = aStoreConfig();
const now = new Date('2026-11-25T12:00:00Z');

function ctx(language: 'en' | 'de' | 'fr', overrides: Partial<PageContext> = {}): PageContext {
  const locale = { en: 'en-GB', de: 'de-DE', fr: 'fr-FR' }[language];
  return { language, locale, timeZone: 'Europe/Berlin', brand: { name: 'Acme Outdoor', accentColor: '#1a73e8', supportEmail: 'help@acme.example' }, ...overrides };
}

function stateOf(list: DomainEvent[]): OrderState {
  return foldOrder(STORE, '1001', list);
}

const shippedOrder = () =>
  stateOf([
    events.placed(),
    events.shipped('2026-11-24T10:00:00Z', 'f-1', undefined, { estimatedDelivery: '2026-11-27T17:00:00Z' }),
    events.status('2026-11-25T08:00:00Z', 'in_transit'),
  ]);

/** The text between two markers of the page, to look inside one section. */
function section(page: string, from: string, to = '</ol>'): string {
  const start = page.indexOf(from);
  return page.slice(start, page.indexOf(to, start));
}

describe('html template', () => {
  it('escapes interpolated text and attribute values, and passes nested templates through', () => {
    const out = html`<p title="${'"quoted" & <b>'}">${XSS}${html`<em>ok</em>`}${undefined}${['<a>', '<b>']}</p>`;

    expect(out.value).toBe('<p title="&quot;quoted&quot; &amp; &lt;b&gt;">&lt;img src=x onerror=alert(1)&gt;<em>ok</em>&lt;a&gt;&lt;b&gt;</p>');
  });
});

describe('tracking page', () => {
  it('escapes product and customer names that came from the platform', () => {
    const order = anOrder({
      orderName: `#1001${XSS}`,
      customer: { email: 'zoe@example.com', firstName: XSS, locale: 'en' },
      shippingAddress: { name: XSS, city: 'Berlin' },
      lineItems: [{ id: 'li-1', title: XSS, variant: XSS, quantity: 1, unitPrice: '1.00', total: '1.00' }],
    });
    const state = stateOf([events.placed(order), events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }], { carrier: XSS, trackingNumber: XSS })]);

    const page = renderTrackPage(ctx('en'), { state }, config, now).html;

    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.match(/<img/g)).toBeNull();
  });

  it('shows order number, status, shipment with carrier, tracking number and carrier link, and the estimate', () => {
    const page = renderTrackPage(ctx('en'), { state: shippedOrder() }, config, now).html;

    expect(page).toContain('<h1>Order #1001</h1>');
    expect(page).toContain('<dt>Status</dt><dd>Shipped</dd>');
    expect(page).toContain('<dd>DHL</dd>');
    expect(page).toContain('<dd>TRACK-f-1</dd>');
    expect(page).toContain('<a href="https://www.dhl.de/track?id=1" rel="noopener noreferrer">Track on the DHL website</a>');
    expect(page).toContain('<dt>Estimated delivery</dt><dd>Friday, 27 November 2026</dd>');
    expect(page).toContain('Trail shoes (42)');
  });

  it('links to the carrier only over http(s)', () => {
    const state = shippedOrder();
    state.shipments[0]!.trackingUrl = 'javascript:alert(1)';

    const page = renderTrackPage(ctx('en'), { state }, config, now).html;

    expect(page).not.toContain('javascript:');
    expect(page).not.toContain('Track on the DHL website');
  });

  it('tells the story oldest first, whatever order the events arrived in', () => {
    const state = stateOf([
      events.status('2026-11-26T15:00:00Z', 'delivered'),
      events.delayed('2026-11-25T09:00:00Z', { reason: 'weather', message: 'Storm in the north' }),
      events.status('2026-11-26T08:00:00Z', 'out_for_delivery'),
      events.shipped('2026-11-24T10:00:00Z'),
      events.status('2026-11-24T18:00:00Z', 'in_transit'),
      events.placed(),
    ]);

    const timeline = section(renderTrackPage(ctx('en'), { state }, config, now).html, '<ol class="timeline">');
    const labels = ['Order placed', 'Shipped', 'In transit', 'Delay reported', 'Out for delivery', 'Delivered'];

    const positions = labels.map((l) => timeline.indexOf(`<strong>${l}</strong>`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(timeline).toContain('Bad weather is slowing down deliveries. Storm in the north');
    expect(timelineEntries(state).map((e) => e.type)).toEqual(['placed', 'shipped', 'in_transit', 'delayed', 'out_for_delivery', 'delivered']);
  });

  it('shows an open delay with its reason and the moved estimate, and no estimate once delivered', () => {
    const delayed = stateOf([events.placed(), events.delayed('2026-11-24T09:00:00Z', { reason: 'backorder', newDeliverBy: '2026-12-04T17:00:00Z' })]);
    const open = renderTrackPage(ctx('en'), { state: delayed }, config, now).html;

    expect(open).toContain('Your order is running late');
    expect(open).toContain('One or more items are on backorder.');
    expect(open).toContain('Now expected to arrive: Friday, 4 December 2026');

    const delivered = stateOf([events.placed(), events.shipped('2026-11-24T10:00:00Z'), events.status('2026-11-25T10:00:00Z', 'delivered')]);
    const done = renderTrackPage(ctx('en'), { state: delivered }, config, now).html;
    expect(done).toContain('<dt>Status</dt><dd>Delivered</dd>');
    expect(done).not.toContain('Estimated delivery');
  });

  it('shows a cancellation, naming only reasons meant for the shopper', () => {
    const known = renderTrackPage(ctx('en'), { state: stateOf([events.placed(), events.cancelled('2026-11-24T09:00:00Z', 'inventory')]) }, config, now).html;
    const internal = renderTrackPage(ctx('en'), { state: stateOf([events.placed(), events.cancelled('2026-11-24T09:00:00Z', 'fraud')]) }, config, now).html;

    expect(known).toContain('This order has been cancelled. Items were out of stock');
    expect(known).toContain('<strong>Order cancelled</strong>');
    expect(internal).toContain('This order has been cancelled.');
    expect(internal).not.toContain('fraud');
  });

  it('speaks German with German dates', () => {
    const page = renderTrackPage(ctx('de'), { state: shippedOrder() }, config, now).html;

    expect(page).toContain('<html lang="de">');
    expect(page).toContain('<h1>Bestellung #1001</h1>');
    expect(page).toContain('<dt>Status</dt><dd>Versandt</dd>');
    expect(page).toContain('<h2>Verlauf</h2>');
    expect(page).toContain('<strong>Unterwegs</strong>');
    expect(page).toContain('Bei DHL verfolgen');
    expect(page).toContain('Freitag, 27. November 2026');
  });

  it('speaks French with French dates', () => {
    const page = renderTrackPage(ctx('fr'), { state: shippedOrder() }, config, now).html;

    expect(page).toContain('<html lang="fr">');
    expect(page).toContain('<h1>Commande #1001</h1>');
    expect(page).toContain('<dd>Expédiée</dd>');
    expect(page).toContain('<h2>Historique de la commande</h2>');
    expect(page).toContain('<strong>En transit</strong>');
    expect(page).toContain('vendredi 27 novembre 2026');
  });

  it('allows exactly its own stylesheet and nothing else in the Content-Security-Policy', () => {
    const rendered = renderTrackPage(ctx('en'), { state: shippedOrder() }, config, now);
    const css = rendered.html.match(/<style>([\s\S]*?)<\/style>/)![1]!;
    const hash = createHash('sha256').update(css).digest('base64');

    expect(rendered.csp).toContain(`style-src 'sha256-${hash}'`);
    expect(rendered.csp).toContain("default-src 'none'");
    expect(rendered.csp).not.toContain('script-src');
    expect(rendered.csp).not.toContain('unsafe-inline');
  });
});

describe('lookup form', () => {
  it('labels every field and offers a store choice only when there are several stores', () => {
    const one = renderLookupPage(ctx('en'), { stores: [{ storeId: STORE, name: 'Acme' }] }).html;
    const several = renderLookupPage(ctx('en'), { stores: [{ storeId: STORE, name: 'Acme' }, { storeId: 'b.example', name: `B ${XSS}` }] }).html;

    expect(one).toContain('<label for="order">Order number</label>');
    expect(one).toContain('<label for="email">Email address</label>');
    expect(one).toContain('<form method="post">');
    expect(one).not.toContain('name="store"');
    expect(several).toContain('<label for="store">Store</label>');
    expect(several).toContain('<option value="b.example">B &lt;img src=x onerror=alert(1)&gt;</option>');
  });

  it('keeps what was typed and announces the generic not-found message', () => {
    const page = renderLookupPage(ctx('de'), { stores: [], values: { order: '#1001', email: 'a"b@example.com' }, error: 'not_found' });

    expect(page.status).toBe(404);
    expect(page.html).toContain('role="alert"');
    expect(page.html).toContain('Wir konnten keine Bestellung');
    expect(page.html).toContain('value="a&quot;b@example.com"');
  });
});

describe('feedback page', () => {
  it('confirms the rating and offers a labelled comment box', () => {
    const page = renderFeedbackPage(ctx('en'), { rating: 4, recorded: true, orderName: '#1001', token: 'tok.en', comment: 'open' }).html;

    expect(page).toContain('aria-label="4 out of 5 stars">★★★★☆</p>');
    expect(page).toContain('You rated order #1001 4 out of 5.');
    expect(page).toContain('<label for="comment">Would you like to tell us more? (optional)</label>');
    expect(page).toContain('<textarea id="comment" name="comment" maxlength="2000"');
    expect(page).toContain('<input type="hidden" name="t" value="tok.en">');
    expect(page).toContain('<button type="submit">Send comment</button>');
  });

  it('says when an earlier rating stands, in French', () => {
    const page = renderFeedbackPage(ctx('fr'), { rating: 2, recorded: false, orderName: '#1001', token: 't', comment: 'already_commented' }).html;

    expect(page).toContain('Vous avez déjà attribué la note de 2 sur 5 à la commande #1001. Seule la première note compte.');
    expect(page).not.toContain('<textarea');
  });

  it('shows a rejected comment again, escaped, with the reason', () => {
    const page = renderFeedbackPage(ctx('de'), { rating: 5, recorded: true, token: 't', comment: 'open', rejected: { reason: 'too_long', draft: `</textarea>${XSS}` } });

    expect(page.status).toBe(400);
    expect(page.html).toContain('Ihr Kommentar ist länger als 2.000 Zeichen.');
    expect(page.html).toContain('&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt;</textarea>');
  });
});

describe('unsubscribe and error pages', () => {
  it('asks before unsubscribing, with a button that posts back to the same URL', () => {
    const page = renderUnsubscribeConfirm(ctx('en'), { email: 'zoe@example.com', storeName: 'Acme Outdoor' }).html;

    expect(page).toContain('Stop feedback emails from Acme Outdoor to zoe@example.com?');
    expect(page).toMatch(/<form method="post">\s*<button type="submit">Unsubscribe<\/button>/);
  });

  it('answers a bad link with 403 in the reader\'s language', () => {
    const page = renderErrorPage(ctx('de'), 'forbidden');

    expect(page.status).toBe(403);
    expect(page.html).toContain('<h1>Dieser Link ist ungültig</h1>');
  });
});

describe('brand colours', () => {
  it('puts black text on a light accent and white on a dark one', () => {
    expect(textOn('#ffeb3b')).toBe('#000000');
    expect(textOn('#1a73e8')).toBe('#ffffff');
  });

  it('darkens a light accent until links on white pass WCAG AA', () => {
    expect(contrastRatio(readableOn('#ffeb3b'), '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(readableOn('#1a4fa0')).toBe('#1a4fa0');
  });

  it('renders a store with a light accent with black button text', () => {
    const page = renderErrorPage(ctx('en', { brand: { name: 'Sunny', accentColor: '#ffeb3b' } }), 'not_found').html;

    expect(page).toContain('--accent:#ffeb3b;--on-accent:#000000');
  });
});
