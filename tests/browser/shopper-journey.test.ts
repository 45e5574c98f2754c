import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackStore } from '../../functions/adapters/feedback-store.js';
import { feedbackSummarySchema } from '../../functions/domain/feedback.js';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';
import { browserHelpers, launchChromium, requireChromium, SHOTS } from '../support/browser.js';

/**
 * A shopper's journey through the emails and the pages behind their links, in headless
 * Chromium against the whole product on the local runtime: the inbox page, the tracking page
 * reached from a shipping confirmation, a star clicked in a feedback request, a comment, the
 * store summary that counts it, unsubscribing, and the order lookup form driven by keyboard.
 *
 * Time runs at one virtual day per real second, so the feedback request (7 days after
 * delivery) arrives about 7 s after the delivery webhook; the earlier tests run meanwhile.
 */

const STORE = 'generic-dev';
const XSS_TITLE = '<img src=x onerror=alert(1)>';
const EN = { orderId: 'BT-EN-1', orderName: '#1001', email: 'ann.shopper@example.com', carrier: 'DHL', trackingNumber: '00340434161094042557' };
const FR = { orderId: 'BT-FR-1', orderName: '#1002', email: 'chloe.martin@example.fr', carrier: 'Colissimo', trackingNumber: '6A12345678901' };
const SCREENSHOTS = [
  '01-outbox.png',
  '02-tracking.png',
  '03-tracking-fr.png',
  '04-feedback.png',
  '05-feedback-comment.png',
  '06-feedback-second-click.png',
  '07-unsubscribe.png',
  '08-unsubscribed.png',
  '09-lookup-not-found.png',
];

let rt: LocalRuntime;
let browser: Browser;
let context: BrowserContext;
let dynamo: DynamoDBClient;
let feedbackStore: FeedbackStore;
const dialogs: string[] = [];
const savedLogLevel = process.env.POWERTOOLS_LOG_LEVEL;

// --- helpers -------------------------------------------------------------------------------

const DAY = 86_400_000;
const { virtualIso, shot, sendWebhook, waitForEmail, openInInbox, followEmailLink } = browserHelpers({ runtime: () => rt, context: () => context, store: STORE });

function orderPlaced(o: typeof EN, locale: string, title: string) {
  return {
    order: {
      orderId: o.orderId,
      orderName: o.orderName,
      placedAt: virtualIso(),
      currency: 'EUR',
      customer: { email: o.email, firstName: locale.startsWith('fr') ? 'Chloé' : 'Ann', locale, timeZone: 'Europe/Paris' },
      shippingAddress: { name: 'Test Shopper', city: 'Lyon', country: 'France', countryCode: 'FR' },
      lineItems: [{ id: 'li-1', title, quantity: 1, unitPrice: '24.00', total: '24.00' }],
      subtotal: '24.00',
      total: '24.00',
      paymentStatus: 'paid',
      // Explicit promises well ahead of the virtual clock, so a slow machine never turns the
      // journey into a delay notice.
      promises: { shipBy: virtualIso(10 * DAY), deliverBy: virtualIso(15 * DAY) },
    },
  };
}

const summary = async (headers: Record<string, string> = { authorization: `Bearer ${rt.secrets.opsToken}` }) => fetch(`${rt.url}/stores/${STORE}/feedback`, { headers });

// --- the journey -----------------------------------------------------------------------------

