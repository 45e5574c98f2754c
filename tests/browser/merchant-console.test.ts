import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackStore } from '../../functions/adapters/feedback-store.js';
import { EMAIL_KINDS } from '../../functions/domain/email/context.js';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';
import { browserHelpers, launchChromium, requireChromium, SHOTS } from '../support/browser.js';

/**
 * A merchant in the console, in headless Chromium against the whole product on the local
 * runtime and cognito-local: sign in, the overview's charts drawn, search an order, open an
 * email as sent, resend it and see the resend on the timeline, reply to a low rating, replay a
 * dead letter (ops), sign out; another store's order refused (403) by URL; axe-core finds no
 * serious or critical violation on any page, and the pages work at phone width.
 */

const STORE = 'generic-dev';
const OTHER = 'acme-dev.myshopify.com';
const ORDER = { orderId: 'CON-1', orderName: '#2001', email: 'Ann.Shopper@Example.com' };
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let rt: LocalRuntime;
let browser: Browser;
let context: BrowserContext;
let dynamo: DynamoDBClient;
const cspViolations: string[] = [];
const DAY = 86_400_000;
const { virtualIso, shot, sendWebhook } = browserHelpers({ runtime: () => rt, store: STORE });

async function signIn(page: Page, login: { username: string; password: string }): Promise<void> {
  await page.goto(`${rt.url}/console`);
  await page.getByLabel('Username').fill(login.username);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/console\/stores\//);
}

