/**
 * notify's claim-settle path, step by step, against a real DynamoDB API (dynalite): what each
 * SES outcome leaves in the ledger, and what the next attempt then does. SES is a scripted
 * stand-in at the Mailer boundary (the SES error classification has its own tests in
 * mailer.test.ts): it answers each send with the outcome a test names, and records every email
 * it accepted, the answer lost or not, so "sent exactly once" is counted on what SES took.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OrderStore } from '../../functions/adapters/order-store.js';
import type { Mailer, OutgoingEmail, SendOutcome } from '../../functions/adapters/mailer.js';
import { keys } from '../../functions/adapters/keys.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { formatDate } from '../../functions/domain/i18n/format.js';
import { waitSeconds, type EmailKind } from '../../functions/domain/lifecycle.js';
import { handleSesEvent } from '../../functions/services/ses-events.js';
import type { NotifyDeps, NotifyOptions } from '../../functions/services/notify.js';
import { step } from '../../functions/services/step.js';
import { sendState } from '../support/send-state.js';
import { STORE, aStoreConfig, anOrder, events } from '../support/builders.js';
import { eventItem } from '../support/sdk.js';
import { startLocalTable, type LocalTable } from '../support/dynalite.js';

/** A weekday morning in Berlin: no quiet hours. */
const NOW = new Date('2026-12-03T09:00:00Z');
const clock = { now: () => NOW };

/** SES at the Mailer boundary: answers with the scripted outcomes, then "sent". */
class ScriptedSes {
  /** Every email SES accepted, with its message id (whether or not the answer reached notify). */
  readonly accepted: { messageId: string; email: OutgoingEmail }[] = [];
  private readonly script: SendOutcome['status'][] = [];
  private seq = 0;

  answer(...outcomes: SendOutcome['status'][]): this {
    this.script.push(...outcomes);
    return this;
  }

  async send(email: OutgoingEmail): Promise<SendOutcome> {
    const status = this.script.shift() ?? 'sent';
    switch (status) {
      case 'sent':
      case 'unknown': {
        // "unknown": SES took the email, the answer was lost (timeout, crash): the worst case.
        const messageId = `ses-${++this.seq}`;
        this.accepted.push({ messageId, email });
        return status === 'sent' ? { status, messageId } : { status, reason: 'TimeoutError' };
      }
      case 'rejected':
        return { status, reason: 'MessageRejected' };
      case 'not_sent':
        return { status, reason: 'TooManyRequestsException' };
    }
  }

  /** SES's own Send event for an accepted email, as the SES event handler receives it. */
  sendEvent(i = this.accepted.length - 1) {
    const { messageId, email } = this.accepted[i]!;
    return { eventType: 'Send', mail: { messageId, timestamp: NOW.toISOString(), destination: [email.to], tags: { ledger: [email.tags.ledger!], kind: [email.tags.kind!] } } };
  }
}

/** The order store, with a hook that runs each time notify looks at the ledger again while it waits. */
class ObservedStore extends OrderStore {
  looks = 0;
  onLook: (look: number) => Promise<void> = async () => {};

  override async getLedger(...args: Parameters<OrderStore['getLedger']>) {
    this.looks++;
    await this.onLook(this.looks);
    return super.getLedger(...args);
  }
}

let table: LocalTable;
let seq = 0;

beforeAll(async () => {
  table = await startLocalTable();
});

afterAll(async () => {
  await table?.close();
});

interface World {
  orderId: string;
  ses: ScriptedSes;
  orders: ObservedStore;
  deps: NotifyDeps;
  run: (kind?: EmailKind, overrides?: Partial<NotifyDeps>, options?: NotifyOptions) => Promise<string>;
  line: (kind?: EmailKind, ref?: string) => Promise<Record<string, unknown> | undefined>;
  /** Sets the (virtual) clock of this world. */
  at: (iso: string) => void;
  freshWait: (next: Parameters<typeof waitSeconds>[0]) => Promise<number>;
}

