/**
 * The pure parts of reviews, rewards and referrals: the form's rules, moderation on arrival,
 * review ids, the Google feed's structure, referral codes, points, and the participation emails
 * (escaped, in the recipient's language).
 */
import { parse as parseXml } from 'fast-xml-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderParticipationEmail } from '../../functions/domain/email/participation/render.js';
import { orderSchema } from '../../functions/domain/order.js';
import { FEED_SCHEMA_VERSION, renderReviewFeed } from '../../functions/domain/reviews/feed.js';
import { pointsAccount, referralCodeFor, referralCodeSchema, referralCodesIn } from '../../functions/domain/reviews/referrals.js';
import { initialStatus, isLowRating, parseReviewId, productOf, reviewableItems, reviewFormSchema, reviewIdOf, type Review } from '../../functions/domain/reviews/review.js';
import { storeConfigSchema } from '../../functions/domain/store-config.js';

const config = storeConfigSchema.parse({ storeId: 'shop-1', branding: { name: 'Shop & Co', supportEmail: 'help@example.com', postalAddress: '1 Street' } });
const order = orderSchema.parse({
  orderId: 'O-1',
  orderName: '#1001',
  placedAt: '2026-11-01T10:00:00Z',
  currency: 'EUR',
  customer: { email: 'ann@example.com', firstName: 'Ann', locale: 'fr-FR' },
  lineItems: [
    { id: 'a', title: 'Mug', productId: 'P-1', gtin: '4006381333931', quantity: 1, unitPrice: '10.00', total: '10.00' },
    { id: 'b', title: 'Mug (again)', productId: 'P-1', quantity: 1, unitPrice: '10.00', total: '10.00' },
    { id: 'c', title: 'Gift wrap', quantity: 1, unitPrice: '1.00', total: '1.00' },
    { id: 'd', title: 'Tea', sku: 'TEA-1', quantity: 1, unitPrice: '5.00', total: '5.00' },
  ],
  subtotal: '26.00',
  total: '26.00',
  discounts: [{ code: 'ref-7k2m9qxa', amount: '1.00' }, { code: 'WELCOME', amount: '1.00' }],
});

const review = (over: Partial<Review> = {}): Review => ({
  reviewId: reviewIdOf('O-1', 'a'),
  store: 'shop-1',
  orderId: 'O-1',
  lineItemId: 'a',
  product: { productId: 'P-1', name: 'Mug', gtin: '4006381333931', brand: 'Acme', mpn: 'M-1', sku: 'MUG' },
  rating: 4,
  title: 'Nice',
  text: 'Holds tea.',
  verifiedPurchase: true,
  status: 'published',
  createdAt: '2026-11-10T10:00:00.000Z',
  publishedAt: '2026-11-10T10:00:00.000Z',
  photos: [],
  ...over,
});

describe('review form', () => {
  const ok = { lineItemId: 'a', rating: '4', title: 'Nice', text: 'Holds tea.' };
  it.each([
    ['rating', { rating: '0' }],
    ['rating', { rating: '4.5' }],
    ['rating', { rating: '' }],
    ['title', { title: '  ' }],
    ['title', { title: 'x'.repeat(121) }],
    ['text', { text: '' }],
    ['text', { text: 'x'.repeat(5001) }],
    ['displayName', { displayName: 'x'.repeat(61) }],
  ])('refuses a bad %s, naming the field', (field, over) => {
    const parsed = reviewFormSchema.safeParse({ ...ok, ...over });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path[0]).toBe(field);
  });
  it('keeps line breaks and strips control characters', () => {
    expect(reviewFormSchema.parse({ ...ok, text: ' a\u0000b\nc\u0007 ' }).text).toBe('ab\nc');
  });
});

describe('what can be reviewed', () => {
  it('reviews each product once per order, by product id, else SKU; an item with neither is not reviewable', () => {
    expect(reviewableItems(order).map((x) => [x.item.id, x.product.productId])).toEqual([
      ['a', 'P-1'],
      ['d', 'sku:TEA-1'],
    ]);
    expect(productOf(order.lineItems[0]!)).toMatchObject({ productId: 'P-1', gtin: '4006381333931' });
  });
  it('publishes at or above the store threshold and holds below it; alerts at or below the low threshold', () => {
    expect([1, 2, 3, 4, 5].map((r) => initialStatus(r, { autoPublishMinRating: 4 }))).toEqual(['held', 'held', 'held', 'published', 'published']);
    expect([1, 2, 3, 4, 5].map((r) => initialStatus(r, { autoPublishMinRating: 6 }))).toEqual(Array(5).fill('held'));
    expect([1, 2, 3].map((r) => isLowRating(r, { lowRatingThreshold: 2 }))).toEqual([true, true, false]);
    expect(isLowRating(1, { lowRatingThreshold: 0 })).toBe(false);
  });
  it('round-trips review ids and refuses forged ones', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }), fc.string({ minLength: 1, maxLength: 100 }), (o, l) => {
        expect(parseReviewId(reviewIdOf(o, l))).toEqual({ orderId: o, lineItemId: l });
      }),
    );
    expect(parseReviewId('not/base64')).toBeUndefined();
    expect(parseReviewId(Buffer.from('["only-one"]').toString('base64url'))).toBeUndefined();
  });
});

