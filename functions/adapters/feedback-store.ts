/**
 * DynamoDB access for what the pages write: the order's FEEDBACK item, the store's feedback
 * summary, unsubscribes, and the order-number lookup. The FEEDBACK put is conditional, and the
 * summary is incremented only after that put wins, so repeated or concurrent clicks on the
 * rating links count once.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  emptyDistribution,
  feedbackRecordSchema,
  ratings,
  summarize,
  type AddCommentResult,
  type FeedbackRecord,
  type FeedbackRepository,
  type FeedbackSummary,
  type Rating,
  type RecordRatingResult,
} from '../domain/feedback.js';
import { keys, LOOKUP_INDEX } from './keys.js';
import { counter, dayOf } from '../domain/console/tallies.js';
import { StoreStats } from './store-stats.js';

/** Ratings at or below this land in the console's feedback inbox (so do all comments). */
export const LOW_RATING = 3;

export interface FeedbackStoreOptions {
  /** Days until the feedback item expires (DynamoDB TTL), like the rest of the order. */
  retentionDays: number;
}

const isConditionFailure = (e: unknown): boolean =>
  e instanceof ConditionalCheckFailedException || (e as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

export class FeedbackStore implements FeedbackRepository {
  private readonly stats: StoreStats;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: FeedbackStoreOptions = { retentionDays: 400 },
  ) {
    this.stats = new StoreStats(doc, tableName, { retentionDays: options.retentionDays });
  }

  private expiresAt(at: Date): number {
    return Math.floor(at.getTime() / 1000) + this.options.retentionDays * 86_400;
  }

  /** The console's inbox entry of an order's feedback (a low rating, or a comment). */
  private async putInbox(store: string, orderId: string, feedback: FeedbackRecord): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.inbox(store), sk: keys.inboxSk(feedback.ratedAt, orderId) },
        UpdateExpression: `SET itemType = :t, orderId = :o, rating = :r, ratedAt = :at, expiresAt = :exp${feedback.comment ? ', #comment = :c, commentedAt = :cat' : ''}`,
        ...(feedback.comment ? { ExpressionAttributeNames: { '#comment': 'comment' } } : {}),
        ExpressionAttributeValues: {
          ':t': 'inbox',
          ':o': orderId,
          ':r': feedback.rating,
          ':at': feedback.ratedAt,
          ':exp': this.expiresAt(new Date(feedback.ratedAt)),
          ...(feedback.comment ? { ':c': feedback.comment, ':cat': feedback.commentedAt ?? feedback.ratedAt } : {}),
        },
      }),
    );
  }

  private feedbackKey(store: string, orderId: string) {
    return { pk: keys.order(store, orderId), sk: keys.feedback };
  }

  async recordRating(store: string, orderId: string, rating: Rating, at: Date): Promise<RecordRatingResult> {
    const feedback: FeedbackRecord = { rating, ratedAt: at.toISOString() };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.feedbackKey(store, orderId),
            itemType: 'feedback',
            store,
            orderId,
            ...feedback,
            expiresAt: Math.floor(at.getTime() / 1000) + this.options.retentionDays * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const existing = await this.getFeedback(store, orderId);
      if (!existing) throw new Error(`FEEDBACK for ${store}/${orderId} failed its condition but cannot be read`);
      return { recorded: false, feedback: existing };
    }
    // DynamoDB Local stand-ins have no transactions, so the increment follows the put rather than
    // sharing a transaction with it: only the one caller whose put won ever gets here.
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.storeSummary(store), sk: keys.feedbackSummarySk },
        UpdateExpression: 'ADD #count :one, #sum :rating, #bucket :one SET #store = :store, updatedAt = :at',
        ExpressionAttributeNames: { '#count': 'count', '#sum': 'sum', '#bucket': `r${rating}`, '#store': 'store' },
        ExpressionAttributeValues: { ':one': 1, ':rating': rating, ':store': store, ':at': at.toISOString() },
      }),
    );
    await this.stats.add(store, dayOf(at), { [counter.rating(rating)]: 1 });
    if (rating <= LOW_RATING) await this.putInbox(store, orderId, feedback);
    return { recorded: true, feedback };
  }

  async getFeedback(store: string, orderId: string): Promise<FeedbackRecord | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: this.feedbackKey(store, orderId), ConsistentRead: true }));
    if (!res.Item) return undefined;
    const parsed = feedbackRecordSchema.safeParse(res.Item);
    if (!parsed.success) throw new Error(`FEEDBACK for ${store}/${orderId} is malformed: ${parsed.error.message}`);
    return parsed.data;
  }

  async addComment(store: string, orderId: string, comment: string, at: Date): Promise<AddCommentResult> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.feedbackKey(store, orderId),
          UpdateExpression: 'SET #comment = :comment, commentedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#comment)',
          ExpressionAttributeNames: { '#comment': 'comment' },
          ExpressionAttributeValues: { ':comment': comment, ':at': at.toISOString() },
        }),
      );
      const stored = await this.getFeedback(store, orderId);
      if (stored) await this.putInbox(store, orderId, stored);
      return 'stored';
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      return (await this.getFeedback(store, orderId)) ? 'already_commented' : 'not_rated';
    }
  }

  async readSummary(store: string): Promise<FeedbackSummary> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.storeSummary(store), sk: keys.feedbackSummarySk }, ConsistentRead: true }),
    );
    const distribution = emptyDistribution();
    for (const r of ratings) {
      const n = res.Item?.[`r${r}`];
      if (typeof n === 'number') distribution[r] = n;
    }
    return summarize(store, distribution);
  }

  /**
   * An unsubscribe is kept without an expiry: unlike order data, an opt-out must outlive the
   * retention period, or the shopper would start receiving the mail again after it.
   */
  async suppress(store: string, email: string, reason: 'unsubscribed', at: Date): Promise<void> {
    const address = email.trim().toLowerCase();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: keys.suppression(store, address), sk: keys.suppressionSk, itemType: 'suppression', store, email: address, reason, at: at.toISOString() },
          // The first record (and its time) stands; a repeat is a no-op.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async isSuppressed(store: string, email: string): Promise<boolean> {
    const [forStore, everywhere] = await Promise.all(
      [store, '*'].map((s) =>
        this.doc.send(
          new GetCommand({ TableName: this.tableName, Key: { pk: keys.suppression(s, email), sk: keys.suppressionSk }, ProjectionExpression: 'pk' }),
        ),
      ),
    );
    return !!forStore?.Item || !!everywhere?.Item;
  }

  async findOrdersByName(store: string, orderName: string): Promise<Array<{ orderId: string; email: string }>> {
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: LOOKUP_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.lookup(store, orderName) },
        // Order numbers are unique per store in practice; a bound keeps a pathological store cheap.
        Limit: 20,
      }),
    );
    return (res.Items ?? []).flatMap((item) =>
      typeof item.orderId === 'string' && typeof item.email === 'string' ? [{ orderId: item.orderId, email: item.email }] : [],
    );
  }
}
