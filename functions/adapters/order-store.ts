/**
 * DynamoDB access for an order's partition, all of it: what the walk reads and writes
 * (OrderLedger, order-ledger.ts: the order's Query, email ledger, walk position) and, here,
 * ingest's event writes (and the drain of the legacy event outbox), the lookups, a wake's lease, the timers
 * index and what SES reports. Every write that guards a side effect is conditional, so retries
 * and concurrent invocations cannot send twice or lose an event.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { domainEventSchema, orderIdOf, type DomainEvent } from '../domain/events.js';
import type { EmailKind } from '../domain/lifecycle.js';
import { keys, OUTBOX_INDEX, OUTBOX_PENDING, TIMERS_INDEX, TIMER_SHARDS } from './keys.js';
import { counter, dayOf } from '../domain/console/tallies.js';
import { isConditionFailure, OrderLedger, unlessAlreadyDone } from './order-ledger.js';

export { storedPositionSchema } from './order-ledger.js';
export type { ClaimResult, LoadedOrder, OrderStoreOptions, SentContent, StoredPosition } from './order-ledger.js';

/** The key of an event's item in its order's partition. */
const eventKey = (event: DomainEvent, orderId: string) => ({ pk: keys.order(event.store, orderId), sk: keys.eventSk(event.occurredAt, event.eventId) });

/** An order the timers index lists as due. */
export interface DueTimer {
  store: string;
  orderId: string;
  timerSk: string;
}

