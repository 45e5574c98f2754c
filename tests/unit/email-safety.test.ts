import { describe, expect, it } from 'vitest';
import { EMAIL_KINDS, renderEmail, type EmailContext, type EmailKind } from '../../functions/domain/email/render.js';
import { cleanText, escapeHtml, headerText, safeUrl } from '../../functions/domain/email/safe.js';
import { sampleBranding, sampleContext, sampleOrders, sampleState } from '../../functions/domain/email/samples.js';
import type { Order } from '../../functions/domain/order.js';

const XSS = '<img src=x onerror=alert(1)>';
const ESCAPED_XSS = '&lt;img src=x onerror=alert(1)&gt;';

/** A context for `kind` whose order is `order` (with the sample shipments still pointing at its line items). */
function withOrder(kind: EmailKind, order: Order, overrides: Partial<EmailContext> = {}): EmailContext {
  const ctx = sampleContext(kind, 'usd_en');
  return { ...ctx, state: { ...ctx.state, order }, ...overrides };
}

/** Every attribute value that can load or navigate somewhere. */
function urlAttributes(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1] ?? '');
}

describe('escaping text from orders, stores and platforms', () => {
  const hostile: Order = {
    ...sampleOrders.usd_en,
    lineItems: sampleOrders.usd_en.lineItems.map((li, i) => (i === 1 ? { ...li, title: XSS, variant: `"><svg onload=alert(2)>` } : li)),
  };

  it.each(EMAIL_KINDS.filter((k) => k !== 'delay_notice'))('%s shows a product named like a tag only as text', (kind) => {
    const email = renderEmail(withOrder(kind, hostile, kind === 'shipping_confirmation' ? { shipment: undefined } : {}));
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).not.toContain('<svg');
    expect(email.html).toContain(ESCAPED_XSS);
    expect(email.html).toContain('&quot;&gt;&lt;svg onload=alert(2)&gt;');
  });

  it('keeps the product name verbatim in the text part, which no client interprets as markup', () => {
    expect(renderEmail(withOrder('receipt', hostile)).text).toContain(XSS);
  });

  it('escapes a customer name with quotes and angle brackets', () => {
    const order = { ...sampleOrders.usd_en, customer: { ...sampleOrders.usd_en.customer, firstName: `Zoë "<b>Z</b>" O'Brien` } };
    const email = renderEmail(withOrder('receipt', order));
    expect(email.html).toContain('Hi Zoë &quot;&lt;b&gt;Z&lt;/b&gt;&quot; O&#39;Brien,');
    expect(email.html).not.toContain('<b>Z</b>');
    expect(email.text).toContain(`Hi Zoë "<b>Z</b>" O'Brien,`);
  });

  it('keeps the subject as plain text and escapes it where it appears in the HTML', () => {
    // A subject is a header, not HTML: entities there would show up literally in the inbox.
    const order = { ...sampleOrders.usd_en, orderName: `#1001 <script>"x"</script>` };
    const email = renderEmail(withOrder('receipt', order));
    expect(email.subject).toBe('Your order #1001 <script>"x"</script> is confirmed');
    expect(email.html).toContain('<title>Your order #1001 &lt;script&gt;&quot;x&quot;&lt;/script&gt; is confirmed</title>');
    expect(email.html).not.toMatch(/<script/i);
  });

  it('escapes store branding: name, support address and postal address', () => {
    const branding = { ...sampleBranding, name: `Tom & Jerry's <Shop>`, postalAddress: '1 <Main> St\n"Springfield"' };
    const email = renderEmail(sampleContext('feedback_request', 'usd_en', { branding }));
    expect(email.html).toContain('Tom &amp; Jerry&#39;s &lt;Shop&gt;');
    expect(email.html).toContain('1 &lt;Main&gt; St<br>&quot;Springfield&quot;');
    expect(email.html).not.toContain('<Shop>');
    expect(email.html).not.toContain('<Main>');
  });

  it('escapes the platform delay message and a free-text cancellation reason', () => {
    const delay = { what: 'shipment' as const, missedPromise: '2026-11-24T22:00:00Z', newEstimate: '2026-12-01T16:00:00Z', message: `</td><script>alert(1)</script>` };
    const delayed = renderEmail(sampleContext('delay_notice', 'usd_en', { delay }));
    expect(delayed.html).not.toMatch(/<script/i);
    expect(delayed.html).toContain('&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;');

    const state = sampleState('usd_en', { shipments: [], cancelled: { at: '2026-11-21T12:00:00Z', reason: XSS } });
    const cancelled = renderEmail(sampleContext('cancellation', 'usd_en', { state }));
    expect(cancelled.html).not.toContain('<img src=x');
    expect(cancelled.html).toContain(ESCAPED_XSS);
  });

  it('escapes carrier names and tracking numbers', () => {
    const shipment = { ...sampleState('usd_en').shipments[1]!, carrier: '<b>UPS</b>', trackingNumber: '1Z"><i>' };
    const email = renderEmail(sampleContext('shipping_confirmation', 'usd_en', { shipment }));
    expect(email.html).toContain('&lt;b&gt;UPS&lt;/b&gt;');
    expect(email.html).toContain('1Z&quot;&gt;&lt;i&gt;');
    expect(email.html).not.toContain('<b>UPS');
  });

  it('ignores an accent colour that is not a hex colour rather than putting it into CSS', () => {
    const branding = { ...sampleBranding, accentColor: 'red;background:url(javascript:alert(1))' };
    const email = renderEmail(sampleContext('receipt', 'usd_en', { branding }));
    expect(email.html).not.toContain('javascript:');
    expect(email.html).toContain('background-color:#1a73e8');
  });
});

