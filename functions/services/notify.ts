/**
 * Sends the emails of one kind that are due for an order, each exactly once per
 * (order, kind, ref). The protocol (README, "The exactly-once guarantee", has it with the
 * crash at each step):
 *
 * 1. Plan: every email of the kind that is due and has no *settled* ledger line (`sent` or
 *    `skipped`); an unsettled `claimed` line is planned again (lifecycle.ts, settledLine).
 * 2. Claim: put `MAIL#<kind>#<ref>` only if absent. Crash after it (`notify.afterClaim`): the
 *    retry finds the claim, waits for SES's Send event within the settle window, and when none
 *    came takes the claim over (conditional on the old claim id: one taker wins) and sends.
 * 3. Send through SES, tagged with the claim; SES's Send event settles the claim by itself.
 *    Answer lost (`ses.afterAccept`, a timeout, a 5xx): the claim stays for that event. A
 *    throttle releases the claim (certainly not sent); a permanent rejection records `skipped`.
 * 4. Record `sent` with the message id, only while the line is `claimed`. Crash before
 *    (`notify.beforeRecord`) or after it (`notify.afterRecord`): the retry finds it settled.
 *
 * Checkpoints mark those boundaries; on Lambda they do nothing, locally the fault injector may
 * crash there (functions/adapters/host-hooks.ts).
 */
import { randomUUID } from 'node:crypto';
import { NON_ESSENTIAL, plannedEmails, type DecisionContext, type LedgerEntry, type PlannedEmail } from '../domain/lifecycle.js';
import { currentDeliverBy, currentShipBy, shipmentEstimate } from '../domain/lifecycle.js';
import { checkOrderMoney, type MoneyCheck } from '../domain/money.js';
import { renderEmail } from '../domain/email/render.js';
import { UPDATE_KINDS } from '../domain/email/context.js';
import { buildLinks } from '../domain/links.js';
import { pickLocale } from '../domain/i18n/index.js';
import type { StoreConfig } from '../domain/store-config.js';
import type { Clock } from '../adapters/clock.js';
import type { OrderLedger } from '../adapters/order-ledger.js';
import { ledgerTag, type Mailer } from '../adapters/mailer.js';
import { packContent } from '../adapters/sent-copy.js';
import { checkpoint as hostCheckpoint, type CheckpointDetail, type StepBoundary } from '../adapters/host-hooks.js';
import type { Sends } from '../domain/walk.js';

export interface NotifyDeps {
  orders: OrderLedger;
  mailer: Mailer;
  clock: Clock;
  configFor: (store: string) => StoreConfig | undefined;
  sender: string;
  publicBaseUrl: string;
  linkSecret: () => Promise<string>;
  /** Real-time window in which an unsettled claim waits for SES's Send event. */
  settleWindowMs: number;
  /** How long one invocation polls for that settlement before handing the wait to a retry. */
  inProcessSettleMs: number;
  onSent?: (kind: string) => void;
  /** A receipt whose figures do not add up to the charged total (amounts and ids only). */
  onMoneyMismatch?: (mismatch: MoneyCheck & { store: string; orderId: string }) => void;
  /** Marks the named step boundaries of the protocol (a fault-injecting host may crash there). @default the host hook */
  checkpoint?: (step: StepBoundary, detail: CheckpointDetail) => Promise<void>;
}

/** How long an unsettled claim waits for SES's Send event before it is taken over (CLAIM_SETTLE_SECONDS). */
export const DEFAULT_CLAIM_SETTLE_SECONDS = 900;

/** Error names the state machine retries on (see lib/order-workflow.ts). */
export class ClaimPending extends Error {
  override name = 'ClaimPending';
  /** Real epoch ms from which the claim may be taken over (its settle window's end). */
  constructor(
    message: string,
    readonly takeOverFromMs: number,
  ) {
    super(message);
  }
}
export class TransientFailure extends Error {
  override name = 'TransientFailure';
}