export class OrderStore extends OrderLedger {
  /**
   * Stores an event once, after SQS accepted it: a conditional put on its key. 'duplicate' (the
   * condition failed) is a redelivery or a concurrent delivery, or the router storing it first (it stores an
   * event it finds missing, functions/services/route-event.ts): either way stored. Writes
   * nothing to the outbox index. `queuedAs`: the SQS message the router stores it from, so that
   * ingest can tell its own delivery's event from one seen before (queuedAs below).
   */
  async putEvent(event: DomainEvent, orderId: string, options: { queuedAs?: string } = {}): Promise<'new' | 'duplicate'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...eventKey(event, orderId),
            itemType: 'event',
            event,
            receivedAt: this.options.clock.now().toISOString(),
            expiresAt: this.expiresAt(),
            ...(options.queuedAs ? { queuedAs: options.queuedAs } : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'new';
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      return 'duplicate';
    }
  }

  /**
   * The SQS message id a stored event was stored from by the router (putEvent's `queuedAs`);
   * undefined when ingest stored it, or nothing is stored. Strongly consistent: ingest asks right
   * after its own put failed its condition.
   */
  async queuedAs(event: DomainEvent, orderId: string): Promise<string | undefined> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: eventKey(event, orderId), ConsistentRead: true, ProjectionExpression: 'queuedAs' }),
    );
    const id: unknown = res.Item?.queuedAs;
    return typeof id === 'string' ? id : undefined;
  }

  /**
   * Takes legacy events out of the outbox once the queue has accepted them (the sweeper's drain
   * of items stored by earlier versions, which put every event in the outbox index first). Never
   * creates an item.
   */
  async markQueued(events: readonly DomainEvent[]): Promise<void> {
    await Promise.all(
      events.map((event) => this.leaveOutbox(eventKey(event, orderIdOf(event)))),
    );
  }

  private async leaveOutbox(key: Record<string, unknown>): Promise<void> {
    await unlessAlreadyDone(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'REMOVE outboxPk, outboxSk',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }

  /**
   * Stored events still in the outbox that were stored before `beforeMs` (real epoch ms),
   * oldest first, at most `limit`: only items of earlier versions, since no event enters the
   * index now. The index is eventually consistent: an event queued a moment ago
   * may still show, and is then queued twice, which routing absorbs.
   */
  async outboxEvents(beforeMs: number, limit: number): Promise<DomainEvent[]> {
    const found: DomainEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: OUTBOX_INDEX,
          KeyConditionExpression: 'outboxPk = :p AND outboxSk < :before',
          ExpressionAttributeValues: { ':p': OUTBOX_PENDING, ':before': beforeMs },
          Limit: limit - found.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const parsed = domainEventSchema.safeParse(item.event);
        if (parsed.success) found.push(parsed.data);
        // An item no router could read would hold its place in the index forever: drop it from the outbox.
        else await this.leaveOutbox({ pk: item.pk, sk: item.sk });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && found.length < limit);
    return found;
  }

  /**
   * The lookup items: by order number (behind "find my order by number and email" on the
   * tracking page and the console's search) and by shopper email (the console's search).
   */
  async putLookup(store: string, orderId: string, orderName: string, email: string, placedAt = ''): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: keys.order(store, orderId),
          sk: keys.emailLookup,
          itemType: 'email-lookup',
          gsi1pk: `EMAIL#${store}#${email.trim().toLowerCase()}`,
          gsi1sk: `${placedAt}#${orderId}`,
          orderId,
          expiresAt: this.expiresAt(),
        },
      }),
    );
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: keys.order(store, orderId),
          sk: keys.meta,
          itemType: 'meta',
          gsi1pk: keys.lookup(store, orderName),
          gsi1sk: orderId,
          store,
          orderId,
          orderName,
          email: email.trim().toLowerCase(),
          expiresAt: this.expiresAt(),
        },
      }),
    );
  }

  /**
   * Whether an email-ledger line is settled (sent or skipped), by an eventually consistent read
   * (half a read unit, where a conditional write that fails still costs a write unit). A stale
   * answer can only be "not settled" for a line that is: a line goes from claimed to settled,
   * never back, so "settled" is always true, and a caller acting on "not settled" must still
   * make its write conditional.
   */
  async isSettled(store: string, orderId: string, kind: string, ref: string): Promise<boolean> {
    const res = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.order(store, orderId), sk: keys.mailSk(kind, ref) },
        ProjectionExpression: '#s',
        ExpressionAttributeNames: { '#s': 'status' },
      }),
    );
    const status = res.Item?.status;
    return status === 'sent' || status === 'skipped';
  }

  /** Writes an address-level suppression (bounce or complaint). */
  async suppress(email: string, reason: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.suppression('*', email), sk: keys.suppressionSk, reason, at: this.options.clock.now().toISOString(), expiresAt: this.expiresAt() },
      }),
    );
  }


  /**
   * Notes a delivery outcome reported by SES on the email's item (a ledger line, or a resend or
   * reply the console sent), where the timeline shows it, and counts it once per change of
   * outcome: SNS may deliver an event twice. An email of the ledger (workflow and participation
   * emails) names its line in its `ledger` tag, which SES repeats in every event: `line`, and
   * the outcome is noted only if the line was settled with this message id (what the MESSAGE#
   * index item, no longer written for them, used to guarantee). Without it (the console's resends
   * and replies, which are not ledger emails), the MESSAGE# item the console wrote is looked up.
   */
  async noteDelivery(messageId: string, outcome: 'delivered' | 'bounced' | 'complained' | 'delayed', at: string, line?: { store: string; orderId: string; kind: string; ref: string }): Promise<void> {
    let target: { store: string; orderId: string; sk: string; sameMessage: boolean };
    if (line) target = { store: line.store, orderId: line.orderId, sk: keys.mailSk(line.kind, line.ref), sameMessage: true };
    else {
      const index = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: keys.message(messageId), sk: keys.messageSk } }));
      const i = index.Item;
      if (!i) return;
      target = { store: String(i.store), orderId: String(i.orderId), sk: typeof i.itemSk === 'string' ? i.itemSk : keys.mailSk(i.kind as EmailKind, String(i.ref)), sameMessage: false };
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.order(target.store, target.orderId), sk: target.sk },
          UpdateExpression: 'SET deliveryStatus = :o, deliveryAt = :at, deliveryEvents = list_append(if_not_exists(deliveryEvents, :none), :event)',
          ConditionExpression: `${target.sameMessage ? 'messageId = :m' : 'attribute_exists(pk)'} AND (attribute_not_exists(deliveryStatus) OR deliveryStatus <> :o)`,
          ExpressionAttributeValues: { ':o': outcome, ':at': at, ':none': [], ':event': [{ outcome, at }], ...(target.sameMessage ? { ':m': messageId } : {}) },
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) return;
      throw e;
    }
    await this.stats.add(target.store, dayOf(at), { [counter.delivery(outcome)]: 1 });
  }


  /** Orders due by `now` in one shard of the timers index, oldest first, at most `limit`. */
  async dueTimers(shard: number, now: Date, limit: number): Promise<DueTimer[]> {
    if (shard < 0 || shard >= TIMER_SHARDS) throw new Error(`timer shard ${shard} is outside 0…${TIMER_SHARDS - 1}`);
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TIMERS_INDEX,
        KeyConditionExpression: 'timerPk = :pk AND timerSk <= :upto',
        // Every due instant at `now` sorts below the '~' that follows it (ISO has no '~').
        ExpressionAttributeValues: { ':pk': `T#${shard}`, ':upto': `${now.toISOString()}~` },
        Limit: limit,
      }),
    );
    return (res.Items ?? []).map((i) => ({ store: String(i.store), orderId: String(i.orderId), timerSk: String(i.timerSk) }));
  }


  async setNonEssentialPaused(paused: boolean, reason: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.sendingConfig, sk: keys.nonEssentialPauseSk, paused, reason, at: this.options.clock.now().toISOString() },
      }),
    );
  }
}
