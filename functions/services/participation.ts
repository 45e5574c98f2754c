/**
 * What follows a shopper's or merchant's action: the review reward (a code from the pool and
 * points, once per order, whatever the rating), the merchant's reply emailed once, the low-rating
 * alert, the low-pool alert, and the referral credit when a referred order is delivered.
 *
 * Every step is idempotent, so calling it again (a reload, a repeated API call, a workflow
 * retry) completes what a crash left half done and repeats nothing: the code is the order's
 * REWARD item, a credit is keyed by what earned it, an email is claimed in the ledger first.
 */
import { randomUUID } from 'node:crypto';
import { checkpoint } from '../adapters/host-hooks.js';
import type { OutgoingEmail, SendOutcome } from '../adapters/mailer.js';
import { ledgerTag } from '../adapters/mailer.js';
import type { ParticipationLedger, ReviewStore } from '../adapters/review-store.js';
import type { ParticipationKind } from '../domain/email/participation/kinds.js';
import { renderParticipationEmail, type ParticipationEmail, type ReferralInfo } from '../domain/email/participation/render.js';
import { pickLocale } from '../domain/i18n/index.js';
import type { Order } from '../domain/order.js';
import { pointsAccount, referralCodeFor, referralCodesIn } from '../domain/reviews/referrals.js';
import type { Review } from '../domain/reviews/review.js';
import type { StoreConfig } from '../domain/store-config.js';

export interface ParticipationLogger {
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
}

export interface ParticipationDeps {
  reviews: ReviewStore;
  ledger: ParticipationLedger;
  mailer: { send(email: OutgoingEmail): Promise<SendOutcome> };
  sender: string;
  publicBaseUrl: string;
  linkSecret: string | readonly string[];
  now: () => Date;
  /** Real-time window in which an unsettled claim waits for SES's Send event before it is taken over. */
  settleWindowMs: number;
  /** Bounced or complained addresses get nothing. @default none suppressed */
  isSuppressed?: (store: string, email: string) => Promise<boolean>;
  logger?: ParticipationLogger;
}

export type MailResult = 'sent' | 'already_sent' | 'pending' | 'not_sent' | 'suppressed';

const base = (deps: ParticipationDeps) => deps.publicBaseUrl.replace(/\/+$/, '');

/** The shopper's referral code and link at this store; remembered as theirs from the first order that shows it. */
export async function referralFor(deps: ParticipationDeps, config: StoreConfig, owner: { email: string; orderId: string; locale?: string }): Promise<ReferralInfo> {
  const code = referralCodeFor(deps.linkSecret, config.storeId, owner.email);
  await deps.reviews.registerReferral(config.storeId, code, owner, deps.now());
  const landing = config.participation.referralLandingUrl;
  const link = landing
    ? landing.replace(/\{code\}|%7Bcode%7D/g, encodeURIComponent(code))
    : `${base(deps)}/stores/${encodeURIComponent(config.storeId)}/referrals/${code}`;
  return { code, link, pointsPerReferral: config.participation.pointsPerReferral };
}

/** What one participation email is, as sendOnce takes it and the re-drive index stores it. */
export interface ParticipationSend {
  orderId: string;
  kind: ParticipationKind;
  ref: string;
  to: string;
  locale?: string;
  email: ParticipationEmail;
}

/**
 * Sends one participation email at most once per (order, kind, ref), on the protocol of the
 * workflow's emails (README, "The exactly-once guarantee", steps 5–8 and R):
 *
 * 1. Claim `MAIL#<kind>#<ref>`, put only if absent; the same put stores the email (`redrive`)
 *    and enters the line in the outbox index's MAIL partition. Crash after it
 *    (`participation.afterClaim`): nothing is lost, the re-drive (redrive-participation.ts,
 *    every minute) or the next call finds the claim, and once the settle window passed with no
 *    Send event, takes it over (conditional on the old claim id: one taker wins) and sends.
 * 2. Send through SES, tagged with the claim. Answer lost (`ses.afterAccept`, a timeout, a 5xx):
 *    the claim stays, and SES's Send event settles it (and takes it out of the index) well
 *    within the window, so the re-drive finds it settled. A throttle releases the claim (the
 *    line and its index entry go; the next call sends); a permanent rejection settles `skipped`.
 * 3. Settle `sent` with the message id, only while `claimed`; settling removes the index entry.
 */
