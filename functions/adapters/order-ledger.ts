/**
 * DynamoDB access for what an order's walk reads and writes (notify's share of the order's
 * partition): the order as one Query, its email ledger (the claim-settle protocol) with the sent
 * copies, and its walk position. Every write that guards a side effect is conditional, so retries
 * and concurrent invocations cannot send twice or lose a move. Ingest's event writes and outbox,
 * the lookups, wakes' leases, timers and SES's reports are OrderStore's (order-store.ts), which
 * extends this: notify's bundle carries only what it calls.
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
  type UpdateCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { domainEventSchema, type DomainEvent } from '../domain/events.js';
import type { EmailKind, LedgerEntry, OrderView } from '../domain/lifecycle.js';
import { foldOrder } from '../domain/order-state.js';
import type { Clock } from './clock.js';
import { keys, timerShard, timerSk } from './keys.js';
import { START, positionSchema, transitionSchema, type Position, type Transition } from '../domain/walk.js';
import * as z from 'zod';
import { counter, dayOf } from '../domain/console/tallies.js';
import { StoreStats } from './store-stats.js';

export type { SentContent } from './sent-copy.js';

/** The POSITION item: where the walk rests, its version (every write is conditional on it), its last moves. */
export const storedPositionSchema = positionSchema.extend({
  version: z.number().int().nonnegative(),
  history: z.array(transitionSchema).default([]),
  updatedAt: z.string().optional(),
  /** When the order is next due (a deadline, a settle end or a wake's lease), if ever. */
  timerSk: z.string().optional(),
});
export type StoredPosition = z.infer<typeof storedPositionSchema>;

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

export const isConditionFailure = (e: unknown): e is ConditionalCheckFailedException =>
  e instanceof ConditionalCheckFailedException || (e as { name?: string })?.name === 'ConditionalCheckFailedException';

/** The key of one email-ledger line. */
const mailKey = (store: string, orderId: string, kind: string, ref: string) => ({ pk: keys.order(store, orderId), sk: keys.mailSk(kind, ref) });

/** Runs a conditional write whose failed condition simply means "someone already did it". */
export async function unlessAlreadyDone(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}

export class OrderLedger {
  /** The console's per-store day counters, added to where emails settle and SES reports on them. */
  readonly stats: StoreStats;

  constructor(
    protected readonly doc: DynamoDBDocumentClient,
    protected readonly tableName: string,
    protected readonly options: OrderStoreOptions,
  ) {
    this.stats = new StoreStats(doc, tableName, { retentionDays: options.retentionDays });
  }

  protected expiresAt(): number {
    return Math.floor(this.options.clock.now().getTime() / 1000) + this.options.retentionDays * 86_400;
  }


