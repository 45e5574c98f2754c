/**
 * DynamoDB access for reviews, the reward-code pool, points, referral codes, merchant responses
 * to feedback, and the ledger lines of the emails these send. Same table as the orders:
 *
 * | item                | pk                         | sk                        | gsi1pk / gsi1sk                                 |
 * |---------------------|----------------------------|---------------------------|-------------------------------------------------|
 * | review              | ORDER#<store>#<orderId>    | REVIEW#<lineItemId>       | published: PRODUCT_REVIEWS#<store>#<productId> / <publishedAt>#<reviewId>; held: HELD_REVIEWS#<store> / <createdAt>#<reviewId> |
 * | feedback response   | ORDER#<store>#<orderId>    | RESPONSE#<at>             |                                                 |
 * | product summary     | STORE#<store>              | PRODUCT#<productId>       |                                                 |
 * | reward code         | CODES#<store>              | AVAILABLE#<code> / USED#<code> |                                            |
 * | reward of an order  | ORDER#<store>#<orderId>    | REWARD                    |                                                 |
 * | pool alert marker   | CODES#<store>              | LOW_ALERT                 |                                                 |
 * | points credit       | POINTS#<store>#<email>     | CREDIT#<source>#<ref>     |                                                 |
 * | referral code       | REFERRAL#<store>#<code>    | REFERRAL                  |                                                 |
 *
 * Every state change that guards a side effect (a review stored, a review published, a code
 * given out, a credit) is a conditional write, and the side effect (a counter, an email) follows
 * only for the caller whose write won. dynalite has no transactions, so the product counters
 * follow the winning write rather than sharing a transaction with it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emptyDistribution, ratings, type Distribution } from '../domain/feedback.js';
import { pointsCreditSchema, type PointsCredit } from '../domain/reviews/referrals.js';
import { reviewIdOf, reviewSchema, type ProductRef, type RejectReason, type Review, type ReviewPhoto } from '../domain/reviews/review.js';
import { keys, LOOKUP_INDEX, OUTBOX_INDEX, OUTBOX_PENDING_MAIL } from './keys.js';
import { ParticipationReader, type FeedbackResponse } from './participation-reader.js';

export { ParticipationReader, type FeedbackResponse };

const isConditionFailure = (e: unknown): boolean =>
  e instanceof ConditionalCheckFailedException || (e as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

export const reviewKeys = {
  review: (lineItemId: string) => `REVIEW#${lineItemId}`,
  response: (at: string) => `RESPONSE#${at}`,
  published: (store: string, productId: string) => `PRODUCT_REVIEWS#${store}#${productId}`,
  held: (store: string) => `HELD_REVIEWS#${store}`,
  product: (productId: string) => `PRODUCT#${productId}`,
  codes: (store: string) => `CODES#${store}`,
  reward: 'REWARD',
  points: (store: string, email: string) => `POINTS#${store}#${email.trim().toLowerCase()}`,
  referral: (store: string, code: string) => `REFERRAL#${store}#${code}`,
} as const;

export interface Page<T> {
  items: T[];
  /** Opaque: pass back as `cursor` for the next page; absent on the last page. */
  next?: string;
}


export type ModerationResult = { result: 'done'; review: Review } | { result: 'not_found' } | { result: 'not_held'; review: Review };

const encodeCursor = (key: Record<string, unknown> | undefined) => (key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined);
function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class BadCursor extends Error {
  override name = 'BadCursor';
}

export class ReviewStore extends ParticipationReader {
  constructor(
    doc: DynamoDBDocumentClient,
    tableName: string,
    private readonly options: { retentionDays: number } = { retentionDays: 400 },
  ) {
    super(doc, tableName);
  }

  private expiresAt(at: Date): number {
    return Math.floor(at.getTime() / 1000) + this.options.retentionDays * 86_400;
  }

  private indexKeys(r: Review): Record<string, string> {
    if (r.status === 'published') return { gsi1pk: reviewKeys.published(r.store, r.product.productId), gsi1sk: `${r.publishedAt ?? r.createdAt}#${r.reviewId}` };
    if (r.status === 'held') return { gsi1pk: reviewKeys.held(r.store), gsi1sk: `${r.createdAt}#${r.reviewId}` };
    return {};
  }

  // --- reviews ---------------------------------------------------------------------------------

