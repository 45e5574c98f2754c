/**
 * Reviews, rewards and referrals end to end on the local runtime (dynalite, the SES stand-in,
 * s3rver, the synthesized state machine), driven over HTTP as a shopper, a merchant and a
 * platform would. One runtime on a manual clock; the tests run in order and share its orders.
 */
import sharp from 'sharp';
import { parse as parseXml } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedbackLink, GENERIC_STORE, shipment, startHarness, type Harness } from '../support/local-harness.js';
import type { Email } from '../../local/outbox.js';
import { ReviewApiModeration } from '../../functions/adapters/review-moderation.js';
import * as z from 'zod';
import { productReviewsResponseSchema, publicReviewSchema } from '../../functions/domain/reviews/api.js';

let h: Harness;
let auth: Record<string, string>;
const STORE = GENERIC_STORE;
const A = 'RV-1';
const SHOPPER = `shopper-${A}@example.com`;
let feedbackToken = '';
let requestEmail: Email;

beforeAll(async () => {
  h = await startHarness({ manualClock: true });
  auth = { authorization: `Bearer ${h.rt.secrets.opsToken}`, 'content-type': 'application/json' };
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const items = [
  { id: 'li-1', title: 'Trail shoes', sku: 'TS-42', productId: 'P-100', gtin: '4006381333931', brand: 'Peak & Co', quantity: 1, unitPrice: '120.00', total: '120.00' },
  { id: 'li-2', title: 'Wool socks', sku: 'WS-2', productId: 'P-200', mpn: 'WS-2-M', brand: 'Peak & Co', quantity: 2, unitPrice: '9.50', total: '19.00' },
];

async function advanceToHour(hour: number) {
  const now = Date.parse(h.at());
  const d = new Date(now);
  let target = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour);
  if (target <= now) target += 86_400_000;
  await h.advance((target - now) / 86_400_000);
}

/** Places, ships and delivers an order; with `feedback`, lets the window pass so the request goes out. */
async function deliveredOrder(id: string, overrides: Parameters<Harness['order']>[1] = {}, feedback = true) {
  await advanceToHour(10);
  expect((await h.post('order.placed', { order: h.order(id, { lineItems: items, ...overrides }) })).status).toBe(202);
  await h.waitForEmail(id, 'receipt');
  await h.post('shipment.created', shipment(id, `${id}-s`));
  await h.waitForEmail(id, 'shipping_confirmation');
  await h.post('shipment.updated', { orderId: id, shipmentId: `${id}-s`, status: 'delivered' }, { eventId: `${id}-delivered` });
  await h.idle();
  if (feedback) {
    await h.advance(7.1);
    return (await h.waitForEmail(id, 'feedback_request'))[0]!;
  }
  return undefined;
}

const review = (fields: Record<string, string>, photo?: { bytes: Uint8Array; type: string; name: string }) => {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  if (photo) body.set('photo', new Blob([photo.bytes], { type: photo.type }), photo.name);
  return fetch(`${h.rt.url}/reviews`, { method: 'POST', body });
};
const productJson = async (productId: string) => (await (await fetch(`${h.rt.url}/stores/${STORE}/products/${productId}/reviews`, { headers: { accept: 'application/json' } })).json()) as {
  count: number;
  average: number | null;
  distribution: Record<string, number>;
  reviews: Array<{ reviewId: string; title: string; displayName: string | null; reply: { text: string } | null; photos: Array<{ url: string }> }>;
};
const held = async () => (await (await fetch(`${h.rt.url}/stores/${STORE}/reviews?status=held`, { headers: auth })).json()) as { reviews: Array<{ reviewId: string; lineItemId: string; orderId: string }> };
const allMail = async () => h.rt.outbox();

/** A JPEG carrying EXIF (camera, copyright) and an orientation, as phones write them. */
async function photoWithMetadata(): Promise<Uint8Array> {
  const buf = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .jpeg()
    .withExif({ IFD0: { Copyright: 'Ann Shopper', Make: 'PhoneCam', Model: 'X1' } })
    .toBuffer();
  return new Uint8Array(buf);
}

describe('reviews after the star click', () => {
  it('offers a review form per item under the rating, and alerts the store about a rating of 2, once', async () => {
    requestEmail = (await deliveredOrder(A))!;
    const link = feedbackLink(requestEmail, 2);
    feedbackToken = new URL(link).searchParams.get('t')!;
    const res = await fetch(link);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page.match(/<form method="post" action="reviews"/g)).toHaveLength(2);
    expect(page).toContain('data-line-item="li-1"');

    const [alert] = await h.waitForEmail(A, 'low_rating_alert');
    // To the store's support address (generic-dev's, in its default language), not the shopper.
    expect(alert!.to).toBe('outlet@example.com');
    expect(alert!.subject).toContain('2/5');
    expect(alert!.text).toContain('Trail shoes');
    expect(alert!.text).toContain(SHOPPER);
    // A second click changes nothing and alerts nobody again.
    await fetch(feedbackLink(requestEmail, 1));
    await h.idle();
    expect((await h.emails(A)).filter((e) => e.kind === 'low_rating_alert')).toHaveLength(1);
  });

  it('lets the merchant upload reward codes, refusing a bad list precisely and without the token', async () => {
    expect((await fetch(`${h.rt.url}/stores/${STORE}/reward-codes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"codes":["THANKS-1"]}' })).status).toBe(401);
    const bad = await fetch(`${h.rt.url}/stores/${STORE}/reward-codes`, { method: 'POST', headers: auth, body: JSON.stringify({ codes: ['THANKS-1', 'no spaces'] }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request', field: 'codes.1' } });
    expect(await (await fetch(`${h.rt.url}/stores/${STORE}/reward-codes`, { headers: auth })).json()).toMatchObject({ available: 0 });
    const ok = await fetch(`${h.rt.url}/stores/${STORE}/reward-codes`, { method: 'POST', headers: auth, body: JSON.stringify({ codes: ['THANKS-1', 'THANKS-2', 'THANKS-3', 'THANKS-1'] }) });
    expect(await ok.json()).toEqual({ added: 3, skipped: 0, available: 3 });
  });

  it('rejects every bad review precisely and stores nothing', async () => {
    const good = { t: feedbackToken, lineItemId: 'li-1', rating: '5', title: 'Great', text: 'Fits well.' };
    const cases: Array<[string, Promise<Response>, number, string]> = [
      ['forged link', review({ ...good, t: `${feedbackToken.slice(0, -2)}xx` }), 403, ''],
      ['item not in the order', review({ ...good, lineItemId: 'li-999' }), 422, 'not_in_order'],
      ['rating out of range', review({ ...good, rating: '6' }), 400, 'invalid'],
      ['empty title', review({ ...good, title: '   ' }), 400, 'invalid'],
      ['a text file as photo', review(good, { bytes: new TextEncoder().encode('not an image'), type: 'image/jpeg', name: 'x.jpg' }), 415, 'not_image'],
      ['an oversize photo', review(good, { bytes: new Uint8Array(4 * 1024 * 1024 + 10), type: 'image/jpeg', name: 'big.jpg' }), 413, 'too_large'],
    ];
    for (const [name, res, status, code] of cases) {
      const r = await res;
      expect(r.status, name).toBe(status);
      if (code) expect(await r.text(), name).toContain(`data-error="${code}"`);
    }
    expect((await productJson('P-100')).count).toBe(0);
    expect((await held()).reviews).toHaveLength(0);
    expect((await h.emails(A)).filter((e) => e.kind === 'review_reward')).toHaveLength(0);
  });

  it('publishes a 5-star review at once (with its photo, metadata stripped) and holds a 3-star one; one reward email with one code', async () => {
    const photo = await photoWithMetadata();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const first = await review({ t: feedbackToken, lineItemId: 'li-1', rating: '5', title: 'Great <b>shoes</b>', text: 'Fits well.', displayName: 'Ann' }, { bytes: photo, type: 'image/jpeg', name: 'IMG_0001.jpg' });
    expect(first.status).toBe(201);
    const thanks = await first.text();
    expect(thanks).toContain('data-review-status="published"');
    expect(thanks).toMatch(/data-referral-code="REF-[0-9A-Z]{8}"/);
    const second = await review({ t: feedbackToken, lineItemId: 'li-2', rating: '3', title: 'OK', text: 'Thin.' });
    expect(second.status).toBe(201);
    expect(await second.text()).toContain('data-review-status="held"');

    const p = await productJson('P-100');
    expect(p).toMatchObject({ count: 1, average: 5 });
    expect(p.reviews[0]!.title).toBe('Great <b>shoes</b>');
    expect(p.reviews[0]!.displayName).toBe('Ann');
    const stored = await fetch(`${h.rt.url}${p.reviews[0]!.photos[0]!.url}`);
    expect(stored.status).toBe(200);
    expect(stored.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(new Uint8Array(await stored.arrayBuffer())).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.width).toBe(64);
    expect((await productJson('P-200')).count).toBe(0);

    const rewards = await h.waitForEmail(A, 'review_reward');
    expect(rewards).toHaveLength(1);
    expect(rewards[0]!.text).toMatch(/THANKS-[123]/);
    expect(rewards[0]!.text).toMatch(/REF-[0-9A-Z]{8}/);
    expect(await (await fetch(`${h.rt.url}/stores/${STORE}/reward-codes`, { headers: auth })).json()).toMatchObject({ available: 2 });
  });

  it('answers a second review of the same item 409 and changes nothing', async () => {
    const again = await review({ t: feedbackToken, lineItemId: 'li-1', rating: '1', title: 'Changed my mind', text: 'No.' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('data-error="already_reviewed"');
    expect(await productJson('P-100')).toMatchObject({ count: 1, average: 5 });
  });

  it('lets the merchant approve the held review; the product page then shows both items\' reviews with their averages', async () => {
    const list = await held();
    expect(list.reviews.map((r) => r.lineItemId)).toEqual(['li-2']);
    const id = list.reviews[0]!.reviewId;
    // The console's moderation queue is a client of this API (functions/adapters/review-moderation.ts).
    const consoleQueue = new ReviewApiModeration(h.rt.url, async () => h.rt.secrets.opsToken);
    expect(await consoleQueue.pending(STORE, 50)).toEqual([expect.objectContaining({ id, orderId: A, rating: 3, title: 'OK', body: 'Thin.' })]);
    expect(await consoleQueue.decide(STORE, 'bm90LWEtcmV2aWV3', 'approve')).toBe('not_found');
    expect((await fetch(`${h.rt.url}/stores/${STORE}/reviews/${id}/approve`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${h.rt.url}/stores/${STORE}/reviews/${id}/approve`, { method: 'POST', headers: auth })).status).toBe(200);
    expect((await fetch(`${h.rt.url}/stores/${STORE}/reviews/${id}/approve`, { method: 'POST', headers: auth })).status).toBe(409);
    expect(await consoleQueue.decide(STORE, id, 'reject')).toBe('already_decided');
    expect(await consoleQueue.pending(STORE, 50)).toEqual([]);
    expect(await productJson('P-200')).toMatchObject({ count: 1, average: 3, distribution: { 3: 1 } });
    // The answer is what docs/openapi.json documents (generated from this schema), with nothing more.
    const documented = productReviewsResponseSchema.strict().extend({ reviews: z.array(publicReviewSchema.strict()) });
    const answer = await productJson('P-100');
    expect(() => documented.parse(answer)).not.toThrow();
    expect((await held()).reviews).toHaveLength(0);
    const html = await (await fetch(`${h.rt.url}/stores/${STORE}/products/P-100/reviews`)).text();
    expect(html).toContain('Great &lt;b&gt;shoes&lt;/b&gt;');
    expect(html).not.toContain('<b>shoes</b>');
  });

  it('emails the merchant\'s reply to the reviewer once and shows it under the review', async () => {
    const id = (await productJson('P-100')).reviews[0]!.reviewId;
    const reply = (text: string) => fetch(`${h.rt.url}/stores/${STORE}/reviews/${id}/reply`, { method: 'POST', headers: auth, body: JSON.stringify({ text }) });
    expect((await reply('')).status).toBe(400);
    expect((await reply('Thank you, Ann!')).status).toBe(200);
    expect((await reply('Again')).status).toBe(409);
    const mails = await h.waitForEmail(A, 'review_reply');
    await h.idle();
    expect((await h.emails(A)).filter((e) => e.kind === 'review_reply')).toHaveLength(1);
    expect(mails[0]!.text).toContain('Thank you, Ann!');
    expect((await productJson('P-100')).reviews[0]!.reply).toMatchObject({ text: 'Thank you, Ann!' });
  });

  it('serves Google\'s product ratings feed with every published review and the schema\'s required elements', async () => {
    const res = await fetch(`${h.rt.url}/stores/${STORE}/reviews.xml`);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = await res.text();
    // Shopper text is escaped in the XML, never markup in it.
    expect(xml).toContain('<title>Great &lt;b&gt;shoes&lt;/b&gt;</title>');
    const decode = (v: string) => v.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
    const feed = parseXml(xml, {
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      parseAttributeValue: false,
      parseNodeValue: false,
      tagValueProcessor: decode,
      arrayMode: (name: string) => ['review', 'product'].includes(name),
    }).feed;
    expect(feed.version).toBe('2.4');
    expect(feed.publisher.name).toBeTruthy();
    expect(feed.reviews.review).toHaveLength(2);
    for (const r of feed.reviews.review) {
      for (const el of ['review_id', 'reviewer', 'review_timestamp', 'content', 'review_url', 'ratings', 'products']) expect(r[el], el).toBeDefined();
      expect(r.reviewer.name).toBeDefined();
      expect(r.ratings.overall).toMatchObject({ '@_min': '1', '@_max': '5' });
      expect(r.products.product[0].product_url).toMatch(/^http/);
    }
    const shoes = feed.reviews.review.find((r: { title: string }) => r.title === 'Great <b>shoes</b>');
    expect(shoes.products.product[0].product_ids.gtins.gtin).toBe('4006381333931');
    expect(shoes.reviewer_images.reviewer_image.url).toMatch(/\/photos\//);
  });

  it('credits the referrer once when a friend\'s order with their code is delivered, never for their own code', async () => {
    const code = /REF-[0-9A-Z]{8}/.exec((await h.emails(A)).find((e) => e.kind === 'review_reward')!.text!)![0];
    // The shopper's own code on their own next order: no credit.
    await deliveredOrder('RV-SELF', { customer: { email: SHOPPER, firstName: 'Zoë' }, discounts: [{ code, amount: '5.00' }], subtotal: '139.00', total: '134.00' }, false);
    await h.advance(0.5);
    expect((await allMail()).filter((e) => e.kind === 'referral_reward')).toHaveLength(0);

    await deliveredOrder('RV-FRIEND', { discounts: [{ code: code.toLowerCase(), amount: '5.00' }], subtotal: '139.00', total: '134.00' }, false);
    await h.advance(0.5);
    const [reward] = await h.waitForEmail('RV-FRIEND', 'referral_reward');
    expect(reward!.to).toBe(SHOPPER.toLowerCase());
    expect(reward!.text).toContain('200 points');
    // The platform delivers the delivery twice: still one credit, one email.
    await h.post('shipment.updated', { orderId: 'RV-FRIEND', shipmentId: 'RV-FRIEND-s', status: 'delivered' }, { eventId: 'RV-FRIEND-delivered-again' });
    await h.advance(1);
    expect((await allMail()).filter((e) => e.kind === 'referral_reward')).toHaveLength(1);

    // The tracking page of the reviewer's order shows the points: 50 for the review, 200 for the friend.
    const track = (await h.emails(A)).find((e) => e.kind === 'feedback_request')!.html!.match(/href="([^"]*\/track\?t=[^"]*)"/)![1]!.replace(/&amp;/g, '&');
    const page = await (await fetch(track)).text();
    expect(page).toContain('data-points-balance="250"');
  });

  it('refuses the referral page\'s own-code claim with 422', async () => {
    const code = /REF-[0-9A-Z]{8}/.exec((await h.emails(A)).find((e) => e.kind === 'review_reward')!.text!)![0];
    const post = (email: string) => fetch(`${h.rt.url}/stores/${STORE}/referrals/${code}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email }) });
    expect((await post(SHOPPER)).status).toBe(422);
    expect((await post('friend@example.com')).status).toBe(200);
    expect((await fetch(`${h.rt.url}/stores/${STORE}/referrals/REF-00000000`)).status).toBe(404);
  });
});