beforeAll(async () => {
  requireChromium();
  for (const name of SCREENSHOTS) rmSync(join(SHOTS, name), { force: true });
  mkdirSync(SHOTS, { recursive: true });
  // The handlers' Powertools loggers would print every step at INFO; keep warnings and errors.
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';

  [rt, browser] = await Promise.all([
    startLocal({ port: 0, inMemory: true, timeScale: 86_400, log: () => {} }),
    launchChromium(),
  ]);
  context = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 860 } });
  context.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()} on ${dialog.page()?.url() ?? '?'}`);
    void dialog.dismiss().catch(() => {});
  });
  // Whether an address is unsubscribed is read straight from the table the pages write to.
  dynamo = new DynamoDBClient({ endpoint: rt.endpoints.dynamodb, region: rt.env.AWS_REGION });
  feedbackStore = new FeedbackStore(DynamoDBDocumentClient.from(dynamo), rt.env.TABLE_NAME!);

  // Placed, shipped, delivered: each event at the virtual "now" of its sending.
  await sendWebhook('order.placed', `${EN.orderId}-placed`, orderPlaced(EN, 'en-GB', XSS_TITLE));
  await sendWebhook('order.placed', `${FR.orderId}-placed`, orderPlaced(FR, 'fr-FR', 'Carafe en grès'));
  await Promise.all([waitForEmail('receipt', EN.orderId), waitForEmail('receipt', FR.orderId)]);
  for (const o of [EN, FR]) {
    await sendWebhook('shipment.created', `${o.orderId}-shipped`, {
      orderId: o.orderId,
      shipment: { shipmentId: `${o.orderId}-S1`, lineItems: [], carrier: o.carrier, trackingNumber: o.trackingNumber, estimatedDelivery: virtualIso(5 * DAY) },
    });
  }
  await Promise.all([waitForEmail('shipping_confirmation', EN.orderId), waitForEmail('shipping_confirmation', FR.orderId)]);
  for (const o of [EN, FR]) await sendWebhook('shipment.updated', `${o.orderId}-delivered`, { orderId: o.orderId, shipmentId: `${o.orderId}-S1`, status: 'delivered' });
  await rt.whenIdle({ timeoutMs: 20_000 });
}, 90_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  dynamo?.destroy();
  await rt?.stop();
  if (savedLogLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = savedLogLevel;
});

describe('a shopper in the browser', () => {
  it('sees the receipts and shipping confirmations in the local inbox, with markup in a product name shown as text', async () => {
    const page = await context.newPage();
    const confirmation = await waitForEmail('shipping_confirmation', EN.orderId);

    const email = await openInInbox(page, confirmation);
    await email.locator('body').waitFor();
    await shot(page, '01-outbox.png');

    const list = await page.locator('nav').innerText();
    expect(list).toContain(`Your order ${EN.orderName} is confirmed`);
    expect(list).toContain(`Your order ${EN.orderName} has shipped`);
    expect(await page.locator('main h1').innerText()).toBe(`Your order ${EN.orderName} has shipped`);
    expect(await email.getByText(XSS_TITLE).count()).toBeGreaterThan(0);
    expect(await email.locator('img[src="x"]').count()).toBe(0);
    await page.close();
  });

  it('follows the tracking link of the shipping confirmation to a timeline of placed, shipped and delivered', async () => {
    const page = await context.newPage();
    const email = await openInInbox(page, await waitForEmail('shipping_confirmation', EN.orderId));

    const tracking = await followEmailLink(email.locator('a[href*="/track?t="]').first());
    await shot(tracking, '02-tracking.png');

    expect(new URL(tracking.url()).pathname).toBe('/track');
    expect(await tracking.locator('h1').innerText()).toContain(EN.orderName);
    const timeline = await tracking.locator('ol.timeline').innerText();
    expect(timeline).toMatch(/Order placed[\s\S]*Shipped[\s\S]*Delivered/);
    const shipment = await tracking.locator('section.shipment').innerText();
    expect(shipment).toContain(EN.carrier);
    expect(shipment).toContain(EN.trackingNumber);
    expect(shipment).toContain('Delivered');
    // The product whose name is markup: shown literally, never parsed into an element.
    expect(await tracking.getByText(XSS_TITLE).count()).toBeGreaterThan(0);
    expect(await tracking.locator('img[src="x"]').count()).toBe(0);
    expect(await tracking.locator('html').getAttribute('lang')).toBe('en');
    expect(dialogs).toEqual([]);
    await Promise.all([tracking.close(), page.close()]);
  });

  it('shows the French order’s tracking page in French', async () => {
    const confirmation = await waitForEmail('shipping_confirmation', FR.orderId);
    const href = /href="([^"]*\/track\?t=[^"]*)"/.exec(confirmation.html ?? '')?.[1]?.replace(/&amp;/g, '&');
    expect(href).toBeDefined();
    const page = await context.newPage();

    const res = await page.goto(href!);
    await shot(page, '03-tracking-fr.png');

    expect(res?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.locator('h2').allInnerTexts()).toContain('Historique de la commande');
    expect(await page.locator('ol.timeline').innerText()).toMatch(/Commande passée[\s\S]*Colis expédié[\s\S]*Livré/);
    expect(await page.locator('section.shipment').innerText()).toContain(FR.trackingNumber);
    await page.close();
  });

  it('rates an order by clicking the fourth star in the feedback request, comments, and sees both counted', async () => {
    const request = await waitForEmail('feedback_request', EN.orderId);
    const page = await context.newPage();
    const email = await openInInbox(page, request);

    const rated = await followEmailLink(email.getByRole('link', { name: '4 stars', exact: true }));
    await shot(rated, '04-feedback.png');

    expect(await rated.locator('body').innerText()).toContain(`You rated order ${EN.orderName} 4 out of 5.`);
    expect(await rated.getByRole('img', { name: '4 out of 5 stars' }).count()).toBe(1);
    const comment = rated.getByLabel('Would you like to tell us more? (optional)');
    expect(await comment.evaluate((el) => el.tagName)).toBe('TEXTAREA');

    await comment.fill('The carafe arrived well packed. Lovely glaze!');
    await rated.getByRole('button', { name: 'Send comment' }).click();
    await rated.getByRole('status').waitFor();
    await shot(rated, '05-feedback-comment.png');

    expect(await rated.getByRole('status').innerText()).toBe('Thank you! We have received your comment.');
    const withToken = await summary();
    expect(withToken.status).toBe(200);
    const counted = feedbackSummarySchema.parse(await withToken.json());
    expect(counted).toMatchObject({ store: STORE, count: 1, average: 4 });
    expect(counted.distribution[4]).toBe(1);
    await Promise.all([rated.close(), page.close()]);
  });

  it('refuses the store summary without the ops token with 401', async () => {
    const [none, wrong] = await Promise.all([summary({}), summary({ authorization: 'Bearer not-the-ops-token-at-all' })]);

    expect(none.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('keeps the first rating when another star is clicked later', async () => {
    const page = await context.newPage();
    const email = await openInInbox(page, await waitForEmail('feedback_request', EN.orderId));

    const again = await followEmailLink(email.getByRole('link', { name: '2 stars', exact: true }));
    await shot(again, '06-feedback-second-click.png');

    const body = await again.locator('body').innerText();
    expect(body).toContain(`You already rated order ${EN.orderName} 4 out of 5. Only the first rating counts.`);
    expect(body).toContain('We have already received a comment for this order.');
    const after = feedbackSummarySchema.parse(await (await summary()).json());
    expect(after.count).toBe(1);
    expect(after.distribution).toEqual({ 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 });
    await Promise.all([again.close(), page.close()]);
  });

  it('unsubscribes only when the confirmation button is pressed, not when the link is opened', async () => {
    const request = await waitForEmail('feedback_request', FR.orderId);
    const page = await context.newPage();
    const email = await openInInbox(page, request);

    const confirm = await followEmailLink(email.locator('a[href*="/unsubscribe?t="]').first());
    await shot(confirm, '07-unsubscribe.png');
    const afterGet = await feedbackStore.isSuppressed(STORE, FR.email);
    await confirm.getByRole('button', { name: 'Me désabonner' }).click();
    await confirm.getByRole('status').waitFor();
    await shot(confirm, '08-unsubscribed.png');

    expect(await confirm.locator('html').getAttribute('lang')).toBe('fr');
    expect(afterGet).toBe(false);
    expect(await confirm.locator('h1').innerText()).toBe('Votre désabonnement est confirmé');
    expect(await confirm.getByRole('status').innerText()).toContain(FR.email);
    expect(await feedbackStore.isSuppressed(STORE, FR.email)).toBe(true);
    await Promise.all([confirm.close(), page.close()]);
  });

  it('answers an RFC 8058 one-click unsubscribe POST with 200', async () => {
    const request = await waitForEmail('feedback_request', EN.orderId);
    const header = request.headers['List-Unsubscribe'] ?? '';
    const oneClick = /<(https?:[^>]+)>/.exec(header)?.[1];
    expect(request.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(oneClick).toBeDefined();
    const before = await feedbackStore.isSuppressed(STORE, EN.email);

    const res = await fetch(oneClick!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });

    expect(res.status).toBe(200);
    expect(before).toBe(false);
    expect(await feedbackStore.isSuppressed(STORE, EN.email)).toBe(true);
  });

  it('lets a keyboard user reach the labelled lookup fields and answers a wrong email with the generic not-found message', async () => {
    const page = await context.newPage();
    await page.goto(`${rt.url}/track`);
    const focusedId = () => page.evaluate<string>('document.activeElement ? document.activeElement.id : ""');

    // Tab from the top of the page until the email field has focus, noting the stops.
    const stops: string[] = [];
    for (let i = 0; i < 10 && stops.at(-1) !== 'email'; i++) {
      await page.keyboard.press('Tab');
      stops.push(await focusedId());
      if (stops.at(-1) === 'store') await page.keyboard.press('ArrowDown'); // the second store
      if (stops.at(-1) === 'order') await page.keyboard.type(EN.orderName);
      if (stops.at(-1) === 'email') await page.keyboard.type('someone.else@example.com');
    }
    expect(stops.filter((id) => ['store', 'order', 'email'].includes(id))).toEqual(['store', 'order', 'email']);
    expect(await page.getByLabel('Store').inputValue()).toBe(STORE);
    expect(await page.getByLabel('Order number').getAttribute('id')).toBe('order');
    expect(await page.getByLabel('Email address').getAttribute('id')).toBe('email');

    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const wrongEmail = await page.getByRole('alert').innerText();
    await shot(page, '09-lookup-not-found.png');

    expect(wrongEmail).toBe('We could not find an order with that number and email address. Please check both and try again.');
    // No order by that number at all: the very same words, so nothing can be enumerated.
    await page.getByLabel('Order number').fill('#999999');
    await page.getByLabel('Email address').fill(EN.email);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Find my order' }).click()]);
    expect(await page.getByRole('alert').innerText()).toBe(wrongEmail);
    // The right pair leads to the order.
    await page.getByLabel('Order number').fill(EN.orderName);
    await Promise.all([page.waitForURL(/\/track\?t=/), page.getByRole('button', { name: 'Find my order' }).click()]);
    expect(await page.locator('h1').innerText()).toContain(EN.orderName);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('saved a non-empty screenshot of every page visited', () => {
    const sizes = Object.fromEntries(SCREENSHOTS.map((name) => [name, existsSync(join(SHOTS, name)) ? statSync(join(SHOTS, name)).size : 0]));

    for (const [name, size] of Object.entries(sizes)) expect(size, name).toBeGreaterThan(1_000);
  });
});