export async function sendOnce(
  deps: ParticipationDeps,
  config: StoreConfig,
  m: ParticipationSend,
): Promise<MailResult> {
  const store = config.storeId;
  if (deps.isSuppressed && (await deps.isSuppressed(store, m.to))) return 'suppressed';
  const claimId = randomUUID();
  const redrive = { to: m.to, ...(m.locale ? { locale: m.locale } : {}), email: m.email };
  const claim = await deps.ledger.claim(store, m.orderId, m.kind, m.ref, claimId, deps.now(), JSON.parse(JSON.stringify(redrive)) as Record<string, unknown>);
  if (!claim.claimed) {
    if (claim.status !== 'claimed') return 'already_sent';
    if (!isStale(claim.claimedAtMs, Date.now(), deps.settleWindowMs) || !claim.claimId || !(await deps.ledger.takeOver(store, m.orderId, m.kind, m.ref, claim.claimId, claimId))) return 'pending';
  }
  await checkpoint('participation.afterClaim', { kind: m.kind, ref: m.ref, store, orderId: m.orderId });
  const rendered = renderParticipationEmail(m.email, { branding: config.branding, locale: pickLocale(m.locale, config.defaultLocale) });
  const outcome = await deps.mailer.send({
    from: `${config.branding.name.replace(/["\r\n]/g, '')} <${deps.sender}>`,
    to: m.to,
    replyTo: config.branding.supportEmail,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    headers: rendered.headers,
    tags: { kind: m.kind, ledger: ledgerTag(store, m.orderId, m.kind, m.ref) },
  });
  switch (outcome.status) {
    case 'sent':
      await deps.ledger.settle(store, m.orderId, m.kind, m.ref, { status: 'sent', messageId: outcome.messageId }, deps.now());
      return 'sent';
    case 'rejected':
      await deps.ledger.settle(store, m.orderId, m.kind, m.ref, { status: 'skipped', reason: outcome.reason }, deps.now());
      return 'not_sent';
    case 'not_sent':
      await deps.ledger.release(store, m.orderId, m.kind, m.ref, claimId);
      deps.logger?.warn('participation email not sent, will be retried on the next call', { store, orderId: m.orderId, kind: m.kind, reason: outcome.reason });
      return 'not_sent';
    case 'unknown':
      // The claim stays: SES's Send event settles it if the mail was accepted.
      return 'pending';
  }
}

/**
 * An unsettled claim may be taken over once the settle window has passed since it was taken
 * (real time): SES publishes its Send event for an accepted message well within it, so a claim
 * still unsettled by then was never accepted.
 */
export function isStale(claimedAtMs: number | undefined, nowMs: number, settleWindowMs: number): boolean {
  return nowMs - (claimedAtMs ?? 0) >= settleWindowMs;
}

const seeded = new Set<string>();

/** The configured codes join the pool once per process (a code already given out never returns). */
async function seedConfiguredCodes(deps: ParticipationDeps, config: StoreConfig): Promise<void> {
  const codes = config.participation.rewardCodes;
  if (codes.length === 0 || seeded.has(config.storeId)) return;
  await deps.reviews.addCodes(config.storeId, codes, deps.now());
  seeded.add(config.storeId);
}

/**
 * The reward for reviewing an order: points and a discount code, once per order, the same for
 * every review whatever its rating, text or moderation outcome (the FTC's 2024 rule, 16 CFR
 * 465.4, forbids conditioning an incentive on sentiment). Without a code left, the points
 * still count and the merchant is alerted.
 */
export async function rewardReview(deps: ParticipationDeps, config: StoreConfig, order: Order, opts: { trackingUrl?: string } = {}): Promise<{ code?: string; mail?: MailResult }> {
  const store = config.storeId;
  const p = config.participation;
  const at = deps.now();
  if (p.pointsPerReview > 0) {
    await deps.reviews.credit(store, order.customer.email, { source: 'review', ref: order.orderId, points: p.pointsPerReview, at: at.toISOString() });
  }
  await seedConfiguredCodes(deps, config);
  const taken = await deps.reviews.takeCode(store, order.orderId, at);
  if (taken.code === undefined) {
    await alertPoolLow(deps, config, order.orderId, 0);
    return {};
  }
  if (taken.new) {
    const left = await deps.reviews.codesLeft(store);
    if (left <= p.lowPoolThreshold) await alertPoolLow(deps, config, order.orderId, left);
  }
  const referral = await referralFor(deps, config, { email: order.customer.email, orderId: order.orderId, ...(order.customer.locale ? { locale: order.customer.locale } : {}) });
  const { balance } = pointsAccount(await deps.reviews.credits(store, order.customer.email));
  const mail = await sendOnce(deps, config, {
    orderId: order.orderId,
    kind: 'review_reward',
    ref: 'order',
    to: order.customer.email,
    locale: order.customer.locale,
    email: { kind: 'review_reward', order, code: taken.code, referral, balance, trackingUrl: opts.trackingUrl },
  });
  return { code: taken.code, mail };
}