/** A fresh order with the given events stored, and notify wired to dynalite and scripted SES. */
async function world(storedEvents: (orderId: string) => DomainEvent[] = (id) => [events.placed(anOrder({ orderId: id, orderName: `#${id}` }))], config = aStoreConfig()): Promise<World> {
  const orderId = `N-${++seq}`;
  for (const e of storedEvents(orderId)) await table.doc.send(new PutCommand({ TableName: table.tableName, Item: eventItem(e, orderId) }));
  const ses = new ScriptedSes();
  let now = NOW;
  const clock = { now: () => now };
  const orders = new ObservedStore(table.doc, table.tableName, { clock, retentionDays: 30 });
  const deps: NotifyDeps = {
    orders,
    mailer: ses as unknown as Mailer,
    clock,
    configFor: (s) => (s === STORE ? config : undefined),
    sender: 'orders@acme.example',
    publicBaseUrl: 'https://pages.acme.example',
    linkSecret: async () => 'test-link-secret',
    settleWindowMs: 60_000,
    inProcessSettleMs: 0,
  };
  const run: World['run'] = (kind = 'receipt', overrides = {}, options = {}) =>
    sendState(kind, { store: STORE, orderId }, { ...deps, ...overrides }, options).then(
      (r) => `sent ${r.sent}`,
      (e: Error) => `${e.name}: ${e.message}`,
    );
  const line: World['line'] = async (kind = 'receipt', ref = 'order') => (await orders.getLedger(STORE, orderId, kind, ref)) as Record<string, unknown> | undefined;
  const at = (iso: string) => {
    now = new Date(iso);
  };
  /** The wait computed afresh from what is stored: the wait the walk takes after a send must agree with it. */
  const freshWait = async (next: Parameters<typeof waitSeconds>[0]) => waitSeconds(next, { ...(await orders.load(STORE, orderId)), config, now: clock.now() });
  return { orderId, ses, orders, deps, run, line, at, freshWait };
}

/** A line claimed by an earlier attempt whose outcome is unknown, `ageMs` ago in real time. */
async function earlierClaim(w: World, ageMs: number, claimId = 'earlier'): Promise<void> {
  await table.doc.send(
    new PutCommand({
      TableName: table.tableName,
      Item: { pk: keys.order(STORE, w.orderId), sk: keys.mailSk('receipt', 'order'), itemType: 'mail', kind: 'receipt', ref: 'order', status: 'claimed', claimId, claimedAt: NOW.toISOString(), claimedAtMs: Date.now() - ageMs },
    }),
  );
}

const delivered = (id: string) => [
  events.placed(anOrder({ orderId: id, orderName: `#${id}` })),
  events.shipped('2026-11-24T10:00:00Z'),
  events.status('2026-11-26T12:00:00Z', 'delivered'),
];

