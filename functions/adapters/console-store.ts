/**
 * DynamoDB access for what the merchant console writes and reads beyond the order's own
 * items: signed-out sessions, explicit resends, replies to shoppers, the stop marker, the
 * feedback inbox and the order lookup by shopper email. Every write that guards an email is
 * conditional (put only if absent), so a form submitted twice sends once.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unpackContent } from './sent-copy.js';
import { keys, LOOKUP_INDEX } from './keys.js';
import type { SentContent } from './sent-copy.js';
import type { Counters } from '../domain/console/tallies.js';

export interface DayCounters {
  day: string;
  counters: Counters;
}

const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException || (e as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

export type SendStatus = 'claimed' | 'sent' | 'skipped';

/** An email the console sent on a merchant's explicit request. */
export interface ConsoleSend {
  sk: string;
  /** `resend` of a ledger email, or `reply` to the shopper's feedback. */
  type: 'resend' | 'reply';
  kind: string;
  ref?: string;
  by: string;
  at: string;
  status: SendStatus;
  messageId?: string;
  reason?: string;
  deliveryStatus?: string;
  deliveryEvents?: { outcome: string; at: string }[];
  message?: string;
}

export interface InboxEntry {
  orderId: string;
  rating: number;
  ratedAt: string;
  comment?: string;
  repliedAt?: string;
  repliedBy?: string;
}

/** The content of a sent email's copy as stored (any format it was kept in), if any. */
export { unpackContent } from './sent-copy.js';

/** The email-lookup key of the shared lookup index: a shopper's orders at a store. */
export const emailLookupKey = (store: string, email: string) => `EMAIL#${store}#${email.trim().toLowerCase()}`;

