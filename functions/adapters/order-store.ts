/**
 * DynamoDB access for an order's partition: its events, email ledger, walk position and
 * feedback. Every write that guards a side effect is conditional, so retries and concurrent
 * invocations cannot send twice or lose an event.
 */
import { ConditionalCheckFailedException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { domainEventSchema, orderIdOf, type DomainEvent } from '../domain/events.js';
import type { AwaitPhase, EmailKind, LedgerEntry, OrderView } from '../domain/lifecycle.js';
import { foldOrder } from '../domain/order-state.js';
import { gzipSync } from 'node:zlib';
import type { Clock } from './clock.js';
import { keys, OUTBOX_INDEX, OUTBOX_PENDING, TIMERS_INDEX, TIMER_SHARDS, timerShard, timerSk } from './keys.js';
import { positionSchema, START, transitionSchema, type Position, type Transition } from '../domain/walk.js';
import * as z from 'zod';
import { counter, dayOf } from '../domain/console/tallies.js';
import { StoreStats } from './store-stats.js';

/** An email as it went out, kept (gzipped, see putCopy) so the console can show and resend it as sent. */
export interface SentContent {
  subject: string;
  html: string;
  text: string;
  headers?: { name: string; value: string }[];
}

/** The gzipped JSON of a sent email (a receipt's HTML is 10-20 KB, gzipped 3-4 KB: fewer write units). */
export const packContent = (content: SentContent): Uint8Array => gzipSync(Buffer.from(JSON.stringify(content), 'utf8'));

/** The POSITION item: where the walk rests, its version (every write is conditional on it), its last moves. */
export const storedPositionSchema = positionSchema.extend({
  version: z.number().int().nonnegative(),
  history: z.array(transitionSchema).default([]),
  updatedAt: z.string().optional(),
  /** When the order is next due (a deadline, a settle end or a wake's lease), if ever. */
  timerSk: z.string().optional(),
});
export type StoredPosition = z.infer<typeof storedPositionSchema>;

/** An order the timers index lists as due. */
export interface DueTimer {
  store: string;
  orderId: string;
  timerSk: string;
}

export interface LoadedOrder extends OrderView {
  events: DomainEvent[];
  /** Where its walk rests (absent until the order is placed and first woken). */
  position?: StoredPosition;
  /** Milestones already counted in the store's day counters (see store-stats.ts). */
  tallied: ReadonlySet<string>;
}

export interface OrderStoreOptions {
  clock: Clock;
  /** Days until personal data expires (DynamoDB TTL). */
  retentionDays: number;
}

export type ClaimResult = { claimed: true } | { claimed: false; existing: LedgerEntry & { claimedAtMs?: number } };

const isConditionFailure = (e: unknown): e is ConditionalCheckFailedException =>
  e instanceof ConditionalCheckFailedException || (e as { name?: string })?.name === 'ConditionalCheckFailedException';

/** The key of one email-ledger line. */
const mailKey = (store: string, orderId: string, kind: string, ref: string) => ({ pk: keys.order(store, orderId), sk: keys.mailSk(kind, ref) });

/** Runs a conditional write whose failed condition simply means "someone already did it". */
async function unlessAlreadyDone(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}

export class OrderStore {
  /** The console's per-store day counters, added to where emails settle and SES reports on them. */
  readonly stats: StoreStats;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: OrderStoreOptions,
  ) {
    this.stats = new StoreStats(doc, tableName, { retentionDays: options.retentionDays });
  }

  private expiresAt(): number {
    return Math.floor(this.options.clock.now().getTime() / 1000) + this.options.retentionDays * 86_400;
  }

  /**
   * Stores an event once. Returns 'new', or 'duplicate' with whether the first copy was
   * already routed (an unrouted duplicate is enqueued again: the first enqueue may have failed).
   */
  async putEvent(event: DomainEvent, orderId: string): Promise<{ result: 'new' } | { result: 'duplicate'; routed: boolean }> {
    const receivedAt = this.options.clock.now().toISOString();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: keys.order(event.store, orderId),
            sk: keys.eventSk(event.occurredAt, event.eventId),
            itemType: 'event',
            event,
            receivedAt,
            // In the outbox index until someone has queued it: the transactional outbox. Real
            // time, not the (possibly scaled) clock: the sweeper's grace outlasts a real
            // invocation of ingest (see sweep-outbox.ts).
            outboxPk: OUTBOX_PENDING,
            outboxSk: Date.now(),
            expiresAt: this.expiresAt(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { result: 'new' };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const old = (e as { Item?: Record<string, unknown> }).Item;
      if (old) return { result: 'duplicate', routed: 'routedAt' in old };
      // Some servers do not return the old item: read it.
      const got = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: keys.order(event.store, orderId), sk: keys.eventSk(event.occurredAt, event.eventId) }, ConsistentRead: true }),
      );
      return { result: 'duplicate', routed: !!got.Item && 'routedAt' in got.Item };
    }
  }

  /** Records that the event was routed; it also leaves the outbox, in case its enqueuer died before saying so. */
  async markRouted(event: DomainEvent, orderId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.order(event.store, orderId), sk: keys.eventSk(event.occurredAt, event.eventId) },
        UpdateExpression: 'SET routedAt = :now REMOVE outboxPk, outboxSk',
        ExpressionAttributeValues: { ':now': this.options.clock.now().toISOString() },
      }),
    );
  }

  /**
   * Takes events out of the outbox once the queue has accepted them: from then on SQS owns
   * their delivery (retries, then the dead-letter queue). Never creates an item.
   */
  async markQueued(events: readonly DomainEvent[]): Promise<void> {
    await Promise.all(
      events.map((event) => this.leaveOutbox({ pk: keys.order(event.store, orderIdOf(event)), sk: keys.eventSk(event.occurredAt, event.eventId) })),
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
   * oldest first, at most `limit`. The index is eventually consistent: an event queued a moment ago
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

  /** Everything about one order, in one strongly consistent Query (plus the suppression look-up). */
  async load(store: string, orderId: string): Promise<LoadedOrder> {
    const pk = keys.order(store, orderId);
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);

    const events: DomainEvent[] = [];
    const ledger: LedgerEntry[] = [];
    let position: StoredPosition | undefined;
    let feedback: OrderView['feedback'];
    let stopped: OrderView['stopped'];
    const tallied = new Set<string>();
    for (const item of items) {
      const sk = String(item.sk);
      if (sk.startsWith('EVENT#')) {
        const parsed = domainEventSchema.safeParse(item.event);
        if (parsed.success) events.push(parsed.data);
      } else if (sk.startsWith('MAIL#')) ledger.push(item as unknown as LedgerEntry);
      else if (sk === keys.position) {
        const parsed = storedPositionSchema.safeParse(item);
        if (parsed.success) position = parsed.data;
      }
      else if (sk === keys.feedback && typeof item.rating === 'number') feedback = { rating: item.rating, at: String(item.at ?? item.ratedAt ?? '') };
      else if (sk.startsWith('TALLY#')) tallied.add(sk.slice('TALLY#'.length));
      else if (sk === keys.stopped) stopped = { by: String(item.by ?? ''), at: String(item.at ?? '') };
    }
    const state = foldOrder(store, orderId, events);
    const email = state.order?.customer.email;
    const { unsubscribed, suppressed } = email ? await this.suppressionOf(store, email) : { unsubscribed: false, suppressed: false };
    return { events, state, ledger, ...(position ? { position } : {}), feedback, unsubscribed, suppressed, tallied, ...(stopped ? { stopped } : {}) };
  }

  /** Store-level unsubscribes and address-level suppressions (bounces, complaints: store "*"). */
  async suppressionOf(store: string, email: string): Promise<{ unsubscribed: boolean; suppressed: boolean }> {
    const res = await this.doc.send(
      new BatchGetCommand({
        RequestItems: {
          [this.tableName]: {
            Keys: [
              { pk: keys.suppression(store, email), sk: keys.suppressionSk },
              { pk: keys.suppression('*', email), sk: keys.suppressionSk },
            ],
            ProjectionExpression: 'pk, reason',
          },
        },
      }),
    );
    const found = res.Responses?.[this.tableName] ?? [];
    return {
      unsubscribed: found.some((i) => i.pk === keys.suppression(store, email)),
      suppressed: found.some((i) => i.pk === keys.suppression('*', email)),
    };
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

  /** Claims an email in the ledger before sending it; only one claimant ever wins. */
  async claim(store: string, orderId: string, entry: Omit<LedgerEntry, 'claimedAt' | 'status'> & { status?: 'claimed' | 'skipped' }): Promise<ClaimResult> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: keys.order(store, orderId),
            sk: keys.mailSk(entry.kind, entry.ref),
            itemType: 'mail',
            ...entry,
            status: entry.status ?? 'claimed',
            claimedAt: this.options.clock.now().toISOString(),
            // Real time, not the (possibly scaled) clock: the settle window waits for SES's events.
            claimedAtMs: Date.now(),
            expiresAt: this.expiresAt(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { claimed: true };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      // DynamoDB returns the old item with the error (ALL_OLD), in its wire format: the document
      // client unmarshalls outputs only, never an error's Item (aws/aws-sdk-js-v3#6723). Read raw,
      // `status` would be {S: 'claimed'}, and a crashed attempt's claim would pass for settled.
      const raw = (e as { Item?: Record<string, AttributeValue> }).Item;
      const old = raw ? unmarshall(raw) : undefined;
      const existing =
        old ??
        (
          await this.doc.send(
            new GetCommand({ TableName: this.tableName, Key: mailKey(store, orderId, entry.kind, entry.ref), ConsistentRead: true }),
          )
        ).Item;
      return { claimed: false, existing: existing as LedgerEntry & { claimedAtMs?: number } };
    }
  }

  async getLedger(store: string, orderId: string, kind: EmailKind, ref: string): Promise<(LedgerEntry & { claimedAtMs?: number }) | undefined> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: mailKey(store, orderId, kind, ref), ConsistentRead: true }),
    );
    return res.Item as (LedgerEntry & { claimedAtMs?: number }) | undefined;
  }

  /** Takes over a claim whose send never settled; fails if anyone else moved it meanwhile. */
  async takeOver(store: string, orderId: string, kind: EmailKind, ref: string, oldClaimId: string, newClaimId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: mailKey(store, orderId, kind, ref),
          UpdateExpression: 'SET claimId = :new, claimedAt = :now, claimedAtMs = :ms',
          ConditionExpression: 'claimId = :old AND #s = :claimed',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':new': newClaimId, ':old': oldClaimId, ':claimed': 'claimed', ':now': this.options.clock.now().toISOString(), ':ms': Date.now() },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** Releases a claim when the send is known not to have happened (e.g. SES throttled it). */
  async release(store: string, orderId: string, kind: EmailKind, ref: string, claimId: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: mailKey(store, orderId, kind, ref),
          ConditionExpression: 'claimId = :c AND #s = :claimed',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':c': claimId, ':claimed': 'claimed' },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  /**
   * Records SES's message id on the claim (from the send call, or from SES's own Send event).
   * Only the write that settles the line counts the email in the store's day counters.
   */
  async markSent(store: string, orderId: string, kind: EmailKind, ref: string, messageId: string, at = this.options.clock.now().toISOString()): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: mailKey(store, orderId, kind, ref),
          // A participation line leaves the re-drive index with it (review-store.ts, ParticipationLedger).
          UpdateExpression: 'SET #s = :sent, messageId = :m, sentAt = :at REMOVE outboxPk, outboxSk, redrive',
          ConditionExpression: 'attribute_exists(pk) AND #s = :claimed',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':claimed': 'claimed', ':m': messageId, ':at': at },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      return false;
    }
    await this.stats.add(store, dayOf(at), { [counter.sent(kind)]: 1 });
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.message(messageId), sk: keys.messageSk, store, orderId, kind, ref, expiresAt: this.expiresAt() },
      }),
    );
    return true;
  }

  /**
   * Keeps the email as it was sent, for the console (shown as sent, resent as sent). In a
   * partition of its own (`COPY#<store>#<orderId>`), so the order's Query, which every function
   * runs, never reads it, and the ledger line's updates stay one write unit.
   */
  async putCopy(store: string, orderId: string, kind: EmailKind, ref: string, messageId: string, content: SentContent): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.copy(store, orderId), sk: keys.mailSk(kind, ref), messageId, content: packContent(content), expiresAt: this.expiresAt() },
      }),
    );
  }

  async markSkipped(store: string, orderId: string, kind: EmailKind, ref: string, reason: string): Promise<void> {
    await unlessAlreadyDone(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: mailKey(store, orderId, kind, ref),
          UpdateExpression: 'SET #s = :skipped, reason = :r',
          ConditionExpression: 'attribute_exists(pk) AND #s = :claimed',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':skipped': 'skipped', ':claimed': 'claimed', ':r': reason },
        }),
      ),
    );
  }

  /**
   * Notes a delivery outcome reported by SES on the email's item (a ledger line, or a resend or
   * reply the console sent), where the timeline shows it, and counts it once per change of
   * outcome: SNS may deliver an event twice.
   */
  async noteDelivery(messageId: string, outcome: 'delivered' | 'bounced' | 'complained' | 'delayed', at: string): Promise<void> {
    const index = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: keys.message(messageId), sk: keys.messageSk } }));
    const i = index.Item;
    if (!i) return;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.order(String(i.store), String(i.orderId)), sk: typeof i.itemSk === 'string' ? i.itemSk : keys.mailSk(i.kind as EmailKind, String(i.ref)) },
          UpdateExpression: 'SET deliveryStatus = :o, deliveryAt = :at, deliveryEvents = list_append(if_not_exists(deliveryEvents, :none), :event)',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(deliveryStatus) OR deliveryStatus <> :o)',
          ExpressionAttributeValues: { ':o': outcome, ':at': at, ':none': [], ':event': [{ outcome, at }] },
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) return;
      throw e;
    }
    await this.stats.add(String(i.store), dayOf(at), { [counter.delivery(outcome)]: 1 });
  }


  /**
   * A wake's lease: makes the order due within `leaseMs` (the timers poller wakes it then if the
   * walk this wake starts never records its next due time) and bumps the position's version, so
   * a walk that loaded before this wake fails its write and walks again, seeing what woke it.
   * `create`: an order just placed gets its position at the start. `ifTimerSk`: the poller's
   * lease, taken only while the timer it found is still the one set (one poller run wins it).
   * Returns the position's new version, or undefined when the condition failed (no position and
   * not `create`, or the timer moved).
   */
  async lease(store: string, orderId: string, leaseMs: number, options: { create?: boolean; ifTimerSk?: string } = {}): Promise<number | undefined> {
    const now = this.options.clock.now();
    const due = new Date(now.getTime() + leaseMs).toISOString();
    const condition = options.ifTimerSk !== undefined ? 'timerSk = :old' : options.create ? undefined : 'attribute_exists(pk)';
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.order(store, orderId), sk: keys.position },
          ReturnValues: 'UPDATED_NEW',
          UpdateExpression:
            'SET version = if_not_exists(version, :zero) + :one, timerPk = :shard, timerSk = :due, updatedAt = :now, #state = if_not_exists(#state, :start), steps = if_not_exists(steps, :steps), history = if_not_exists(history, :empty), itemType = :type, #store = :store, orderId = :orderId, expiresAt = :exp',
          ...(condition ? { ConditionExpression: condition } : {}),
          ExpressionAttributeNames: { '#state': 'state', '#store': 'store' },
          ExpressionAttributeValues: {
            ':zero': 0,
            ':one': 1,
            ':shard': timerShard(store, orderId),
            ':due': timerSk(due, store, orderId),
            ':now': now.toISOString(),
            ':start': START.state,
            ':steps': START.steps,
            ':empty': [],
            ':type': 'position',
            ':store': store,
            ':orderId': orderId,
            ':exp': this.expiresAt(),
            ...(options.ifTimerSk !== undefined ? { ':old': options.ifTimerSk } : {}),
          },
        }),
      );
      return Number(res.Attributes?.version);
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  /**
   * Records where the walk rests now, only if nobody wrote the position since it was loaded at
   * `version` (false: reload and walk again). `due`: when it is next due (absent: only an event
   * moves it, and it leaves the timers index).
   */
  async savePosition(store: string, orderId: string, next: Position, options: { version: number; history: readonly Transition[]; due?: string }): Promise<boolean> {
    const now = this.options.clock.now().toISOString();
    const set = ['#state = :state', 'steps = :steps', 'history = :history', 'updatedAt = :now', 'version = :next', 'expiresAt = :exp'];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':state': next.state, ':steps': next.steps, ':history': options.history, ':now': now, ':v': options.version, ':next': options.version + 1, ':exp': this.expiresAt() };
    if (next.deadline) {
      set.push('deadline = :deadline');
      values[':deadline'] = next.deadline;
    } else remove.push('deadline');
    if (options.due) {
      set.push('timerPk = :shard', 'timerSk = :due');
      values[':shard'] = timerShard(store, orderId);
      values[':due'] = timerSk(options.due, store, orderId);
    } else remove.push('timerPk', 'timerSk');
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.order(store, orderId), sk: keys.position },
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: 'version = :v',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
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

  /** Whether non-essential mail is paused (SES reputation near its review thresholds). */
  async nonEssentialPaused(): Promise<boolean> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: keys.sendingConfig, sk: keys.nonEssentialPauseSk } }));
    return res.Item?.paused === true;
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