export interface NotifyOptions {
  /**
   * Aborted once the invocation has run out of time and its caller was answered (middy's
   * early-timeout signal). A retry then owns the email, so this invocation must not reach SES:
   * on Lambda, code still pending when the sandbox is frozen at the timeout resumes the next
   * time the sandbox is used, perhaps after the retry took the claim over and sent.
   */
  signal?: AbortSignal;
}

/**
 * Sends what a send state sends (one kind, or every update kind in order) that is due, each
 * through the claim-settle protocol; `ledger` grows with every line settled, so each kind plans
 * with the ledger as the ones before it left it. Returns how many emails went out now.
 */
export async function sendDue(sends: Sends, ctx: () => DecisionContext, ledger: LedgerEntry[], deps: NotifyDeps, options: NotifyOptions = {}): Promise<number> {
  let sent = 0;
  for (const kind of sends === 'updates' ? UPDATE_KINDS : [sends]) {
    const paused = NON_ESSENTIAL.has(kind) && (await deps.orders.nonEssentialPaused());
    for (const planned of plannedEmails(kind, ctx())) {
      const { entry, sentNow } = await sendOnce(planned, ctx(), deps, paused, options.signal);
      settle(ledger, entry);
      if (sentNow) sent++;
    }
  }
  return sent;
}

/**
 * Puts an email's outcome in the ledger in place of the line the walk loaded for it: a claim
 * another attempt held when the order was read and has settled since must not stay first, or
 * every later plan finds it unsettled and plans the email again (a walk re-claiming a sent
 * shipping confirmation until its quiet-send budget ran out, each claim a failed write).
 */
export function settle(ledger: LedgerEntry[], entry: LedgerEntry): void {
  const i = ledger.findIndex((e) => e.kind === entry.kind && e.ref === entry.ref);
  if (i === -1) ledger.push(entry);
  else ledger[i] = entry;
}