async function axe(page: Page): Promise<string[]> {
  // Injected through the debugging protocol, which the page's CSP does not govern (an inline script would be refused).
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => (globalThis as unknown as { axe: { run: (o: unknown) => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }).axe.run({ resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id} (${v.nodes.length})`);
}

beforeAll(async () => {
  requireChromium();
  mkdirSync(SHOTS, { recursive: true });
  for (const f of readdirSync(SHOTS)) if (f.startsWith('console-')) rmSync(join(SHOTS, f), { force: true });
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
  [rt, browser] = await Promise.all([
    startLocal({ port: 0, inMemory: true, manualClock: true, log: () => {} }),
    launchChromium(),
  ]);
  context = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 900 } });
  // uPlot and the chart script run under the pages' CSP (scripts and styles from /console/assets only): nothing may be refused.
  context.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
  });
  dynamo = new DynamoDBClient({ endpoint: rt.endpoints.dynamodb, region: rt.env.AWS_REGION });

  await sendWebhook('order.placed', 'con-placed', {
    order: {
      orderId: ORDER.orderId, orderName: ORDER.orderName, placedAt: virtualIso(), currency: 'EUR',
      customer: { email: ORDER.email, firstName: 'Ann', locale: 'en-GB', timeZone: 'Europe/Paris' },
      shippingAddress: { name: 'Ann Shopper', city: 'Lyon', country: 'France', countryCode: 'FR' },
      lineItems: [{ id: 'li-1', title: 'Teapot', quantity: 1, unitPrice: '24.00', total: '24.00' }],
      subtotal: '24.00', total: '24.00', paymentStatus: 'paid',
      promises: { shipBy: virtualIso(10 * DAY), deliverBy: virtualIso(15 * DAY) },
    },
  });
  await rt.whenIdle();
  await sendWebhook('shipment.created', 'con-shipped', { orderId: ORDER.orderId, shipment: { shipmentId: 'CON-1-S1', lineItems: [], carrier: 'DHL', trackingNumber: '0034' } });
  await rt.whenIdle();
  await sendWebhook('shipment.updated', 'con-delivered', { orderId: ORDER.orderId, shipmentId: 'CON-1-S1', status: 'delivered' });
  await rt.whenIdle();
  // The shopper's two stars, stored as the feedback page stores them (its click is the shopper journey's test).
  await new FeedbackStore(DynamoDBDocumentClient.from(dynamo), rt.env.TABLE_NAME!).recordRating(STORE, ORDER.orderId, 2, rt.clock.now());
  // A dead letter: an event that failed routing five times sits in the dead-letter queue.
  const sqs = new SQSClient({ endpoint: rt.endpoints.sqs, region: rt.env.AWS_REGION, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  await sqs.send(new SendMessageCommand({ QueueUrl: rt.env.DEAD_LETTER_QUEUE_URL!, MessageBody: JSON.stringify({ type: 'order.refunded', store: STORE, source: 'generic', eventId: 'con-dead', occurredAt: virtualIso(), data: { orderId: ORDER.orderId, full: false } }) }));
  sqs.destroy();
}, 120_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  dynamo?.destroy();
  await rt?.stop();
});

describe('a merchant in the console', () => {
  const merchant = () => rt.cognito.logins.find((l) => l.username.startsWith('merchant'))!;
  const ops = () => rt.cognito.logins.find((l) => l.username.startsWith('ops'))!;

  it('signs in with the development login and sees the overview with its charts drawn', async () => {
    const page = await context.newPage();
    await page.goto(`${rt.url}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await shot(page, 'console-01-sign-in.png');
    expect(await axe(page)).toEqual([]);
    await signIn(page, merchant());
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'pp_console')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(new URL(page.url()).pathname).toBe(`/console/stores/${STORE}/overview`);
    for (const id of ['chart-sent', 'chart-ratings', 'chart-distribution', 'chart-days']) {
      await page.locator(`#${id}[data-drawn="true"] canvas`).first().waitFor();
    }
    // Every kind of the registry (functions/domain/email/context.ts) has a series; the counters saw the receipt, the confirmation and the rating.
    const legend = await page.locator('#chart-sent .u-legend').innerText();
    for (const kind of EMAIL_KINDS) expect(legend).toContain(kind);
    const data = JSON.parse(await page.locator('#overview-data').textContent() ?? '{}') as { sentPerKind: Record<string, number[]>; ratings: { distribution: number[] }; onTime: { ship: { kept: number }; delivery: { kept: number } } };
    expect(data.sentPerKind.receipt!.reduce((a, b) => a + b, 0)).toBe(1);
    expect(data.sentPerKind.shipping_confirmation!.reduce((a, b) => a + b, 0)).toBe(1);
    expect(data.ratings.distribution).toEqual([0, 1, 0, 0, 0]);
    expect(data.onTime.ship.kept).toBe(1);
    expect(data.onTime.delivery.kept).toBe(1);
    expect(await page.locator('text=Dead letters waiting').locator('xpath=..').innerText()).toContain('1');
    await shot(page, 'console-02-overview.png');
    expect(await axe(page)).toEqual([]);
    expect(cspViolations).toEqual([]);
    await page.close();
  });

  it('finds the order by the shopper email in any case, opens an email as sent and resends it, recorded on the timeline', async () => {
    const page = await context.newPage();
    await page.goto(`${rt.url}/console/stores/${STORE}/orders`);
    await page.getByLabel('Order number or shopper email').fill('  ann.shopper@EXAMPLE.com ');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/orders\/CON-1/);
    await shot(page, 'console-03-order.png');
    expect(await page.locator('h1').innerText()).toContain(ORDER.orderName);
    expect(await axe(page)).toEqual([]);

    await page.getByRole('link', { name: /^receipt/ }).click();
    const frame = page.frameLocator('iframe.email');
    await frame.locator('body').waitFor();
    expect(await frame.locator('body').innerText()).toContain(ORDER.orderName);
    const messageId = (await rt.outbox()).find((e) => e.kind === 'receipt')!.messageId;
    expect(await page.locator('#email').innerText()).toContain(messageId);
    await shot(page, 'console-04-email.png');

    const before = (await rt.outbox()).length;
    await page.getByRole('button', { name: 'Resend this email to the shopper' }).click();
    await page.waitForURL(/done=resend/);
    const timeline = await page.locator('#timeline').innerText();
    expect(timeline).toMatch(/resend of receipt \(order\) by merchant@example\.com: sent/);
    expect((await rt.outbox()).length).toBe(before + 1);
    await shot(page, 'console-05-resent.png');
    await page.close();
  });

  it('refuses another store\'s order by URL with 403, and an unauthenticated API call with 401', async () => {
    const page = await context.newPage();
    const res = await page.goto(`${rt.url}/console/stores/${encodeURIComponent(OTHER)}/orders/${ORDER.orderId}`);
    expect(res?.status()).toBe(403);
    await shot(page, 'console-06-forbidden.png');
    const api = await fetch(`${rt.url}/console/api/stores/${STORE}/overview`);
    expect(api.status).toBe(401);
    await page.close();
  });

  it('replies once to the low rating from the feedback inbox', async () => {
    const page = await context.newPage();
    await page.goto(`${rt.url}/console/stores/${STORE}/feedback`);
    expect(await axe(page)).toEqual([]);
    await page.getByLabel('Reply to the shopper (sent once)').fill('Sorry about the teapot: a new one is on its way.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.waitForURL(/done=reply/);
    expect(await page.locator('main').innerText()).toContain('Replied by merchant@example.com');
    const replies = (await rt.outbox()).filter((e) => /Re: your feedback/.test(e.subject));
    expect(replies).toHaveLength(1);
    await shot(page, 'console-07-replied.png');
    await page.close();
  });

  it('works at phone width: no sideways scrolling, charts drawn to fit', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await phone.addCookies((await context.cookies()).filter((c) => c.name === 'pp_console'));
    const page = await phone.newPage();
    await page.goto(`${rt.url}/console/stores/${STORE}/overview`);
    await page.locator('#chart-sent[data-drawn="true"] canvas').first().waitFor();
    const fits = async () => {
      const w = await page.evaluate(() => { const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number }; return { doc: g.document.documentElement.scrollWidth, view: g.innerWidth }; });
      return w.doc <= w.view + 1;
    };
    expect(await fits()).toBe(true);
    await shot(page, 'console-08-phone.png');
    // The order page, the inbox and the dead letters too; the order page's buttons stay reachable.
    for (const path of [`/console/stores/${STORE}/orders/${ORDER.orderId}?email=receipt&ref=order`, `/console/stores/${STORE}/feedback`, '/console/dead-letters']) {
      await page.goto(`${rt.url}${path}`);
      expect(await fits(), path).toBe(true);
    }
    await page.goto(`${rt.url}/console/stores/${STORE}/orders/${ORDER.orderId}?email=receipt&ref=order`);
    const resend = page.getByRole('button', { name: 'Resend this email to the shopper' });
    await resend.scrollIntoViewIfNeeded();
    expect(await resend.isVisible()).toBe(true);
    await shot(page, 'console-08b-phone-order.png');
    await phone.close();
  });

  it('signs out: the session cookie is gone and the old token is refused', async () => {
    const page = await context.newPage();
    const token = (await context.cookies()).find((c) => c.name === 'pp_console')!.value;
    await page.goto(`${rt.url}/console/stores/${STORE}/overview`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/sign-in/);
    expect((await context.cookies()).find((c) => c.name === 'pp_console')).toBeUndefined();
    const replayed = await fetch(`${rt.url}/console/stores/${STORE}/overview`, { headers: { cookie: `pp_console=${token}` }, redirect: 'manual' });
    expect(replayed.status).toBe(303);
    await shot(page, 'console-09-signed-out.png');
    await page.close();
  });

  it('lets ops inspect and replay a dead letter', async () => {
    const page = await context.newPage();
    await signIn(page, ops());
    await page.goto(`${rt.url}/console/dead-letters`);
    expect(await page.locator('main').innerText()).toContain('1 waiting');
    await page.getByRole('link', { name: /Inspect/ }).first().click();
    expect(await page.locator('#inspect pre').innerText()).toContain('con-dead');
    expect(await axe(page)).toEqual([]);
    await page.getByRole('button', { name: 'Replay all dead letters' }).click();
    await page.waitForURL(/done=replay/);
    await rt.whenIdle();
    await page.goto(`${rt.url}/console/dead-letters`);
    expect(await page.locator('main').innerText()).toContain('0 waiting');
    await shot(page, 'console-10-replayed.png');
    expect(cspViolations).toEqual([]);
    await page.close();
  });
});
