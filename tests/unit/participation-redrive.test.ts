/**
 * The re-drive rules of participation emails (functions/services/redrive-participation.ts): a
 * claim that a crash left unsent is sent once the settle window has passed and not before, one
 * that SES's Send event settled is left alone, concurrent re-drives and a shopper's reload send
 * it once, a suppressed address gets nothing and the line is done. The ledger here is an
 * in-memory model of ParticipationLedger's conditional writes (the real one runs against
 * dynalite in tests/integration/participation-redrive.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installCheckpointHook } from '../../functions/adapters/host-hooks.js';
import type { OutgoingEmail, SendOutcome } from '../../functions/adapters/mailer.js';
import type { PendingMail } from '../../functions/adapters/review-store.js';
import { orderSchema } from '../../functions/domain/order.js';
import { storeConfigSchema } from '../../functions/domain/store-config.js';
import { sendOnce, type ParticipationDeps, type ParticipationSend } from '../../functions/services/participation.js';
import { redriveParticipation, type RedriveDeps } from '../../functions/services/redrive-participation.js';

const WINDOW_MS = 15 * 60_000;
const config = storeConfigSchema.parse({ storeId: 'shop-1', branding: { name: 'Shop', supportEmail: 'help@example.com', postalAddress: '1 Street' } });
const order = orderSchema.parse({
  orderId: 'O-1',
  orderName: '#1001',
  placedAt: '2026-11-01T10:00:00Z',
  currency: 'EUR',
  customer: { email: 'ann@example.com' },
  lineItems: [{ id: 'a', title: 'Mug', productId: 'P-1', quantity: 1, unitPrice: '10.00', total: '10.00' }],
  subtotal: '10.00',
  total: '10.00',
});
const referral = { code: 'REF-7K2M9QXA', link: 'https://pages.example.com/r/REF-7K2M9QXA', pointsPerReferral: 200 };
const reward: ParticipationSend = { orderId: 'O-1', kind: 'review_reward', ref: 'order', to: 'ann@example.com', email: { kind: 'review_reward', order, code: 'THANKS-1', referral, balance: 50 } };
const alert: ParticipationSend = { orderId: 'O-1', kind: 'low_rating_alert', ref: 'order', to: 'help@example.com', email: { kind: 'low_rating_alert', order, rating: 1 } };

interface Line { status: string; claimId: string; claimedAtMs: number; indexed: boolean; redrive?: Record<string, unknown> }

/** ParticipationLedger's conditions, in memory: put-if-absent, take-over on the claim id, settle only while claimed. */
function memoryLedger() {
  const lines = new Map<string, Line & { store: string; orderId: string; kind: string; ref: string }>();
  const k = (s: string, o: string, kind: string, ref: string) => `${s}|${o}|${kind}|${ref}`;
  return {
    lines,
    line: (m: ParticipationSend) => lines.get(k('shop-1', m.orderId, m.kind, m.ref)),
    async claim(store: string, orderId: string, kind: string, ref: string, claimId: string, _at: Date, redrive?: Record<string, unknown>) {
      const old = lines.get(k(store, orderId, kind, ref));
      if (old) return { claimed: false as const, status: old.status, claimedAtMs: old.claimedAtMs, claimId: old.claimId };
      lines.set(k(store, orderId, kind, ref), { store, orderId, kind, ref, status: 'claimed', claimId, claimedAtMs: Date.now(), indexed: redrive !== undefined, ...(redrive ? { redrive } : {}) });
      return { claimed: true as const };
    },
    async takeOver(store: string, orderId: string, kind: string, ref: string, oldClaimId: string, newClaimId: string) {
      const l = lines.get(k(store, orderId, kind, ref));
      if (!l || l.status !== 'claimed' || l.claimId !== oldClaimId) return false;
      Object.assign(l, { claimId: newClaimId, claimedAtMs: Date.now() });
      return true;
    },
    async release(store: string, orderId: string, kind: string, ref: string, claimId: string) {
      const l = lines.get(k(store, orderId, kind, ref));
      if (l?.status === 'claimed' && l.claimId === claimId) lines.delete(k(store, orderId, kind, ref));
    },
    async settle(store: string, orderId: string, kind: string, ref: string, outcome: { status: 'sent' | 'skipped' }) {
      const l = lines.get(k(store, orderId, kind, ref));
      if (l?.status === 'claimed') Object.assign(l, { status: outcome.status, indexed: false, redrive: undefined });
    },
    async status() {
      return undefined;
    },
    async pendingMail(beforeMs: number, limit: number): Promise<PendingMail[]> {
      return [...lines.values()]
        .filter((l) => l.indexed && l.status === 'claimed' && l.claimedAtMs <= beforeMs)
        .slice(0, limit)
        .map((l) => ({ store: l.store, orderId: l.orderId, kind: l.kind, ref: l.ref, claimedAtMs: l.claimedAtMs, redrive: l.redrive! }));
    },
  };
}

