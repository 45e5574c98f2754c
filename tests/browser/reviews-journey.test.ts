import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';
import { browserHelpers, launchChromium, requireChromium, SHOTS } from '../support/browser.js';

/**
 * Issue 14's journey in headless Chromium against the whole product on the local runtime: from
 * a feedback request, rate the order, review two items (one with a photo), see one published at
 * once and one held; the merchant approves it (through the merchant API, as the console will);
 * both show on their product pages with the average; the reward email carries a code and the
 * referral code; a friend's order with that code, once delivered, credits the reviewer, whose
 * tracking page shows the points.
 *
 * One virtual day per real second: the feedback request comes about 7 s after delivery.
 */

const STORE = 'generic-dev';
const SHOPPER = { orderId: 'BR-REV-1', orderName: '#2001', email: 'rita.reviewer@example.com' };
const FRIEND = { orderId: 'BR-REF-1', orderName: '#2002', email: 'frank.friend@example.com' };
const SCREENSHOTS = ['20-review-forms.png', '21-review-published.png', '22-review-held.png', '22b-console-approved.png', '23-product-page.png', '24-reward-email.png', '25-referral-reward.png', '26-tracking-points.png'];
const DAY = 86_400_000;

let rt: LocalRuntime;
let browser: Browser;
let context: BrowserContext;
const dialogs: string[] = [];
const savedLogLevel = process.env.POWERTOOLS_LOG_LEVEL;

const { virtualIso, shot, sendWebhook, waitForEmail, openInInbox, followEmailLink } = browserHelpers({ runtime: () => rt, context: () => context, store: STORE });
const merchant = () => ({ authorization: `Bearer ${rt.secrets.opsToken}`, 'content-type': 'application/json' });

function orderPlaced(o: typeof SHOPPER, discounts: Array<{ code: string; amount: string }> = []) {
  const off = discounts.reduce((s, d) => s + Number(d.amount), 0);
  return {
    order: {
      orderId: o.orderId,
      orderName: o.orderName,
      placedAt: virtualIso(),
      currency: 'EUR',
      customer: { email: o.email, firstName: 'Rita', locale: 'en-GB', timeZone: 'Europe/London' },
      lineItems: [
        { id: 'li-1', title: 'Stoneware mug', productId: 'MUG-1', gtin: '4006381333931', brand: 'Kiln & Co', quantity: 1, unitPrice: '18.00', total: '18.00' },
        { id: 'li-2', title: 'Linen tea towel', productId: 'TOWEL-1', sku: 'TT-1', quantity: 1, unitPrice: '12.00', total: '12.00' },
      ],
      subtotal: '30.00',
      discounts,
      total: (30 - off).toFixed(2),
      paymentStatus: 'paid',
      promises: { shipBy: virtualIso(10 * DAY), deliverBy: virtualIso(15 * DAY) },
    },
  };
}

/** Ships and delivers an order, each event at the virtual "now" of its sending. */
async function shipAndDeliver(o: typeof SHOPPER) {
  await waitForEmail('receipt', o.orderId);
  await sendWebhook('shipment.created', `${o.orderId}-shipped`, { orderId: o.orderId, shipment: { shipmentId: `${o.orderId}-S1`, lineItems: [], carrier: 'DHL', trackingNumber: `JD${o.orderId}`, estimatedDelivery: virtualIso(5 * DAY) } });
  await waitForEmail('shipping_confirmation', o.orderId);
  await sendWebhook('shipment.updated', `${o.orderId}-delivered`, { orderId: o.orderId, shipmentId: `${o.orderId}-S1`, status: 'delivered' });
}

/** A photo as a phone writes it: JPEG with EXIF (camera, owner). */
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 180, g: 120, b: 60 } } })
    .jpeg()
    .withExif({ IFD0: { Make: 'PhoneCam', Model: 'X1', Artist: 'Rita Reviewer' } })
    .toBuffer();
}