export class ConsoleStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: { retentionDays: number; now: () => Date },
  ) {}

  private expiresAt(): number {
    return Math.floor(this.options.now().getTime() / 1000) + this.options.retentionDays * 86_400;
  }

  // --- sessions -------------------------------------------------------------------------------

  /** Marks a session's token signed out until it would have expired anyway. */
  async revoke(tokenId: string, expiresAt: number): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: keys.session(tokenId), sk: keys.sessionSk, expiresAt } }));
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: keys.session(tokenId), sk: keys.sessionSk }, ConsistentRead: true }));
    return !!res.Item;
  }

  // --- order items the console shows ------------------------------------------------------------

  /** The console's own items of an order: resends, the reply, the stop marker. */
  async orderItems(store: string, orderId: string): Promise<{ sends: ConsoleSend[]; stopped?: { by: string; at: string } }> {
    // The order's partition is a handful of items: read it and keep the console's (a key can't be filtered on).
    const res = await this.doc.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': keys.order(store, orderId), ':from': 'REPLY', ':to': 'STOPPED' }, ConsistentRead: true }),
    );
    const sends: ConsoleSend[] = [];
    let stopped: { by: string; at: string } | undefined;
    for (const item of res.Items ?? []) {
      const sk = String(item.sk);
      if (sk === keys.stopped) stopped = { by: String(item.by), at: String(item.at) };
      else if (sk === keys.reply || sk.startsWith('RESEND#')) sends.push({ ...(item as unknown as ConsoleSend), sk });
    }
    return { sends, stopped };
  }

  /** The copy of an order's email as notify sent it, if it was kept. */
  async ledgerContent(store: string, orderId: string, kind: string, ref: string): Promise<SentContent | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: keys.copy(store, orderId), sk: keys.mailSk(kind, ref) }, ProjectionExpression: 'content' }));
    return unpackContent(res.Item?.content);
  }

  /** Claims an explicit send (a resend under its request id, or the order's one reply); false if it exists. */
  async claimSend(store: string, orderId: string, sk: string, send: Omit<ConsoleSend, 'sk' | 'status'>): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: keys.order(store, orderId), sk, itemType: 'console-send', ...send, status: 'claimed', expiresAt: this.expiresAt() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async getSend(store: string, orderId: string, sk: string): Promise<ConsoleSend | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: keys.order(store, orderId), sk }, ConsistentRead: true }));
    return res.Item ? ({ ...(res.Item as unknown as ConsoleSend), sk } as ConsoleSend) : undefined;
  }

  async settleSend(store: string, orderId: string, sk: string, outcome: { status: 'sent'; messageId: string } | { status: 'skipped'; reason: string }): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.order(store, orderId), sk },
        UpdateExpression: outcome.status === 'sent' ? 'SET #s = :s, messageId = :m, sentAt = :at' : 'SET #s = :s, reason = :m, sentAt = :at',
        ConditionExpression: '#s = :claimed',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': outcome.status, ':m': outcome.status === 'sent' ? outcome.messageId : outcome.reason, ':at': this.options.now().toISOString(), ':claimed': 'claimed' },
      }),
    );
  }

  /** Drops a claim when SES certainly sent nothing (throttled), so the merchant can try again. */
  async releaseSend(store: string, orderId: string, sk: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: keys.order(store, orderId), sk },
          ConditionExpression: '#s = :claimed',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed' },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  /** Stops the order's pending mail (first stop stands). */
  async stop(store: string, orderId: string, by: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: keys.order(store, orderId), sk: keys.stopped, itemType: 'stopped', by, at: this.options.now().toISOString(), expiresAt: this.expiresAt() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  // --- day counters (written by StoreStats) -------------------------------------------------------

  /** The day items from `fromDay` to `toDay` inclusive, oldest first (days with nothing are absent): one Query. */
  async dayCounters(store: string, fromDay: string, toDay: string): Promise<DayCounters[]> {
    const out: DayCounters[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': keys.stats(store), ':from': keys.statsDay(fromDay), ':to': keys.statsDay(toDay) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const counters: Counters = {};
        for (const [k, v] of Object.entries(item)) if (typeof v === 'number' && k.includes('.')) counters[k] = v;
        out.push({ day: String(item.day), counters });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  /** Indexes an email the console sent (a resend, a reply) by SES message id, so its delivery events reach its item. */
  async indexMessage(messageId: string, store: string, orderId: string, itemSk: string, kind: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.message(messageId), sk: keys.messageSk, store, orderId, kind, ref: itemSk, itemSk, expiresAt: this.expiresAt() },
      }),
    );
  }

  // --- search -----------------------------------------------------------------------------------

  /** Order ids with this order number at the store (the tracking page's lookup index). */
  async ordersByName(store: string, orderName: string): Promise<string[]> {
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: LOOKUP_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.lookup(store, orderName) },
        Limit: 20,
      }),
    );
    return (res.Items ?? []).flatMap((i) => (typeof i.orderId === 'string' ? [i.orderId] : []));
  }

  /** Order ids of a shopper's orders at a store, newest first (the email lookup items). */
  async ordersByEmail(store: string, email: string, limit = 50): Promise<string[]> {
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: LOOKUP_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': emailLookupKey(store, email) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return [...new Set((res.Items ?? []).flatMap((i) => (typeof i.orderId === 'string' ? [i.orderId] : [])))];
  }

  /** Whether the order has any item at all (an order id typed into the search). */
  async orderExists(store: string, orderId: string): Promise<boolean> {
    const res = await this.doc.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.order(store, orderId) }, Limit: 1, ProjectionExpression: 'pk' }),
    );
    return (res.Items?.length ?? 0) > 0;
  }

  // --- feedback inbox ---------------------------------------------------------------------------

  /** Low ratings and comments, newest first. */
  async inbox(store: string, limit = 50): Promise<InboxEntry[]> {
    const res = await this.doc.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.inbox(store) }, ScanIndexForward: false, Limit: limit }),
    );
    return (res.Items ?? []).map((i) => ({
      orderId: String(i.orderId),
      rating: Number(i.rating),
      ratedAt: String(i.ratedAt),
      ...(typeof i.comment === 'string' ? { comment: i.comment } : {}),
      ...(typeof i.repliedAt === 'string' ? { repliedAt: i.repliedAt, repliedBy: String(i.repliedBy ?? '') } : {}),
    }));
  }

  async markReplied(store: string, orderId: string, ratedAt: string, by: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.inbox(store), sk: keys.inboxSk(ratedAt, orderId) },
        UpdateExpression: 'SET repliedAt = :at, repliedBy = :by',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': this.options.now().toISOString(), ':by': by },
      }),
    ).catch((e: unknown) => {
      if (!isConditionFailure(e)) throw e;
    });
  }
}