  /** Stores a new review; `exists` if the item already has one (nothing changes then). */
  async putReview(review: Review, at: Date): Promise<'stored' | 'exists'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: keys.order(review.store, review.orderId),
            sk: reviewKeys.review(review.lineItemId),
            itemType: 'review',
            ...review,
            ...this.indexKeys(review),
            expiresAt: this.expiresAt(at),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) return 'exists';
      throw e;
    }
    if (review.status === 'published') await this.countPublished(review, at);
    return 'stored';
  }

  private async countPublished(r: Review, at: Date): Promise<void> {
    const p = r.product;
    const names: Record<string, string> = { '#count': 'count', '#sum': 'sum', '#bucket': `r${r.rating}`, '#name': 'name', '#store': 'store' };
    const values: Record<string, unknown> = { ':one': 1, ':rating': r.rating, ':pid': p.productId, ':name': p.name, ':at': at.toISOString(), ':store': r.store };
    const sets = ['productId = :pid', '#name = :name', 'updatedAt = :at', '#store = :store'];
    for (const f of ['sku', 'gtin', 'mpn', 'brand', 'url'] as const) {
      if (p[f] !== undefined) {
        names[`#${f}`] = f;
        values[`:${f}`] = p[f];
        sets.push(`#${f} = :${f}`);
      }
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.storeSummary(r.store), sk: reviewKeys.product(p.productId) },
        UpdateExpression: `ADD #count :one, #sum :rating, #bucket :one SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async getReview(store: string, orderId: string, lineItemId: string): Promise<Review | undefined> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.order(store, orderId), sk: reviewKeys.review(lineItemId) }, ConsistentRead: true }),
    );
    return res.Item ? reviewSchema.parse(res.Item) : undefined;
  }

  async reviewsOfOrder(store: string, orderId: string): Promise<Review[]> {
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :review)',
        ExpressionAttributeValues: { ':pk': keys.order(store, orderId), ':review': 'REVIEW#' },
        ConsistentRead: true,
      }),
    );
    return (res.Items ?? []).map((i) => reviewSchema.parse(i));
  }

  private async pageOf(gsi1pk: string, limit: number, cursor: string | undefined, newestFirst: boolean): Promise<Page<Review>> {
    const start = decodeCursor(cursor);
    if (cursor && (!start || start.gsi1pk !== gsi1pk)) throw new BadCursor('cursor does not belong to this list');
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: LOOKUP_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': gsi1pk },
        ScanIndexForward: !newestFirst,
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    const next = res.LastEvaluatedKey ? encodeCursor(res.LastEvaluatedKey) : undefined;
    return { items: (res.Items ?? []).map((i) => reviewSchema.parse(i)), ...(next ? { next } : {}) };
  }

  /** A product's published reviews, newest first. */
  publishedReviews(store: string, productId: string, limit: number, cursor?: string): Promise<Page<Review>> {
    return this.pageOf(reviewKeys.published(store, productId), limit, cursor, true);
  }

  /** Reviews waiting for the merchant, oldest first. */
  heldReviews(store: string, limit: number, cursor?: string): Promise<Page<Review>> {
    return this.pageOf(reviewKeys.held(store), limit, cursor, false);
  }

  /** Held → published or rejected; only one moderator's decision wins. */
  async moderate(store: string, orderId: string, lineItemId: string, decision: { approve: true } | { approve: false; reason: RejectReason }, at: Date): Promise<ModerationResult> {
    const current = await this.getReview(store, orderId, lineItemId);
    if (!current) return { result: 'not_found' };
    if (current.status !== 'held') return { result: 'not_held', review: current };
    const iso = at.toISOString();
    const next: Review = decision.approve
      ? { ...current, status: 'published', publishedAt: iso, moderatedAt: iso }
      : { ...current, status: 'rejected', moderatedAt: iso, rejectReason: decision.reason };
    const index = this.indexKeys(next);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.order(store, orderId), sk: reviewKeys.review(lineItemId) },
          UpdateExpression: decision.approve
            ? 'SET #s = :next, publishedAt = :at, moderatedAt = :at, gsi1pk = :gpk, gsi1sk = :gsk'
            : 'SET #s = :next, moderatedAt = :at, rejectReason = :reason REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#s = :held',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: decision.approve
            ? { ':next': 'published', ':at': iso, ':held': 'held', ':gpk': index.gsi1pk, ':gsk': index.gsi1sk }
            : { ':next': 'rejected', ':at': iso, ':held': 'held', ':reason': decision.reason },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const now = await this.getReview(store, orderId, lineItemId);
      return now ? { result: 'not_held', review: now } : { result: 'not_found' };
    }
    if (decision.approve) await this.countPublished(next, at);
    return { result: 'done', review: next };
  }

  /** The merchant's one reply under a review. */
  async reply(store: string, orderId: string, lineItemId: string, text: string, at: Date): Promise<{ result: 'stored'; review: Review } | { result: 'not_found' } | { result: 'already_replied'; review: Review }> {
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.order(store, orderId), sk: reviewKeys.review(lineItemId) },
          UpdateExpression: 'SET #reply = :reply',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#reply)',
          ExpressionAttributeNames: { '#reply': 'reply' },
          ExpressionAttributeValues: { ':reply': { text, at: at.toISOString() } },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { result: 'stored', review: reviewSchema.parse(res.Attributes) };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const now = await this.getReview(store, orderId, lineItemId);
      return now ? { result: 'already_replied', review: now } : { result: 'not_found' };
    }
  }

  /** Count, distribution and identifiers of a product's published reviews. */
  async product(store: string, productId: string): Promise<{ product?: ProductRef; distribution: Distribution }> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.storeSummary(store), sk: reviewKeys.product(productId) }, ConsistentRead: true }),
    );
    return productFromItem(res.Item);
  }

  /** Every published review of the store (the feed is the full set every time). */
  async allPublished(store: string): Promise<Review[]> {
    const products: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': keys.storeSummary(store), ':p': 'PRODUCT#' },
          ProjectionExpression: 'productId',
          ExclusiveStartKey: start,
        }),
      );
      for (const i of res.Items ?? []) if (typeof i.productId === 'string') products.push(i.productId);
      start = res.LastEvaluatedKey;
    } while (start);
    const out: Review[] = [];
    for (const productId of products) {
      let cursor: string | undefined;
      do {
        const page = await this.publishedReviews(store, productId, 100, cursor);
        out.push(...page.items);
        cursor = page.next;
      } while (cursor);
    }
    return out;
  }

  /** Adds a photo's record to a review (only while the review has fewer than four). */
  async addPhoto(store: string, orderId: string, lineItemId: string, photo: ReviewPhoto): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.order(store, orderId), sk: reviewKeys.review(lineItemId) },
          UpdateExpression: 'SET photos = list_append(if_not_exists(photos, :empty), :photo)',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(photos) OR size(photos) < :max)',
          ExpressionAttributeValues: { ':empty': [], ':photo': [photo], ':max': 4 },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  // --- merchant responses to feedback -----------------------------------------------------------

  async addFeedbackResponse(store: string, orderId: string, response: FeedbackResponse, at: Date): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.order(store, orderId), sk: reviewKeys.response(response.at), itemType: 'feedback_response', ...response, expiresAt: this.expiresAt(at) },
      }),
    );
  }

  // --- reward codes ----------------------------------------------------------------------------

  /** Adds codes to the pool; a code already in it or already given out is skipped. */
  async addCodes(store: string, codes: readonly string[], at: Date): Promise<{ added: number; skipped: number }> {
    let added = 0;
    for (const code of new Set(codes)) {
      const used = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: reviewKeys.codes(store), sk: `USED#${code}` }, ConsistentRead: true }));
      if (used.Item) continue;
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: reviewKeys.codes(store), sk: `AVAILABLE#${code}`, code, addedAt: at.toISOString() },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        added++;
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
      }
    }
    if (added > 0) {
      // A new upload re-arms the low-pool alert.
      await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: reviewKeys.codes(store), sk: 'LOW_ALERT' } }));
    }
    return { added, skipped: new Set(codes).size - added };
  }

  async codesLeft(store: string): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
          ExpressionAttributeValues: { ':pk': reviewKeys.codes(store), ':a': 'AVAILABLE#' },
          Select: 'COUNT',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      count += res.Count ?? 0;
      start = res.LastEvaluatedKey;
    } while (start);
    return count;
  }

  /** The order's reward code, if one was given. */
  async rewardOf(store: string, orderId: string): Promise<string | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: keys.order(store, orderId), sk: reviewKeys.reward }, ConsistentRead: true }));
    return typeof res.Item?.code === 'string' ? res.Item.code : undefined;
  }

  /**
   * The order's one reward code: the one it already has, else a code taken from the pool (a
   * code is given out once: its USED marker is a conditional put). `empty` when the pool is.
   */
  async takeCode(store: string, orderId: string, at: Date): Promise<{ code: string; new: boolean } | { code: undefined }> {
    const existing = await this.rewardOf(store, orderId);
    if (existing) return { code: existing, new: false };
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
          ExpressionAttributeValues: { ':pk': reviewKeys.codes(store), ':a': 'AVAILABLE#' },
          Limit: 5,
          ConsistentRead: true,
        }),
      );
      const candidates = (res.Items ?? []).map((i) => String(i.code));
      if (candidates.length === 0) return { code: undefined };
      for (const code of candidates) {
        try {
          await this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { pk: reviewKeys.codes(store), sk: `USED#${code}`, code, orderId, at: at.toISOString() },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
        } catch (e) {
          if (isConditionFailure(e)) continue; // another order took it first
          throw e;
        }
        await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: reviewKeys.codes(store), sk: `AVAILABLE#${code}` } }));
        try {
          await this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { pk: keys.order(store, orderId), sk: reviewKeys.reward, itemType: 'reward', code, at: at.toISOString(), expiresAt: this.expiresAt(at) },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
          return { code, new: true };
        } catch (e) {
          if (!isConditionFailure(e)) throw e;
          // A concurrent call rewarded this order first: put the code back for the next order.
          await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: reviewKeys.codes(store), sk: `USED#${code}` } }));
          await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: reviewKeys.codes(store), sk: `AVAILABLE#${code}`, code, addedAt: at.toISOString() } }));
          const winner = await this.rewardOf(store, orderId);
          return winner ? { code: winner, new: false } : { code: undefined };
        }
      }
    }
    return { code: undefined };
  }

  /** True once per upload: the caller that gets true sends the low-pool alert. */
  async armLowPoolAlert(store: string, at: Date): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: reviewKeys.codes(store), sk: 'LOW_ALERT', at: at.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  // --- points and referrals --------------------------------------------------------------------

  /** Credits points once per (source, ref): true if this call credited them. */
  async credit(store: string, email: string, credit: PointsCredit): Promise<boolean> {
    const c = pointsCreditSchema.parse(credit);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: reviewKeys.points(store, email), sk: `CREDIT#${c.source}#${c.ref}`, itemType: 'points', ...c },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** Remembers whose code this is (the first order that showed it); idempotent. */
  async registerReferral(store: string, code: string, owner: { email: string; orderId: string; locale?: string }, at: Date): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          // No expiry: a code handed to a friend must keep working after the order data expires.
          Item: { pk: reviewKeys.referral(store, code), sk: 'REFERRAL', code, email: owner.email.trim().toLowerCase(), orderId: owner.orderId, ...(owner.locale ? { locale: owner.locale } : {}), at: at.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async referrer(store: string, code: string): Promise<{ email: string; orderId: string; locale?: string } | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: reviewKeys.referral(store, code), sk: 'REFERRAL' }, ConsistentRead: true }));
    const i = res.Item;
    return typeof i?.email === 'string' ? { email: i.email, orderId: String(i.orderId), ...(typeof i.locale === 'string' ? { locale: i.locale } : {}) } : undefined;
  }
}