async function alertPoolLow(deps: ParticipationDeps, config: StoreConfig, orderId: string, left: number): Promise<void> {
  // Once per upload: the marker is cleared when new codes arrive.
  if (!(await deps.reviews.armLowPoolAlert(config.storeId, deps.now()))) return;
  deps.logger?.warn('review reward codes running low', { store: config.storeId, left });
  await sendOnce(deps, config, { orderId, kind: 'reward_pool_low', ref: 'order', to: config.branding.supportEmail, locale: config.defaultLocale, email: { kind: 'reward_pool_low', left } });
}

/** The merchant's reply, emailed to the reviewer once per review. */
export async function notifyReply(deps: ParticipationDeps, config: StoreConfig, order: Order, review: Review): Promise<MailResult | undefined> {
  if (!review.reply) return undefined;
  const reviewsUrl = `${base(deps)}/stores/${encodeURIComponent(config.storeId)}/products/${encodeURIComponent(review.product.productId)}/reviews`;
  return sendOnce(deps, config, {
    orderId: order.orderId,
    kind: 'review_reply',
    ref: review.lineItemId,
    to: order.customer.email,
    locale: order.customer.locale,
    email: { kind: 'review_reply', order, product: review.product.name, review: { title: review.title, text: review.text }, reply: review.reply.text, reviewsUrl },
  });
}

/** A rating at or below the store's threshold alerts its support address, once per order. */
export async function alertLowRating(deps: ParticipationDeps, config: StoreConfig, order: Order, rating: number, opts: { comment?: string; trackingUrl?: string } = {}): Promise<MailResult | undefined> {
  if (rating > config.participation.lowRatingThreshold) return undefined;
  return sendOnce(deps, config, {
    orderId: order.orderId,
    kind: 'low_rating_alert',
    ref: 'order',
    to: config.branding.supportEmail,
    locale: config.defaultLocale,
    email: { kind: 'low_rating_alert', order, rating, comment: opts.comment, trackingUrl: opts.trackingUrl },
  });
}

export type ReferralOutcome = 'credited' | 'already_credited' | 'no_code' | 'unknown_code' | 'own_code';

/**
 * A delivered order that carries someone's referral code credits that shopper, once per
 * referred order (whatever is delivered twice), and emails them. The caller calls this only
 * for an order that is delivered and neither cancelled nor refunded in full.
 */
export async function creditReferral(deps: ParticipationDeps, config: StoreConfig, order: Order): Promise<ReferralOutcome> {
  const codes = referralCodesIn(order);
  if (codes.length === 0) return 'no_code';
  const store = config.storeId;
  let outcome: ReferralOutcome = 'unknown_code';
  for (const code of codes) {
    const referrer = await deps.reviews.referrer(store, code);
    if (!referrer) continue;
    if (referrer.email === order.customer.email.trim().toLowerCase()) {
      outcome = 'own_code';
      continue;
    }
    const points = config.participation.pointsPerReferral;
    const credited = points > 0 && (await deps.reviews.credit(store, referrer.email, { source: 'referral', ref: order.orderId, points, at: deps.now().toISOString() }));
    const { balance } = pointsAccount(await deps.reviews.credits(store, referrer.email));
    const referral = await referralFor(deps, config, referrer);
    // Sent (or completed) whether this call credited or an earlier one did: the ledger keeps it to one.
    await sendOnce(deps, config, {
      orderId: order.orderId,
      kind: 'referral_reward',
      ref: 'order',
      to: referrer.email,
      // The referrer's own language, from the order that gave them the code.
      locale: referrer.locale ?? config.defaultLocale,
      email: { kind: 'referral_reward', points, balance, referral },
    });
    // One referrer per referred order.
    return credited ? 'credited' : 'already_credited';
  }
  return outcome;
}