describe('notify: an earlier attempt whose outcome is unknown', () => {
  it('waits for SES to settle it and sends nothing when its Send event arrives meanwhile', async () => {
    const w = await world();
    w.ses.answer('unknown');
    await w.run();
    // SES's Send event for that email arrives while the retry is waiting, on its fourth look.
    w.orders.onLook = async (look) => {
      if (look === 4) await handleSesEvent(w.ses.sendEvent() as never, w.orders);
    };

    const started = Date.now();
    const outcome = await w.run('receipt', { inProcessSettleMs: 10_000 });

    expect(outcome).toBe('sent 0');
    expect(w.ses.accepted).toHaveLength(1);
    expect(await w.line()).toMatchObject({ status: 'sent', messageId: 'ses-1' });
    // It looks again soon at first (after 50, 100, 200, 400 ms), not only once its budget is spent.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('hands the wait to a retry (ClaimPending) when its in-process budget runs out, leaving the claim to its owner', async () => {
    const w = await world();
    await earlierClaim(w, 0);

    const outcome = await w.run('receipt', { inProcessSettleMs: 300 });

    expect(outcome).toBe('ClaimPending: receipt/order: waiting for SES to settle an earlier attempt');
    expect(w.orders.looks).toBeGreaterThanOrEqual(2);
    expect(w.ses.accepted).toHaveLength(0);
    expect(await w.line()).toMatchObject({ status: 'claimed', claimId: 'earlier' });
  });

  it('does not look again at all when it has no in-process budget: the retry waits instead', async () => {
    const w = await world();
    await earlierClaim(w, 0);
    // Were it to look, it would find the email settled.
    w.orders.onLook = async () => {
      await w.orders.markSent(STORE, w.orderId, 'receipt', 'order', 'ses-elsewhere');
    };

    expect(await w.run('receipt', { inProcessSettleMs: 0 })).toMatch(/^ClaimPending/);
    expect(w.orders.looks).toBe(0);
  });

  it('sends nothing when the earlier attempt was settled as skipped', async () => {
    const w = await world();
    await earlierClaim(w, 0);
    await w.orders.markSkipped(STORE, w.orderId, 'receipt', 'order', 'rejected by SES: MessageRejected');

    expect(await w.run()).toBe('sent 0');
    expect(w.ses.accepted).toHaveLength(0);
  });

  it('takes the claim over once SES published nothing for it within the settle window, and sends once', async () => {
    const w = await world();
    await earlierClaim(w, 120_000, 'crashed');

    expect(await w.run()).toBe('sent 1');

    expect(w.ses.accepted).toHaveLength(1);
    const line = await w.line();
    expect(line).toMatchObject({ status: 'sent', messageId: 'ses-1' });
    expect(line!.claimId).not.toBe('crashed');
    expect(await w.run()).toBe('sent 0');
    expect(w.ses.accepted).toHaveLength(1);
  });

  it('takes over a claim exactly as old as the settle window: the window is over, not still open', async () => {
    const w = await world();
    // Real time stands still, so the claim is exactly one window old when notify reads it.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      await earlierClaim(w, 1_000, 'crashed');

      expect(await w.run('receipt', { settleWindowMs: 1_000 })).toBe('sent 1');
    } finally {
      vi.useRealTimers();
    }
    expect(w.ses.accepted).toHaveLength(1);
  });

  it('backs off (ClaimPending) when another attempt took the stale claim over first', async () => {
    const w = await world();
    await earlierClaim(w, 120_000, 'crashed');
    // Between this attempt's read and its take-over, another retry takes the claim.
    const racing = new (class extends ObservedStore {
      override async takeOver(...args: Parameters<OrderStore['takeOver']>) {
        await super.takeOver(args[0], args[1], args[2], args[3], args[4], 'the-other-retry');
        return super.takeOver(...args);
      }
    })(table.doc, table.tableName, { clock, retentionDays: 30 });

    expect(await w.run('receipt', { orders: racing })).toBe('ClaimPending: receipt/order: claim moved by another attempt');

    expect(w.ses.accepted).toHaveLength(0);
    expect(await w.line()).toMatchObject({ status: 'claimed', claimId: 'the-other-retry' });
  });
});

describe('notify: what each SES outcome leaves in the ledger', () => {
  it('sent: records the message id', async () => {
    const w = await world();

    const result = await sendState('receipt', { store: STORE, orderId: w.orderId }, w.deps);

    expect(result.sent).toBe(1);
    expect(await w.line()).toMatchObject({ status: 'sent', messageId: 'ses-1', sentAt: NOW.toISOString() });
  });

  it('rejected: settles the line as skipped with SES\'s reason; no retry, and nothing sent later', async () => {
    const w = await world();
    w.ses.answer('rejected');

    expect(await w.run()).toBe('sent 0');

    expect(await w.line()).toMatchObject({ status: 'skipped', reason: 'rejected by SES: MessageRejected' });
    expect(await w.run()).toBe('sent 0');
    expect(w.ses.accepted).toHaveLength(0);
  });

  it('not sent (throttled): releases the claim and fails transiently, so the retry sends it once', async () => {
    const w = await world();
    w.ses.answer('not_sent');

    expect(await w.run()).toBe('TransientFailure: SES did not accept receipt: TooManyRequestsException');
    expect(await w.line()).toBeUndefined();

    expect(await w.run()).toBe('sent 1');
    expect(w.ses.accepted).toHaveLength(1);
  });

  it('unknown (answer lost): keeps the claim and fails transiently; the retry waits, and SES\'s Send event settles it: sent once', async () => {
    const w = await world();
    w.ses.answer('unknown');

    expect(await w.run()).toBe('TransientFailure: SES outcome unknown for receipt: TimeoutError');
    expect(await w.line()).toMatchObject({ status: 'claimed' });
    expect(await w.run()).toMatch(/^ClaimPending/);

    expect(await handleSesEvent(w.ses.sendEvent() as never, w.orders)).toBe('settled');
    expect(await w.run()).toBe('sent 0');
    expect(w.ses.accepted).toHaveLength(1);
    expect(await w.line()).toMatchObject({ status: 'sent', messageId: 'ses-1' });
  });
});