function productFromItem(item: Record<string, unknown> | undefined): { product?: ProductRef; distribution: Distribution } {
  const distribution = emptyDistribution();
  if (!item) return { distribution };
  for (const r of ratings) {
    const n = item[`r${r}`];
    if (typeof n === 'number') distribution[r] = n;
  }
  const str = (k: string) => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
  const product: ProductRef = { productId: str('productId') ?? '', name: str('name') ?? '' };
  for (const k of ['sku', 'gtin', 'mpn', 'brand', 'url'] as const) {
    const v = str(k);
    if (v) product[k] = v;
  }
  return { product, distribution };
}

export { reviewIdOf };

/**
 * Ledger lines of the participation emails, on the order's partition under the same
 * `MAIL#<kind>#<ref>` keys as the workflow's, so SES's Send event settles them the same way.
 */
/** An unsettled participation line in the re-drive index. */
export interface PendingMail {
  store: string;
  orderId: string;
  kind: string;
  ref: string;
  claimedAtMs: number;
  redrive: Record<string, unknown>;
}

export class ParticipationLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: { retentionDays: number } = { retentionDays: 400 },
  ) {}

  private key(store: string, orderId: string, kind: string, ref: string) {
    return { pk: keys.order(store, orderId), sk: keys.mailSk(kind, ref) };
  }

  /**
   * Claims the email; false if it was claimed (or sent) before. With `redrive` (what the email
   * says and to whom), the same put enters the line in the outbox index's MAIL partition, so a
   * claim that a crash leaves unsettled is re-driven without a further request.
   */
  async claim(
    store: string,
    orderId: string,
    kind: string,
    ref: string,
    claimId: string,
    at: Date,
    redrive?: Record<string, unknown>,
  ): Promise<{ claimed: true } | { claimed: false; status: string; claimedAtMs?: number; claimId?: string }> {
    const nowMs = Date.now();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(store, orderId, kind, ref),
            itemType: 'mail',
            store,
            orderId,
            kind,
            ref,
            claimId,
            status: 'claimed',
            claimedAt: at.toISOString(),
            claimedAtMs: nowMs,
            ...(redrive ? { redrive, outboxPk: OUTBOX_PENDING_MAIL, outboxSk: nowMs } : {}),
            expiresAt: Math.floor(at.getTime() / 1000) + this.options.retentionDays * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { claimed: true };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const old = (e as { Item?: Record<string, unknown> }).Item ?? (await this.doc.send(new GetCommand({ TableName: this.tableName, Key: this.key(store, orderId, kind, ref), ConsistentRead: true }))).Item;
      return { claimed: false, status: String(old?.status ?? 'claimed'), claimedAtMs: typeof old?.claimedAtMs === 'number' ? old.claimedAtMs : undefined, claimId: typeof old?.claimId === 'string' ? old.claimId : undefined };
    }
  }

  /** Takes over a claim whose send never reached SES (no Send event within the settle window). */
  async takeOver(store: string, orderId: string, kind: string, ref: string, oldClaimId: string, newClaimId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(store, orderId, kind, ref),
          UpdateExpression: 'SET claimId = :new, claimedAtMs = :ms, outboxSk = :ms',
          ConditionExpression: '#s = :claimed AND claimId = :old',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':new': newClaimId, ':old': oldClaimId, ':claimed': 'claimed', ':ms': Date.now() },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async release(store: string, orderId: string, kind: string, ref: string, claimId: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: this.key(store, orderId, kind, ref),
          ConditionExpression: 'claimId = :c AND #s = :claimed',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':c': claimId, ':claimed': 'claimed' },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async settle(store: string, orderId: string, kind: string, ref: string, outcome: { status: 'sent'; messageId: string } | { status: 'skipped'; reason: string }, at: Date): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(store, orderId, kind, ref),
          // Settled: out of the re-drive index.
          UpdateExpression: (outcome.status === 'sent' ? 'SET #s = :s, messageId = :m, sentAt = :at' : 'SET #s = :s, reason = :m') + ' REMOVE outboxPk, outboxSk, redrive',
          ConditionExpression: 'attribute_exists(pk) AND #s = :claimed',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': outcome.status, ':m': outcome.status === 'sent' ? outcome.messageId : outcome.reason, ':claimed': 'claimed', ...(outcome.status === 'sent' ? { ':at': at.toISOString() } : {}) },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    // No MESSAGE# index item: the email's `ledger` tag, repeated in SES's events, leads them here.
  }

  /**
   * Participation lines claimed at or before `beforeMs` (real epoch ms) and still unsettled, oldest
   * first, with what the re-drive needs to send them. The index holds keys only; each line is
   * read back (consistently), and one settled in between is left out.
   */
  async pendingMail(beforeMs: number, limit: number): Promise<PendingMail[]> {
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: OUTBOX_INDEX,
        KeyConditionExpression: 'outboxPk = :p AND outboxSk <= :before',
        ExpressionAttributeValues: { ':p': OUTBOX_PENDING_MAIL, ':before': beforeMs },
        Limit: limit,
      }),
    );
    const found: PendingMail[] = [];
    for (const key of page.Items ?? []) {
      const item = (await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }))).Item;
      if (!item || item.status !== 'claimed' || typeof item.redrive !== 'object' || item.redrive === null) continue;
      found.push({ store: String(item.store), orderId: String(item.orderId), kind: String(item.kind), ref: String(item.ref), claimedAtMs: Number(item.claimedAtMs ?? 0), redrive: item.redrive as Record<string, unknown> });
    }
    return found;
  }

  async status(store: string, orderId: string, kind: string, ref: string): Promise<string | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: this.key(store, orderId, kind, ref), ConsistentRead: true }));
    return typeof res.Item?.status === 'string' ? res.Item.status : undefined;
  }
}
