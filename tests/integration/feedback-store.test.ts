/**
 * FeedbackStore against a real DynamoDB API (dynalite): the conditional writes and atomic
 * counters are the point of this adapter, and only a real server evaluates them.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackStore } from '../../functions/adapters/feedback-store.js';
import { keys } from '../../functions/adapters/keys.js';
import type { Rating } from '../../functions/domain/feedback.js';
import { startLocalTable, type LocalTable } from '../support/dynalite.js';

const TABLE = 'postpurchase-feedback-test';
const AT = new Date('2026-11-25T12:00:00Z');

let table: LocalTable;
let doc: DynamoDBDocumentClient;
let store: FeedbackStore;

beforeAll(async () => {
  table = await startLocalTable(TABLE);
  doc = table.doc;
  store = new FeedbackStore(doc, TABLE, { retentionDays: 30 });
});

afterAll(async () => {
  await table?.close();
});

describe('FeedbackStore ratings', () => {
  it('records the first rating, with an expiry, and returns it unchanged to later clicks', async () => {
    const first = await store.recordRating('s-single', 'o-1', 4, AT);
    const second = await store.recordRating('s-single', 'o-1', 1, new Date('2026-11-26T00:00:00Z'));

    expect(first).toEqual({ recorded: true, feedback: { rating: 4, ratedAt: AT.toISOString() } });
    expect(second).toEqual({ recorded: false, feedback: { rating: 4, ratedAt: AT.toISOString() } });
    const item = (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: keys.order('s-single', 'o-1'), sk: keys.feedback } }))).Item;
    expect(item?.expiresAt).toBe(AT.getTime() / 1000 + 30 * 86_400);
    expect(await store.readSummary('s-single')).toEqual({ store: 's-single', count: 1, average: 4, distribution: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 } });
  });

  it('counts each order once in the summary however many concurrent clicks arrive', async () => {
    // Ten orders, each clicked eight times at once on different stars.
    const clicks = Array.from({ length: 10 }, (_, order) =>
      Array.from({ length: 8 }, (_, click) => store.recordRating('s-race', `o-${order}`, ((click % 5) + 1) as Rating, AT)),
    ).flat();

    const results = await Promise.all(clicks);

    expect(results.filter((r) => r.recorded)).toHaveLength(10);
    const winners = new Map<string, number>();
    for (let order = 0; order < 10; order++) {
      const fb = await store.getFeedback('s-race', `o-${order}`);
      winners.set(`o-${order}`, fb!.rating);
    }
    const summary = await store.readSummary('s-race');
    expect(summary.count).toBe(10);
    const expected = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
    for (const r of winners.values()) expected[r as Rating] += 1;
    expect(summary.distribution).toEqual(expected);
    // Every click saw the same winning rating for its order.
    for (const [i, r] of results.entries()) expect(r.feedback.rating).toBe(winners.get(`o-${Math.floor(i / 8)}`));
  });

  it('keeps count, sum and per-star counters on the store summary item', async () => {
    await store.recordRating('s-sum', 'a', 5, AT);
    await store.recordRating('s-sum', 'b', 3, AT);
    await store.recordRating('s-sum', 'c', 5, AT);

    const item = (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: keys.storeSummary('s-sum'), sk: keys.feedbackSummarySk } }))).Item;

    expect(item).toMatchObject({ count: 3, sum: 13, r5: 2, r3: 1, store: 's-sum' });
    expect(await store.readSummary('s-sum')).toMatchObject({ count: 3, average: 4.33 });
  });

  it('reads an empty summary for a store without ratings', async () => {
    expect(await store.readSummary('s-none')).toEqual({ store: 's-none', count: 0, average: null, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } });
  });
});

describe('FeedbackStore comments', () => {
  it('stores a comment once, and only beside a rating', async () => {
    expect(await store.addComment('s-c', 'o-1', 'Lovely', AT)).toBe('not_rated');
    await store.recordRating('s-c', 'o-1', 5, AT);

    const first = await store.addComment('s-c', 'o-1', 'Lovely', AT);
    const second = await store.addComment('s-c', 'o-1', 'Edited', AT);

    expect([first, second]).toEqual(['stored', 'already_commented']);
    expect(await store.getFeedback('s-c', 'o-1')).toEqual({ rating: 5, ratedAt: AT.toISOString(), comment: 'Lovely', commentedAt: AT.toISOString() });
  });
});

describe('FeedbackStore suppression', () => {
  it('unsubscribes an address from one store, case-insensitively and idempotently', async () => {
    await store.suppress('s-u', 'Zoe@Example.com', 'unsubscribed', AT);
    await store.suppress('s-u', 'zoe@example.com', 'unsubscribed', new Date('2026-12-01T00:00:00Z'));

    expect(await store.isSuppressed('s-u', 'zoe@example.com')).toBe(true);
    expect(await store.isSuppressed('s-other', 'zoe@example.com')).toBe(false);
    const item = (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: keys.suppression('s-u', 'zoe@example.com'), sk: keys.suppressionSk } }))).Item;
    // The first record stands, and an opt-out never expires.
    expect(item).toMatchObject({ reason: 'unsubscribed', at: AT.toISOString(), email: 'zoe@example.com' });
    expect(item?.expiresAt).toBeUndefined();
  });

  it('honours an address-level suppression (store "*") in every store', async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: keys.suppression('*', 'bounce@example.com'), sk: keys.suppressionSk, reason: 'bounce' } }));

    expect(await store.isSuppressed('s-any', 'Bounce@example.com')).toBe(true);
  });
});

describe('FeedbackStore order lookup', () => {
  it('finds orders by number through the gsi1 LOOKUP index, however the number is typed', async () => {
    const meta = (orderId: string, name: string, email: string, st = 's-l') => ({
      pk: keys.order(st, orderId),
      sk: keys.meta,
      gsi1pk: keys.lookup(st, name),
      gsi1sk: orderId,
      orderId,
      email,
    });
    await doc.send(new PutCommand({ TableName: TABLE, Item: meta('o-1', '#1001', 'zoe@example.com') }));
    await doc.send(new PutCommand({ TableName: TABLE, Item: meta('o-9', '#1001', 'other@example.com', 's-other') }));

    expect(await store.findOrdersByName('s-l', ' #1001')).toEqual([{ orderId: 'o-1', email: 'zoe@example.com' }]);
    expect(await store.findOrdersByName('s-l', '1001')).toEqual([{ orderId: 'o-1', email: 'zoe@example.com' }]);
    expect(await store.findOrdersByName('s-l', '1002')).toEqual([]);
  });
});