describe('header injection', () => {
  it('keeps CR/LF in an order name out of the subject', () => {
    const order = { ...sampleOrders.usd_en, orderName: '#1001\r\nBcc: evil@example.com' };
    const { subject } = renderEmail(withOrder('receipt', order));
    expect(subject).toBe('Your order #1001 Bcc: evil@example.com is confirmed');
  });

  it.each([
    ['NUL', '\u0000'],
    ['ESC', '\u001b'],
    ['NEL', '\u0085'],
    ['LINE SEPARATOR', '\u2028'],
    ['PARAGRAPH SEPARATOR', '\u2029'],
    ['TAB', '\t'],
    ['VT', '\v'],
  ])('removes %s from the subject', (_name, char) => {
    const order = { ...sampleOrders.usd_en, orderName: `#10${char}01` };
    const { subject } = renderEmail(withOrder('feedback_request', order));
    expect(subject).not.toContain(char);
    expect(subject).toMatch(/^How was your order #10 ?01\?$/);
  });

  it('keeps a customer name like "Bob\\r\\nBcc: x@y" on one line in the body', () => {
    const order = { ...sampleOrders.usd_en, customer: { ...sampleOrders.usd_en.customer, firstName: 'Bob\r\nBcc: x@y' } };
    const email = renderEmail(withOrder('receipt', order));
    expect(email.text).toContain('Hi Bob Bcc: x@y,');
    expect(email.html).toContain('Hi Bob Bcc: x@y,');
  });

  it('keeps CR/LF out of the List-Unsubscribe header however the link is written', () => {
    const ctx = sampleContext('feedback_request', 'usd_en');
    const email = renderEmail({ ...ctx, links: { ...ctx.links, unsubscribeOneClick: 'https://orders.example/u?t=1\r\nBcc: evil@example.com' } });
    for (const h of email.headers) expect(h.value).not.toMatch(/[\r\n]/);
    expect(email.headers[0]?.value).toMatch(/^<https:\/\/orders\.example\/u\?t=1Bcc:%20evil@example\.com>, <mailto:/);
  });

  it('leaves the mailto out when the support address could break out of the header', () => {
    const ctx = sampleContext('feedback_request', 'usd_en');
    const branding = { ...sampleBranding, supportEmail: 'help@x.example>, <mailto:evil@example.com' };
    const email = renderEmail({ ...ctx, branding });
    expect(email.headers).toEqual([
      { name: 'List-Unsubscribe', value: `<${ctx.links.unsubscribeOneClick}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
  });

  it('headerText and cleanText leave nothing multi-line', () => {
    expect(headerText('a\r\nb\u2028c\u0000d')).toBe('a b c d');
    expect(cleanText('  x \n\n y  ')).toBe('x y');
    expect(headerText('x'.repeat(400))).toHaveLength(250);
  });
});

describe('links', () => {
  const javascriptUrls = ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', '//evil.example/x', '/relative'];

  it.each(javascriptUrls)('safeUrl drops %j', (url) => {
    expect(safeUrl(url)).toBeUndefined();
  });

  it('safeUrl keeps http and https, percent-encoding what could break an attribute', () => {
    expect(safeUrl('https://shop.example/t?a=1&b=2')).toBe('https://shop.example/t?a=1&b=2');
    expect(safeUrl('http://localhost:3000/track/1')).toBe('http://localhost:3000/track/1');
    expect(safeUrl('https://x.example/a"b<c>')).toBe('https://x.example/a%22b%3Cc%3E');
  });

  it('drops a javascript: tracking link: no button, and nothing of it in either part', () => {
    const ctx = sampleContext('receipt', 'usd_en');
    const email = renderEmail({ ...ctx, links: { ...ctx.links, tracking: 'javascript:alert(document.cookie)' } });
    expect(email.html).not.toMatch(/javascript:/i);
    expect(email.text).not.toMatch(/javascript:/i);
    expect(email.html).not.toContain('Track your order');
  });

  it('drops a javascript: carrier link, logo and product image', () => {
    const shipment = { ...sampleState('usd_en').shipments[1]!, trackingUrl: 'javascript:alert(1)' };
    const branding = { ...sampleBranding, logoUrl: 'javascript:alert(2)' };
    const order = { ...sampleOrders.usd_en, lineItems: sampleOrders.usd_en.lineItems.map((li) => ({ ...li, imageUrl: 'data:image/svg+xml,<svg onload=alert(3)>' })) };
    const email = renderEmail({ ...sampleContext('shipping_confirmation', 'usd_en', { shipment, branding }), state: { ...sampleState('usd_en'), order } });
    expect(email.html).not.toMatch(/javascript:|data:/i);
    expect(email.html).not.toContain('<img');
    expect(email.html).not.toContain('Track on the UPS website');
  });

  it('renders a star without a link rather than with a javascript: link', () => {
    const ctx = sampleContext('feedback_request', 'usd_en');
    const feedback = { ...ctx.links.feedback!, 3: 'javascript:alert(3)' };
    const email = renderEmail({ ...ctx, links: { ...ctx.links, feedback } });
    expect(email.html).not.toMatch(/javascript:/i);
    expect([...email.html.matchAll(/rating=(\d)/g)].map((m) => m[1])).toEqual(['1', '2', '4', '5']);
  });

  it('falls back to the written unsubscribe instruction, and no one-click header, for javascript: unsubscribe links', () => {
    const ctx = sampleContext('feedback_reminder', 'usd_en');
    const email = renderEmail({ ...ctx, links: { ...ctx.links, unsubscribe: 'javascript:alert(1)', unsubscribeOneClick: 'javascript:alert(2)' } });
    expect(email.html).not.toMatch(/javascript:/i);
    expect(email.headers).toEqual([{ name: 'List-Unsubscribe', value: '<mailto:help@nordlicht.example?subject=unsubscribe>' }]);
    expect(email.text).toContain('To stop feedback emails, write to help@nordlicht.example');
  });

  it('neutralizes a link that tries to close its attribute', () => {
    const ctx = sampleContext('receipt', 'usd_en');
    const email = renderEmail({ ...ctx, links: { ...ctx.links, tracking: 'https://x.example/t?a="><script>alert(1)</script>' } });
    expect(email.html).not.toMatch(/<script/i);
    expect(email.html).toContain('href="https://x.example/t?a=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"');
  });

  it.each(EMAIL_KINDS)('%s puts only http(s) URLs in href and src', (kind) => {
    const branding = { ...sampleBranding, logoUrl: 'https://cdn.nordlicht.example/logo.png' };
    const urls = urlAttributes(renderEmail(sampleContext(kind, 'eur_de', { branding })).html);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toMatch(/^https?:\/\//);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`& < > " '`)).toBe('&amp; &lt; &gt; &quot; &#39;');
  });
});