describe('notify: non-essential mail while sending is paused', () => {
  it('settles the feedback request as skipped, with why, and never sends it later', async () => {
    const w = await world(delivered);
    await w.orders.setNonEssentialPaused(true, 'bounce rate near review');
    try {
      const result = await sendState('feedback_request', { store: STORE, orderId: w.orderId }, w.deps);
      expect(result.sent).toBe(0);
      expect(result.waitFor('feedback')).toBe(await w.freshWait('feedback'));
    } finally {
      await w.orders.setNonEssentialPaused(false, 'test over');
    }

    expect(await w.line('feedback_request')).toMatchObject({ status: 'skipped', reason: 'non-essential mail paused' });
    expect(await w.run('feedback_request')).toBe('sent 0');
    expect(w.ses.accepted).toHaveLength(0);
  });
});

describe('notify: the next wait counts from what was just sent', () => {
  it('waits the reminder delay from the feedback request it just sent', async () => {
    const w = await world(delivered);

    const result = await sendState('feedback_request', { store: STORE, orderId: w.orderId }, w.deps);

    expect(result.sent).toBe(1);
    expect(result.waitFor('feedback')).toBe(aStoreConfig().lifecycle.feedbackReminderDays * 86_400);
    expect(result.waitFor('feedback')).toBe(await w.freshWait('feedback'));
  });
});

describe('notify: delay notices', () => {
  it('records what each notice said, and a second missed promise gets its own notice: the stored ledger decides what is due', async () => {
    const w = await world();
    w.at('2026-11-26T10:00:00Z');

    const first = await sendState('delay_notice', { store: STORE, orderId: w.orderId }, w.deps);

    expect(first.sent).toBe(1);
    const [notice] = (await w.orders.load(STORE, w.orderId)).ledger.filter((l) => l.kind === 'delay_notice');
    expect(notice).toMatchObject({ status: 'sent', missedPromise: '2026-11-25T16:00:00.000Z' });
    expect(Date.parse(notice!.newEstimate!)).toBeGreaterThan(Date.parse('2026-11-26T10:00:00Z'));
    expect(first.waitFor('shipment')).toBe(await w.freshWait('shipment'));

    // A week on, still unshipped: the new estimate has passed too.
    w.at('2026-12-03T10:00:00Z');
    expect(await w.run('delay_notice')).toBe('sent 1');
    expect(w.ses.accepted).toHaveLength(2);
  });

  it('after SES rejects a notice, waits as the stored ledger says', async () => {
    const w = await world();
    w.at('2026-11-26T10:00:00Z');
    w.ses.answer('rejected');

    const result = await sendState('delay_notice', { store: STORE, orderId: w.orderId }, w.deps);

    expect(result.sent).toBe(0);
    expect(result.waitFor('shipment')).toBe(await w.freshWait('shipment'));
  });
});

describe('notify: input and the email itself', () => {
  it('refuses an empty store or order id before touching the ledger', async () => {
    const w = await world();

    await expect(step({ order: { store: STORE, orderId: '' } }, w.deps)).rejects.toThrow(/orderId/);
    await expect(step({ order: { store: '', orderId: w.orderId } }, w.deps)).rejects.toThrow(/store/);
    expect(w.ses.accepted).toHaveLength(0);
  });

  it('sends from the store name without quotes or line breaks, which could forge headers', async () => {
    const base = aStoreConfig();
    const w = await world(undefined, { ...base, branding: { ...base.branding, name: 'Acme "Outdoor"\r\nBcc: victim@example.com' } });

    await w.run();

    expect(w.ses.accepted[0]!.email.from).toBe('Acme OutdoorBcc: victim@example.com <orders@acme.example>');
  });

  it('writes the receipt\'s promised dates in the store\'s time zone when the shopper\'s is unknown, with the estimates in force', async () => {
    // Delivery promised for 23:30 UTC on the 27th: the 28th in Berlin.
    const w = await world((id) => [events.placed(anOrder({ orderId: id, orderName: `#${id}`, promises: { deliverBy: '2026-11-27T23:30:00Z' } }))]);

    await w.run();

    const text = w.ses.accepted[0]!.email.text;
    expect(text).toContain(formatDate('2026-11-27T23:30:00Z', 'de-DE', 'Europe/Berlin'));
    expect(text).not.toContain(formatDate('2026-11-27T23:30:00Z', 'de-DE', 'UTC'));
    // The ship-by date comes from the store's handling days: two business days after Monday.
    expect(text).toContain(formatDate('2026-11-25T16:00:00Z', 'de-DE', 'Europe/Berlin'));
  });
});