let ledger: ReturnType<typeof memoryLedger>;
let sent: OutgoingEmail[];
let suppressed: Set<string>;

function deps(): RedriveDeps {
  const mailer = {
    async send(email: OutgoingEmail): Promise<SendOutcome> {
      sent.push(email);
      // Yield, so concurrent re-drives interleave between the claim and SES.
      await Promise.resolve();
      return { status: 'sent', messageId: `m-${sent.length}` };
    },
  };
  const base: ParticipationDeps = {
    reviews: {} as ParticipationDeps['reviews'],
    ledger: ledger as unknown as ParticipationDeps['ledger'],
    mailer,
    sender: 'shop@example.com',
    publicBaseUrl: 'https://pages.example.com',
    linkSecret: 'k'.repeat(32),
    now: () => new Date(),
    settleWindowMs: WINDOW_MS,
    isSuppressed: async (_s, email) => suppressed.has(email),
  };
  return { ...base, ledger: ledger as unknown as RedriveDeps['ledger'], configFor: (s) => (s === 'shop-1' ? config : undefined) };
}

/** The sender dies right after the claim (participation.afterClaim), as a crashed invocation would. */
async function crashAfterClaim(m: ParticipationSend): Promise<void> {
  installCheckpointHook((step) => {
    if (step === 'participation.afterClaim') throw new Error('crash');
  });
  await expect(sendOnce(deps(), config, m)).rejects.toThrow('crash');
  installCheckpointHook(undefined);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-10T10:00:00Z'));
  ledger = memoryLedger();
  sent = [];
  suppressed = new Set();
});
afterEach(() => {
  installCheckpointHook(undefined);
  vi.useRealTimers();
});

describe('participation re-drive', () => {
  it('sends a claim a crash left unsent once the settle window has passed, not before, and then never again', async () => {
    await crashAfterClaim(reward);
    expect(sent).toHaveLength(0);

    vi.advanceTimersByTime(WINDOW_MS - 1);
    expect((await redriveParticipation(deps())).found).toBe(0);
    expect(sent).toHaveLength(0);

    vi.advanceTimersByTime(1);
    expect(await redriveParticipation(deps())).toEqual({ found: 1, outcomes: { sent: 1 } });
    expect(sent.map((e) => [e.to, e.tags.kind])).toEqual([['ann@example.com', 'review_reward']]);
    expect(sent[0]!.text).toContain('THANKS-1');
    expect(ledger.line(reward)).toMatchObject({ status: 'sent', indexed: false });

    vi.advanceTimersByTime(WINDOW_MS * 4);
    expect((await redriveParticipation(deps())).found).toBe(0);
    // A shopper's reload after that finds it sent.
    expect(await sendOnce(deps(), config, reward)).toBe('already_sent');
    expect(sent).toHaveLength(1);
  });

  it('leaves alone a claim whose lost answer SES\'s Send event settled', async () => {
    await crashAfterClaim(alert);
    // SES accepted it after all; its Send event settles the line (ses-events → markSent).
    await ledger.settle('shop-1', 'O-1', 'low_rating_alert', 'order', { status: 'sent' });
    vi.advanceTimersByTime(WINDOW_MS);
    expect((await redriveParticipation(deps())).found).toBe(0);
    expect(sent).toHaveLength(0);
  });

  it('sends once when re-drives run concurrently with a shopper\'s reload', async () => {
    await crashAfterClaim(reward);
    await crashAfterClaim(alert);
    vi.advanceTimersByTime(WINDOW_MS);
    await Promise.all([redriveParticipation(deps()), redriveParticipation(deps()), sendOnce(deps(), config, reward), redriveParticipation(deps())]);
    expect(sent.map((e) => e.tags.kind).sort()).toEqual(['low_rating_alert', 'review_reward']);
    expect(ledger.line(reward)?.status).toBe('sent');
    expect(ledger.line(alert)?.status).toBe('sent');
  });

  it('sends nothing to an address suppressed since the claim, and settles the line skipped', async () => {
    await crashAfterClaim(reward);
    suppressed.add('ann@example.com');
    vi.advanceTimersByTime(WINDOW_MS);
    expect(await redriveParticipation(deps())).toEqual({ found: 1, outcomes: { suppressed: 1 } });
    expect(sent).toHaveLength(0);
    expect(ledger.line(reward)).toMatchObject({ status: 'skipped', indexed: false });
  });

  it('does not send a line whose stored email does not match its kind, or of a store no longer configured', async () => {
    await crashAfterClaim(reward);
    ledger.line(reward)!.redrive = { to: 'ann@example.com', email: { kind: 'review_reply' } };
    await crashAfterClaim({ ...alert, orderId: 'O-2' });
    ledger.lines.get('shop-1|O-2|low_rating_alert|order')!.store = 'gone';
    vi.advanceTimersByTime(WINDOW_MS);
    expect(await redriveParticipation(deps())).toEqual({ found: 2, outcomes: { unreadable: 2 } });
    expect(sent).toHaveLength(0);
  });
});
