/**
 * The single-table key design. Everything about one order lives under one partition key, so
 * one Query reads the order's events, email ledger, walk position and feedback together.
 *
 * | item                | pk                          | sk                                   |
 * |---------------------|-----------------------------|--------------------------------------|
 * | domain event        | ORDER#<store>#<orderId>     | EVENT#<occurredAt>#<eventId>         |
 * |   (legacy, unqueued)|   + outbox index: outboxPk PENDING, outboxSk <stored at, epoch ms>  |
 * | order lookup        | ORDER#<store>#<orderId>     | META  (gsi1: LOOKUP#<store>#<name>)  |
 * | lookup by email     | ORDER#<store>#<orderId>     | META#EMAIL (gsi1: EMAIL#<store>#<email>) |
 * | email ledger        | ORDER#<store>#<orderId>     | MAIL#<kind>#<ref>                    |
 * | walk position       | ORDER#<store>#<orderId>     | POSITION (timers index: timerPk T#<shard>, timerSk <due>#<store>#<orderId>; `tallied`: the milestones counted) |
 * | feedback            | ORDER#<store>#<orderId>     | FEEDBACK                             |
 * | webhook dedupe      | WEBHOOK#<store>#<eventId>   | WEBHOOK                              |
 * | suppression         | SUPPRESS#<store>#<email>    | SUPPRESS   (store "*" = every store)  |
 * | feedback summary    | STORE#<store>               | FEEDBACK_SUMMARY                     |
 * | SES message index   | MESSAGE#<sesMessageId>      | MESSAGE  (console resends and replies only; ledger emails' events find their line by the `ledger` tag) |
 * | sending pause flag  | CONFIG#sending              | NON_ESSENTIAL_PAUSE                  |
 * | store day counters  | STATS#<store>               | DAY#<yyyy-mm-dd>                     |
 * | tally marker (legacy: read, no longer written) | ORDER#<store>#<orderId> | TALLY#<shipped|delivered|delay:<id>> |
 * | sent email's copy   | COPY#<store>#<orderId>      | MAIL#<kind>#<ref>  (packed: sent-copy.ts; its own partition) |
 * | console resend      | ORDER#<store>#<orderId>     | RESEND#<request id>                  |
 * | console reply       | ORDER#<store>#<orderId>     | REPLY                                |
 * | mail stopped        | ORDER#<store>#<orderId>     | STOPPED                              |
 * | feedback inbox      | INBOX#<store>               | <rated at>#<orderId>  (low ratings, comments) |
 * | signed-out session  | SESSION#<token id>          | REVOKED                              |
 *
 * Every item carries `expiresAt` (epoch seconds) for DynamoDB TTL.
 */
export const keys = {
  order: (store: string, orderId: string) => `ORDER#${store}#${orderId}`,
  eventSk: (occurredAt: string, eventId: string) => `EVENT#${occurredAt}#${eventId}`,
  meta: 'META',
  /** The order's lookup item by shopper email (gsi1: EMAIL#<store>#<email>, sorted by placedAt). */
  emailLookup: 'META#EMAIL',
  mailSk: (kind: string, ref: string) => `MAIL#${kind}#${ref}`,
  /** Where the order's walk rests, and when it is next due (see functions/services/step.ts). */
  position: 'POSITION',
  feedback: 'FEEDBACK',
  lookup: (store: string, orderName: string) => `LOOKUP#${store}#${orderName.trim().replace(/^#/, '').toLowerCase()}`,
  webhook: (store: string, eventId: string) => `WEBHOOK#${store}#${eventId}`,
  webhookSk: 'WEBHOOK',
  suppression: (store: string, email: string) => `SUPPRESS#${store}#${email.trim().toLowerCase()}`,
  suppressionSk: 'SUPPRESS',
  storeSummary: (store: string) => `STORE#${store}`,
  feedbackSummarySk: 'FEEDBACK_SUMMARY',
  message: (messageId: string) => `MESSAGE#${messageId}`,
  messageSk: 'MESSAGE',
  sendingConfig: 'CONFIG#sending',
  nonEssentialPauseSk: 'NON_ESSENTIAL_PAUSE',
  copy: (store: string, orderId: string) => `COPY#${store}#${orderId}`,
  stats: (store: string) => `STATS#${store}`,
  statsDay: (day: string) => `DAY#${day}`,
  tally: (key: string) => `TALLY#${key}`,
  resend: (requestId: string) => `RESEND#${requestId}`,
  reply: 'REPLY',
  stopped: 'STOPPED',
  inbox: (store: string) => `INBOX#${store}`,
  inboxSk: (ratedAt: string, orderId: string) => `${ratedAt}#${orderId}`,
  session: (tokenId: string) => `SESSION#${tokenId}`,
  sessionSk: 'REVOKED',
} as const;

/** Name of the one global secondary index (order lookup by store and order number). */
export const LOOKUP_INDEX = 'gsi1';

/**
 * Name of the sparse outbox index. Its PENDING partition holds the stored events an earlier
 * version never handed to the queue (attributes `outboxPk` = OUTBOX_PENDING and `outboxSk` = when
 * the event was stored, real epoch milliseconds): ingest now queues each event before it stores
 * it and writes neither, so no new event enters it. The outbox sweeper queues what is left there
 * and removes the attributes (functions/services/sweep-outbox.ts).
 */
export const OUTBOX_INDEX = 'outbox';
export const OUTBOX_PENDING = 'PENDING';
/**
 * The index's second partition: participation ledger lines (review rewards, replies, alerts)
 * claimed and not yet settled, `outboxSk` = when the claim was taken (real epoch ms). The claim
 * writes it, settling (sent, skipped) or releasing the line removes it, and the participation
 * re-drive takes over what stays past the settle window (functions/services/redrive-participation.ts).
 */
export const OUTBOX_PENDING_MAIL = 'MAIL';

/**
 * Name of the sparse timers index: an order's POSITION item is in it while the order is due at
 * some time (a wait's deadline, an unsettled claim's settle end, a wake's lease), keyed by a shard
 * (`timerPk` = T#0…T#15, from store and order id, spreading the writes of many orders over
 * partitions) and `timerSk` = <due ISO>#<store>#<orderId>, so a Query for `timerSk <= now` lists
 * what is due, oldest first. The timers poller wakes each (functions/services/timers.ts).
 */
export const TIMERS_INDEX = 'timers';
export const TIMER_SHARDS = 16;

/** The timers index shard of an order: a stable hash of store and order id. */
export function timerShard(store: string, orderId: string): string {
  let h = 2166136261;
  for (const c of `${store}\n${orderId}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return `T#${h % TIMER_SHARDS}`;
}

/** The timers index sort key of an order due at `dueIso`. */
export const timerSk = (dueIso: string, store: string, orderId: string) => `${dueIso}#${store}#${orderId}`;
