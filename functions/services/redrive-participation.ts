/**
 * The participation re-drive: a review reward, a reply, a referral reward or an alert is sent
 * when a shopper or merchant acts, so a crash between its ledger claim and SES's acceptance
 * would otherwise leave it until a later request happens to need it, possibly never. Each claim
 * enters the outbox index's MAIL partition with the email it stands for (participation.ts,
 * sendOnce); settling the line (sent by the sender or by SES's Send event, skipped) takes it out.
 * This, run every minute by a schedule (lib/participation-redrive.ts), sends each line still
 * there past the settle window through the same sendOnce: the claim is taken over only if it is
 * still unsettled and still the one found (a conditional update on its claim id), so a line that
 * SES settled meanwhile is left alone and two re-drives, or a re-drive and a shopper's reload,
 * send it once.
 */
import type { PendingMail } from '../adapters/review-store.js';
import { participationKindSchema } from '../domain/email/participation/kinds.js';
import type { ParticipationEmail } from '../domain/email/participation/render.js';
import type { StoreConfig } from '../domain/store-config.js';
import { isStale, sendOnce, type MailResult, type ParticipationDeps, type ParticipationSend } from './participation.js';

export interface RedriveDeps extends ParticipationDeps {
  ledger: ParticipationDeps['ledger'] & { pendingMail(beforeMs: number, limit: number): Promise<PendingMail[]> };
  configFor: (store: string) => StoreConfig | undefined;
  /** Real time, epoch ms. @default Date.now */
  nowMs?: () => number;
  /** Most lines one run re-drives; the rest wait for the next run. @default 100 */
  maxLines?: number;
}

export interface RedriveResult {
  /** Lines found past the settle window. */
  found: number;
  /** Of those, how each went (sendOnce's answer); `unreadable` for a line this code cannot send. */
  outcomes: Partial<Record<MailResult | 'unreadable', number>>;
}

/** The stored email of a line, if it is one this code can send (its kind and the email's agree). */
export function redriveOf(line: PendingMail): { to: string; locale?: string; email: ParticipationEmail } | undefined {
  const kind = participationKindSchema.safeParse(line.kind);
  const r = line.redrive as { to?: unknown; locale?: unknown; email?: { kind?: unknown } };
  if (!kind.success || typeof r.to !== 'string' || typeof r.email !== 'object' || r.email === null || r.email.kind !== kind.data) return undefined;
  return { to: r.to, ...(typeof r.locale === 'string' ? { locale: r.locale } : {}), email: r.email as ParticipationEmail };
}

/** Re-drives every participation line unsettled past the settle window (up to maxLines). */
export async function redriveParticipation(deps: RedriveDeps): Promise<RedriveResult> {
  const nowMs = (deps.nowMs ?? Date.now)();
  const lines = await deps.ledger.pendingMail(nowMs - deps.settleWindowMs, deps.maxLines ?? 100);
  const outcomes: RedriveResult['outcomes'] = {};
  const count = (o: MailResult | 'unreadable') => (outcomes[o] = (outcomes[o] ?? 0) + 1);
  for (const line of lines) {
    const stored = redriveOf(line);
    const config = deps.configFor(line.store);
    // The query's bound is the index's copy of the claim time; the line's own decides.
    if (!isStale(line.claimedAtMs, nowMs, deps.settleWindowMs)) continue;
    if (!stored || !config) {
      // Left in the index (a store removed from the configuration may come back); logged each run.
      deps.logger?.warn('participation email cannot be re-driven', { store: line.store, orderId: line.orderId, kind: line.kind });
      count('unreadable');
      continue;
    }
    const result = await sendOnce(deps, config, { orderId: line.orderId, kind: line.kind as ParticipationSend['kind'], ref: line.ref, ...stored });
    // The address bounced or complained since the claim: nothing goes to it, and the line is done.
    if (result === 'suppressed') await deps.ledger.settle(line.store, line.orderId, line.kind, line.ref, { status: 'skipped', reason: 'suppressed' }, deps.now());
    count(result);
  }
  return { found: lines.length, outcomes };
}