beforeAll(async () => {
  requireChromium();
  for (const name of SCREENSHOTS) rmSync(join(SHOTS, name), { force: true });
  mkdirSync(SHOTS, { recursive: true });
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
  [rt, browser] = await Promise.all([
    startLocal({ port: 0, inMemory: true, timeScale: 86_400, log: () => {} }),
    launchChromium(),
  ]);
  context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1100, height: 900 } });
  context.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  // The merchant's reward codes, uploaded through the merchant API.
  const upload = await fetch(`${rt.url}/stores/${STORE}/reward-codes`, { method: 'POST', headers: merchant(), body: JSON.stringify({ codes: ['THANKYOU-A1', 'THANKYOU-B2'] }) });
  if (upload.status !== 200) throw new Error(`code upload answered ${upload.status}`);
  await sendWebhook('order.placed', `${SHOPPER.orderId}-placed`, orderPlaced(SHOPPER));
  await shipAndDeliver(SHOPPER);
}, 90_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await rt?.stop();
  if (savedLogLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = savedLogLevel;
});

describe('a shopper who reviews, is rewarded and refers a friend', () => {
  let feedbackPage: Page;
  let referralCode = '';

  it('rates the order from the feedback request and reviews the mug with a photo: published at once', async () => {
    const page = await context.newPage();
    const email = await openInInbox(page, await waitForEmail('feedback_request', SHOPPER.orderId));
    feedbackPage = await followEmailLink(email.getByRole('link', { name: '4 stars', exact: true }));
    await shot(feedbackPage, '20-review-forms.png');
    expect(await feedbackPage.getByRole('heading', { name: 'Review what you bought' }).count()).toBe(1);

    const mug = feedbackPage.locator('section.review-form[data-line-item="li-1"]');
    await mug.getByLabel('5 stars').check();
    await mug.getByLabel('Title').fill('Lovely glaze');
    await mug.getByLabel('Your review').fill('Keeps tea hot. <script>alert(1)</script>');
    await mug.getByLabel('Name to show (optional)').fill('Rita');
    await mug.getByLabel('Photo (optional)').setInputFiles({ name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: await phonePhoto() });
    await mug.getByRole('button', { name: 'Submit review' }).click();
    await feedbackPage.waitForURL(/\/reviews$/);
    await shot(feedbackPage, '21-review-published.png');
    expect(await feedbackPage.locator('[data-review-status]').getAttribute('data-review-status')).toBe('published');
    referralCode = (await feedbackPage.locator('[data-referral-code]').getAttribute('data-referral-code')) ?? '';
    expect(referralCode).toMatch(/^REF-[0-9A-Z]{8}$/);
    await page.close();
  });

  it('reviews the tea towel with 3 stars: held for the merchant; the item shows as reviewed', async () => {
    await feedbackPage.getByRole('link', { name: 'Review what you bought' }).click();
    await feedbackPage.waitForURL(/\/feedback\?/);
    expect(await feedbackPage.locator('section.review-form[data-line-item="li-1"]').innerText()).toContain('your review is published');
    const towel = feedbackPage.locator('section.review-form[data-line-item="li-2"]');
    await towel.getByLabel('3 stars').check();
    await towel.getByLabel('Title').fill('Thin');
    await towel.getByLabel('Your review').fill('Dries fast, a bit thin.');
    await towel.getByRole('button', { name: 'Submit review' }).click();
    await feedbackPage.waitForURL(/\/reviews$/);
    await shot(feedbackPage, '22-review-held.png');
    expect(await feedbackPage.locator('[data-review-status]').getAttribute('data-review-status')).toBe('held');
    const towelPage = await (await fetch(`${rt.url}/stores/${STORE}/products/TOWEL-1/reviews`, { headers: { accept: 'application/json' } })).json();
    expect(towelPage).toMatchObject({ count: 0 });
  });

  it('the merchant approves it in the console; both products show their reviews, the average and the photo', async () => {
    const held = (await (await fetch(`${rt.url}/stores/${STORE}/reviews?status=held`, { headers: merchant() })).json()) as { reviews: Array<{ reviewId: string; productId: string }> };
    expect(held.reviews.map((r) => r.productId)).toEqual(['TOWEL-1']);
    // The console's feedback inbox lists the held review (through the merchant review API) and approves it.
    const consolePage = await context.newPage();
    const ops = rt.cognito.logins.find((l) => l.username.startsWith('ops'))!;
    await consolePage.goto(`${rt.url}/console`);
    await consolePage.getByLabel('Username').fill(ops.username);
    await consolePage.getByLabel('Password').fill(ops.password);
    await consolePage.getByRole('button', { name: 'Sign in' }).click();
    await consolePage.waitForURL(/\/console\/stores\//);
    await consolePage.goto(`${rt.url}/console/stores/${STORE}/feedback`);
    const queue = consolePage.locator('section[aria-labelledby="reviews-title"]');
    expect(await queue.innerText()).toContain('Dries fast, a bit thin.');
    await queue.getByRole('button', { name: 'Approve' }).click();
    await consolePage.waitForURL(/done=review/);
    await shot(consolePage, '22b-console-approved.png');
    expect(await consolePage.locator('section[aria-labelledby="reviews-title"]').innerText()).toContain('No review waits.');
    await consolePage.close();

    const page = await context.newPage();
    await page.goto(`${rt.url}/stores/${STORE}/products/MUG-1/reviews`);
    await shot(page, '23-product-page.png');
    expect(await page.locator('h1').innerText()).toBe('Reviews of Stoneware mug');
    expect(await page.locator('[data-average]').getAttribute('data-average')).toBe('5');
    expect(await page.locator('article.review').innerText()).toContain('Keeps tea hot. <script>alert(1)</script>');
    expect(await page.locator('article.review').innerText()).toContain('Rita');
    const img = page.locator('article.review img.photo');
    await expect.poll(() => img.evaluate((el) => { const i = el as unknown as { complete: boolean; naturalWidth: number }; return i.complete && i.naturalWidth; })).toBe(320);
    await page.goto(`${rt.url}/stores/${STORE}/products/TOWEL-1/reviews`);
    expect(await page.locator('[data-average]').getAttribute('data-average')).toBe('3');
    expect(await page.locator('article.review').innerText()).toContain('Verified buyer');
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('receives one reward email with a discount code and the referral code', async () => {
    const reward = await waitForEmail('review_reward', SHOPPER.orderId);
    const page = await context.newPage();
    const email = await openInInbox(page, reward);
    await email.locator('body').waitFor();
    await shot(page, '24-reward-email.png');
    const text = await email.locator('body').innerText();
    expect(text).toMatch(/THANKYOU-(A1|B2)/);
    expect(text).toContain(referralCode);
    expect((await rt.outbox()).filter((e) => e.kind === 'review_reward')).toHaveLength(1);
    await page.close();
  });

  it('a friend\'s order with the referral code, once delivered, credits the reviewer, whose tracking page shows the points', async () => {
    await sendWebhook('order.placed', `${FRIEND.orderId}-placed`, orderPlaced(FRIEND, [{ code: referralCode, amount: '3.00' }]));
    await shipAndDeliver(FRIEND);
    const reward = await waitForEmail('referral_reward', FRIEND.orderId);
    expect(reward.to).toBe(SHOPPER.email);
    const page = await context.newPage();
    const email = await openInInbox(page, reward);
    await email.locator('body').waitFor();
    await shot(page, '25-referral-reward.png');
    expect(await email.locator('body').innerText()).toContain('200 points');

    const receipt = await openInInbox(page, await waitForEmail('receipt', SHOPPER.orderId));
    const tracking = await followEmailLink(receipt.locator('a[href*="/track?t="]').first());
    await shot(tracking, '26-tracking-points.png');
    expect(await tracking.locator('[data-points-balance]').getAttribute('data-points-balance')).toBe('250');
    const history = await tracking.locator('section.points').innerText();
    expect(history).toContain('For a review');
    expect(history).toContain("For a friend's order");
    await page.close();
  });
});