async function sendOnce(planned: PlannedEmail, ctx: DecisionContext, deps: NotifyDeps, paused: boolean, signal?: AbortSignal): Promise<{ entry: LedgerEntry; sentNow: boolean }> {
  const { store, orderId } = ctx.state;
  const claimId = randomUUID();
  const base = {
    kind: planned.kind,
    ref: planned.ref,
    claimId,
    // The tracking details a confirmation or update stated: a later change is news (updates.ts).
    ...(planned.tracking ? { tracking: planned.tracking } : {}),
    // What the notice told the shopper: the promises it moved follow from it (functions/domain/policy.ts).
    ...(planned.delay
      ? { missedPromise: planned.delay.missedPromise, newEstimate: planned.delay.newEstimate, what: planned.delay.what, ...(planned.delay.shipmentIds ? { shipmentIds: planned.delay.shipmentIds } : {}), ...(planned.delay.reported ? { reported: true } : {}) }
      : {}),
  };
  const now = deps.clock.now().toISOString();
  if (paused) {
    // Non-essential mail is dropped, not queued, while SES reputation is at risk.
    const claim = await deps.orders.claim(store, orderId, { ...base, status: 'skipped', reason: 'non-essential mail paused' });
    return { entry: claim.claimed ? { ...base, status: 'skipped', claimedAt: now, reason: 'paused' } : claim.existing, sentNow: false };
  }
  const claim = await deps.orders.claim(store, orderId, base);
  if (!claim.claimed) {
    let existing = claim.existing;
    // An earlier attempt's outcome is unknown: give SES's Send event a moment to settle it
    // here, then hand the wait to the state machine's ClaimPending retry.
    let waited = 0;
    for (let pause = 50; existing.status === 'claimed' && Date.now() - (existing.claimedAtMs ?? 0) < deps.settleWindowMs; pause = Math.min(pause * 2, 2000)) {
      if (waited >= deps.inProcessSettleMs) throw new ClaimPending(`${planned.kind}/${planned.ref}: waiting for SES to settle an earlier attempt`, (existing.claimedAtMs ?? 0) + deps.settleWindowMs);
      await new Promise((r) => setTimeout(r, pause));
      waited += pause;
      existing = (await deps.orders.getLedger(store, orderId, planned.kind, planned.ref)) ?? existing;
    }
    if (existing.status !== 'claimed') return { entry: existing, sentNow: false };
    // SES published no Send event for the earlier attempt within the window: it was never accepted.
    if (!(await deps.orders.takeOver(store, orderId, planned.kind, planned.ref, existing.claimId, claimId))) {
      throw new ClaimPending(`${planned.kind}/${planned.ref}: claim moved by another attempt`, Date.now() + deps.settleWindowMs);
    }
  }

  const at = deps.checkpoint ?? hostCheckpoint;
  const where = { kind: planned.kind, ref: planned.ref, store, orderId };
  await at('notify.afterClaim', where);

  const order = ctx.state.order!;
  const links = buildLinks(deps.publicBaseUrl, await deps.linkSecret(), { store, orderId, email: order.customer.email });
  const rendered = renderEmail({
    kind: planned.kind,
    state: ctx.state,
    branding: ctx.config.branding,
    // The full tag (de-CH, en-US) is kept for number and date formats; render picks the language.
    locale: pickLocale(order.customer.locale, ctx.config.defaultLocale),
    timeZone: order.customer.timeZone ?? ctx.config.promises.timeZone,
    links,
    shipment: planned.shipment,
    isFinalShipment: planned.isFinalShipment,
    shipmentEstimate: planned.shipment ? shipmentEstimate(ctx, planned.shipment) : undefined,
    estimates: { shipBy: currentShipBy(ctx), deliverBy: currentDeliverBy(ctx) },
    delay: planned.delay,
    refund: planned.refund,
    edits: planned.edits,
    pickup: { location: ctx.state.pickup?.location ?? ctx.config.pickup?.location, hours: ctx.config.pickup?.hours, holdDays: ctx.config.pickup?.holdDays },
    feedbackFollows: planned.feedbackFollows,
  });
  if (planned.kind === 'receipt') {
    // The receipt states the charged total whatever; a breakdown that does not add up to it is
    // the platform's or the mapping's, and worth knowing about.
    const money = checkOrderMoney(order);
    if (!money.reconciles) deps.onMoneyMismatch?.({ store, orderId, ...money });
  }
  // The last moment to stop: SES is the one step that cannot be taken back. The claim stays for
  // the retry, which takes it over once the settle window has passed.
  if (signal?.aborted) throw new TransientFailure(`${planned.kind}/${planned.ref}: the invocation ran out of time before calling SES`);
  const outcome = await deps.mailer.send({
    from: `${ctx.config.branding.name.replace(/["\r\n]/g, '')} <${deps.sender}>`,
    to: order.customer.email,
    replyTo: ctx.config.branding.supportEmail,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    headers: rendered.headers,
    tags: { kind: planned.kind, ledger: ledgerTag(store, orderId, planned.kind, planned.ref) },
  });
  switch (outcome.status) {
    case 'sent':
      await at('notify.beforeRecord', where);
      await deps.orders.markSent(store, orderId, planned.kind, planned.ref, outcome.messageId);
      await at('notify.afterRecord', where);
      // The copy the merchant console shows and resends (a crash before it leaves the email without one).
      await deps.orders.putCopy(store, orderId, planned.kind, planned.ref, outcome.messageId, packContent({ subject: rendered.subject, html: rendered.html, text: rendered.text, headers: rendered.headers }));
      deps.onSent?.(planned.kind);
      return { entry: { ...base, status: 'sent', claimedAt: now, messageId: outcome.messageId, sentAt: deps.clock.now().toISOString() }, sentNow: true };
    case 'rejected':
      await deps.orders.markSkipped(store, orderId, planned.kind, planned.ref, `rejected by SES: ${outcome.reason}`);
      return { entry: { ...base, status: 'skipped', claimedAt: now, reason: outcome.reason }, sentNow: false };
    case 'not_sent':
      await deps.orders.release(store, orderId, planned.kind, planned.ref, claimId);
      throw new TransientFailure(`SES did not accept ${planned.kind}: ${outcome.reason}`);
    case 'unknown':
      // The claim stays: SES's Send event will settle it if the mail was accepted.
      throw new TransientFailure(`SES outcome unknown for ${planned.kind}: ${outcome.reason}`);
  }
}