describe('Google product ratings feed', () => {
  const parse = (xml: string) =>
    parseXml(xml, { ignoreAttributes: false, attributeNamePrefix: '@_', parseNodeValue: false, parseAttributeValue: false, arrayMode: (n: string) => ['review', 'product'].includes(n) }).feed;
  const opts = { publisherName: 'Shop & Co', reviewUrl: () => 'https://x.example/r', productUrl: () => 'https://x.example/p', anonymousName: 'Verified buyer' };

  it('carries the version, the publisher and, per review, every element the 2.4 schema requires, in its order', () => {
    const xml = renderReviewFeed([review(), review({ reviewId: 'r2', displayName: 'Bo', photos: [{ key: 'k', url: '/p/1.jpg', width: 1, height: 1 }] })], opts);
    const feed = parse(xml);
    expect(feed.version).toBe(FEED_SCHEMA_VERSION);
    expect(feed.publisher.name).toBe('Shop &amp; Co');
    const [anon, named] = feed.reviews.review;
    expect(anon.reviewer.name).toMatchObject({ '#text': 'Verified buyer', '@_is_anonymous': 'true' });
    expect(named.reviewer.name).toBe('Bo');
    for (const r of feed.reviews.review) {
      expect(Object.keys(r).filter((k) => ['review_id', 'reviewer', 'review_timestamp', 'content', 'review_url', 'ratings', 'products'].includes(k))).toEqual([
        'review_id',
        'reviewer',
        'review_timestamp',
        'content',
        'review_url',
        'ratings',
        'products',
      ]);
      expect(r.ratings.overall).toMatchObject({ '#text': '4', '@_min': '1', '@_max': '5' });
      expect(r.products.product[0]).toMatchObject({ product_ids: { gtins: { gtin: '4006381333931' }, mpns: { mpn: 'M-1' }, skus: { sku: 'MUG' }, brands: { brand: 'Acme' } }, product_url: 'https://x.example/p' });
    }
  });
  it('includes only published reviews, escapes shopper text, and is well-formed for any text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (title, text) => {
        const xml = renderReviewFeed([review({ title, text }), review({ reviewId: 'held', status: 'held' })], opts);
        expect(xml).not.toContain('<review_id>held</review_id>');
        expect(() => parseXml(xml, {}, true)).not.toThrow();
        expect(xml.match(/<review>/g)).toHaveLength(1);
      }),
    );
  });
});

describe('referral codes and points', () => {
  it('gives each shopper one stable code per store, case-insensitive on the address, and finds it among discount codes', () => {
    const code = referralCodeFor('secret-0123456789abcdef', 'shop-1', 'Ann@Example.com ');
    expect(referralCodeSchema.safeParse(code).success).toBe(true);
    expect(referralCodeFor('secret-0123456789abcdef', 'shop-1', 'ann@example.com')).toBe(code);
    expect(referralCodeFor('secret-0123456789abcdef', 'shop-2', 'ann@example.com')).not.toBe(code);
    expect(referralCodesIn(order)).toEqual(['REF-7K2M9QXA']);
  });
  it('counts each credit once and never goes negative, whatever arrives twice', () => {
    const credit = fc.record({ source: fc.constantFrom('review' as const, 'referral' as const), ref: fc.constantFrom('o1', 'o2', 'o3'), points: fc.integer({ min: 1, max: 500 }), at: fc.constant('2026-11-10T10:00:00Z') });
    fc.assert(
      fc.property(fc.array(credit), (credits) => {
        const account = pointsAccount([...credits, ...credits]);
        const first = new Map<string, number>();
        for (const c of credits) if (!first.has(`${c.source}#${c.ref}`)) first.set(`${c.source}#${c.ref}`, c.points);
        expect(account.balance).toBe([...first.values()].reduce((a, b) => a + b, 0));
        expect(account.balance).toBeGreaterThanOrEqual(0);
        expect(account.history).toHaveLength(first.size);
      }),
    );
  });
});

describe('participation emails', () => {
  const referral = { code: 'REF-7K2M9QXA', link: 'https://pages.example.com/stores/shop-1/referrals/REF-7K2M9QXA', pointsPerReferral: 200 };
  it('writes the reward in the shopper\'s language with the code, the referral code and link, and says it does not depend on the review', () => {
    const r = renderParticipationEmail({ kind: 'review_reward', order, code: 'THANKS-1', referral, balance: 50 }, { branding: config.branding, locale: 'fr-FR' });
    expect(r.subject).toBe('Merci pour votre avis : un cadeau de Shop & Co');
    expect(r.text).toContain('THANKS-1');
    expect(r.text).toContain('REF-7K2M9QXA');
    expect(r.text).toContain('quel que soit son contenu');
    expect(r.html).toContain('href="https://pages.example.com/stores/shop-1/referrals/REF-7K2M9QXA"');
  });
  it('escapes review and reply text in the reply email', () => {
    const r = renderParticipationEmail(
      { kind: 'review_reply', order, product: 'Mug', review: { title: '<script>x</script>', text: 'ok' }, reply: '<img src=x onerror=alert(1)>', reviewsUrl: 'https://x.example/r' },
      { branding: config.branding, locale: 'en' },
    );
    expect(r.html).not.toContain('<script>x</script>');
    expect(r.html).not.toContain('<img src=x');
    expect(r.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
  it('tells the merchant the rating, the items and how to reply, in the store\'s language', () => {
    const r = renderParticipationEmail({ kind: 'low_rating_alert', order, rating: 1, comment: 'Broken' }, { branding: config.branding, locale: 'de-DE' });
    expect(r.subject).toBe('Schlechte Bewertung (1/5) für Bestellung #1001');
    expect(r.text).toContain('Broken');
    expect(r.text).toContain('Mug');
    expect(r.html).toContain('mailto:ann@example.com');
  });
});