  /** Everything about one order, in one strongly consistent Query (plus the suppression look-up). */
  /**
   * The order's partition, folded. `suppression: false`: skip the shopper's suppression look-up
   * (a BatchGetItem) for a reader that sends nothing (the router), which reads both as false.
   */
  async load(store: string, orderId: string, options: { suppression?: boolean } = {}): Promise<LoadedOrder> {
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
        // The milestones its walks counted (a string set; earlier versions kept TALLY# items).
        if (item.tallied instanceof Set) for (const key of item.tallied) tallied.add(String(key));
      }
      else if (sk === keys.feedback && typeof item.rating === 'number') feedback = { rating: item.rating, at: String(item.at ?? item.ratedAt ?? '') };
      else if (sk.startsWith('TALLY#')) tallied.add(sk.slice('TALLY#'.length));
      else if (sk === keys.stopped) stopped = { by: String(item.by ?? ''), at: String(item.at ?? '') };
    }
    const state = foldOrder(store, orderId, events);
    const email = state.order?.customer.email;
    const { unsubscribed, suppressed } = email && options.suppression !== false ? await this.suppressionOf(store, email) : { unsubscribed: false, suppressed: false };
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
   * Only the write that settles the line counts the email in the store's day counters. SES's
   * later events for the email reach the line by its `ledger` tag and this message id.
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
    // No MESSAGE# index item: the email carries its ledger line in its `ledger` tag, which SES
    // repeats in every event, so its delivery outcomes find the line without it (noteDelivery).
    return true;
  }

  /**
   * Keeps the email as it was sent, for the console (shown as sent, resent as sent), packed by
   * the caller with sent-copy.ts's packContent (deflate with a preset dictionary of the templates;
   * packed there, not here, so only notify's bundle carries the dictionary, not every bundle
   * with this class). In a partition of its own (`COPY#<store>#<orderId>`), so the order's Query,
   * which every function runs, never reads it, and the ledger line's updates stay one write unit.
   */
  async putCopy(store: string, orderId: string, kind: EmailKind, ref: string, messageId: string, packed: Uint8Array): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.copy(store, orderId), sk: keys.mailSk(kind, ref), messageId, content: packed, expiresAt: this.expiresAt() },
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

  // --- The walk's position. Above: the ledger, the mutated range of stryker.config.mjs.

  /**
   * A failed step's lease (functions/services/step.ts): makes the order due within `leaseMs` (the
   * timers poller wakes it then, if no walk records its next due time first) and bumps the
   * position's version, so a walk that loaded before it fails its write and walks again. A placed
   * order whose first walk failed gets its position at the start (the caller checks it is placed).
   * Returns the position's new version.
   */
  async lease(store: string, orderId: string, leaseMs: number): Promise<number> {
    const now = this.options.clock.now();
    const due = new Date(now.getTime() + leaseMs).toISOString();
    const version = await this.bumpPosition(store, orderId, {
      UpdateExpression:
        'SET version = if_not_exists(version, :zero) + :one, timerPk = :shard, timerSk = :due, updatedAt = :now, #state = if_not_exists(#state, :start), steps = if_not_exists(steps, :steps), history = if_not_exists(history, :empty), itemType = :type, #store = :store, orderId = :orderId, expiresAt = :exp REMOVE leaseUntil',
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
      },
    });
    // Unconditional: it has no condition to fail.
    return version!;
  }

  /**
   * The timers poller's lease of a due timer it found: taken only while that timer is still the
   * one set and no other run's lease of it is live, so of two poller runs one wins it. It bumps
   * the position's version (a walk that loaded before it walks again) and holds the timer until
   * `leaseMs` from now in `leaseUntil`, which no index carries: the timer stays where it is, due,
   * so a walk that dies is woken again once the lease is over, and the walk that records the
   * position moves the timer once (the position write ends the lease). Returns the new version,
   * or undefined when the condition failed.
   */
  async leaseTimer(store: string, orderId: string, leaseMs: number, timer: string): Promise<number | undefined> {
    const now = this.options.clock.now();
    return this.bumpPosition(store, orderId, {
      UpdateExpression: 'SET version = version + :one, leaseUntil = :until, updatedAt = :now',
      ConditionExpression: 'timerSk = :timer AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now)',
      ExpressionAttributeValues: { ':one': 1, ':until': new Date(now.getTime() + leaseMs).toISOString(), ':now': now.toISOString(), ':timer': timer },
    });
  }

  /** An update of the order's POSITION that bumps its version: the new version, or undefined when its condition failed. */
  private async bumpPosition(store: string, orderId: string, update: Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>): Promise<number | undefined> {
    try {
      const res = await this.doc.send(new UpdateCommand({ TableName: this.tableName, Key: { pk: keys.order(store, orderId), sk: keys.position }, ReturnValues: 'UPDATED_NEW', ...update }));
      return Number(res.Attributes?.version);
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  /**
   * Records where the walk rests now, only if nobody wrote the position since it was loaded at
   * `version` (false: reload and walk again; 0: the first position, written only if there is
   * none). `due`: when it is next due (absent: only an event moves it, and it leaves the timers
   * index). `tallied`: milestones this walk counts (functions/services/step.ts), added to the
   * position's set by the same conditional write, so each is counted once.
   */
  async savePosition(store: string, orderId: string, next: Position, options: { version: number; history: readonly Transition[]; due?: string; tallied?: readonly string[] }): Promise<boolean> {
    const now = this.options.clock.now().toISOString();
    const set = ['#state = :state', 'steps = :steps', 'history = :history', 'updatedAt = :now', 'version = :next', 'expiresAt = :exp'];
    // The walk's record ends a poller's lease: its timer is the one set here.
    const remove: string[] = ['leaseUntil'];
    // Version 0: the order's first position (its first walk writes it), only if none exists.
    const create = options.version === 0;
    const values: Record<string, unknown> = { ':state': next.state, ':steps': next.steps, ':history': options.history, ':now': now, ':next': options.version + 1, ':exp': this.expiresAt(), ...(create ? {} : { ':v': options.version }) };
    if (next.deadline) {
      set.push('deadline = :deadline');
      values[':deadline'] = next.deadline;
    } else remove.push('deadline');
    if (options.tallied?.length) values[':tallied'] = new Set(options.tallied);
    if (create) {
      set.push('itemType = :type', '#store = :store', 'orderId = :orderId');
      Object.assign(values, { ':type': 'position', ':store': store, ':orderId': orderId });
    }
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
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}${options.tallied?.length ? ' ADD tallied :tallied' : ''}`,
          ConditionExpression: create ? 'attribute_not_exists(pk)' : 'version = :v',
          ExpressionAttributeNames: { '#state': 'state', ...(create ? { '#store': 'store' } : {}) },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }


  /** Whether non-essential mail is paused (SES reputation near its review thresholds). */
  async nonEssentialPaused(): Promise<boolean> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: keys.sendingConfig, sk: keys.nonEssentialPauseSk } }));
    return res.Item?.paused === true;
  }

}
