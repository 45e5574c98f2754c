/**
 * The single-table key design. Everything about one order lives under one partition key, so
 * one Query reads the order's events, email ledger, awaited callback and feedback together.
 *
 * | item                | pk                          | sk                                   |
 * |---------------------|-----------------------------|--------------------------------------|
 * | domain event        | ORDER#<store>#<orderId>     | EVENT#<occurredAt>#<eventId>         |
 * |   (not yet queued)  |   + outbox index: outboxPk PENDING, outboxSk <stored at, epoch ms>  |
 * | order lookup        | ORDER#<store>#<orderId>     | META  (gsi1: LOOKUP#<store>#<name>)  |
 * | lookup by email     | ORDER#<store>#<orderId>     | META#EMAIL (gsi1: EMAIL#<store>#<email>) |
 * | email ledger        | ORDER#<store>#<orderId>     | MAIL#<kind>#<ref>                    |
 * | awaited callback    | ORDER#<store>#<orderId>     | AWAIT                                |
 * | feedback            | ORDER#<store>#<orderId>     | FEEDBACK                             |
 * | webhook dedupe      | WEBHOOK#<store>#<eventId>   | WEBHOOK                              |
 * | suppression         | SUPPRESS#<store>#<email>    | SUPPRESS   (store "*" = every store)  |
 * | feedback summary    | STORE#<store>               | FEEDBACK_SUMMARY                     |
 * | SES message index   | MESSAGE#<sesMessageId>      | MESSAGE                              |
 * | sending pause flag  | CONFIG#sending              | NON_ESSENTIAL_PAUSE                  |
 * | store day counters  | STATS#<store>               | DAY#<yyyy-mm-dd>                     |
 * | tally marker        | ORDER#<store>#<orderId>     | TALLY#<shipped|delivered|delay:<id>> |
 * | sent email's copy   | COPY#<store>#<orderId>      | MAIL#<kind>#<ref>  (gzipped; its own partition) |
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
  await: 'AWAIT',
  /** An execution of the order ended (no waiting state is left to wake): see route-event.ts. */
  walkEnded: 'WALK#ENDED',
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
 * Name of the sparse outbox index: it holds exactly the stored events not yet handed to the
 * queue (attributes `outboxPk` = OUTBOX_PENDING and `outboxSk` = when the event was stored, real epoch milliseconds).
 * Whoever queues an event removes the attributes, and so takes it out of the index; the outbox
 * sweeper queues what stays there (functions/services/sweep-outbox.ts).
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
