/**
 * The walk stored on the order (issue 15), against a real DynamoDB API (dynalite): a wake starts
 * a step (the poller's after its lease); a step walks from the stored position, sends one state's emails
 * and records where it rests and when it is next due in the timers index; the poller wakes what
 * is due. The execution that runs the steps is a recording stand-in here (the local runtime runs
 * the real Express definition); SES is a stand-in at the Mailer boundary.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderStore } from '../../functions/adapters/order-store.js';
import type { Mailer, OutgoingEmail, SendOutcome } from '../../functions/adapters/mailer.js';
import { keys, timerShard } from '../../functions/adapters/keys.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { MAX_SENDING_STATES, step, type StepDeps } from '../../functions/services/step.js';
import { LEASE_MS, wake } from '../../functions/services/wake.js';
import { pollTimers } from '../../functions/services/timers.js';
import { STORE, aStoreConfig, anOrder, events } from '../support/builders.js';
import { eventItem } from '../support/sdk.js';
import { counter } from '../../functions/domain/console/tallies.js';
import { startLocalTable, type LocalTable } from '../support/dynalite.js';

class Ses {
  readonly sent: OutgoingEmail[] = [];
  async send(email: OutgoingEmail): Promise<SendOutcome> {
    this.sent.push(email);
    return { status: 'sent', messageId: `ses-${this.sent.length}` };
  }
  kinds() {
    return this.sent.map((e) => e.tags.kind);
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

/** A fresh order with its events stored, the store, a clock the test moves, and the step executions started. */
async function world(first: (orderId: string) => DomainEvent[] = (id) => [events.placed(anOrder({ orderId: id, orderName: `#${id}` }))]) {
  const orderId = `S-${++seq}`;
  let now = new Date('2026-11-23T09:00:05Z');
  const clock = { now: () => now };
  const orders = new OrderStore(table.doc, table.tableName, { clock, retentionDays: 30 });
  const ses = new Ses();
  const started: { version?: number; cause: string }[] = [];
  const workflow = { startStep: async (_s: string, _o: string, version: number | undefined, cause: string) => (started.push({ ...(version === undefined ? {} : { version }), cause }), 'started' as const) };
  const deps: StepDeps = {
    orders,
    mailer: ses as unknown as Mailer,
    clock,
    configFor: (s) => (s === STORE ? aStoreConfig() : undefined),
    sender: 'orders@acme.example',
    publicBaseUrl: 'https://pages.acme.example',
    linkSecret: async () => 'test-link-secret',
    settleWindowMs: 60_000,
    inProcessSettleMs: 0,
  };
  const store = async (e: DomainEvent) => table.doc.send(new PutCommand({ TableName: table.tableName, Item: eventItem(e, orderId) }));
  for (const e of first(orderId)) await store(e);
  /** Steps as the OrderStep execution does, until the walk rests or ends. */
  const run = async (overrides: Partial<StepDeps> = {}) => {
    const results = [];
    for (let i = 0; i < 20; i++) {
      const r = await step({ order: { store: STORE, orderId } }, { ...deps, ...overrides });
      results.push(r);
      if (!r.more) break;
    }
    return results;
  };
  const position = async () => (await orders.load(STORE, orderId)).position;
  return { orderId, orders, ses, started, deps, store, run, position, at: (iso: string) => (now = new Date(iso)), wakeDeps: { orders, workflow, checkpoint: async () => {} } };
}

/**
 * Runs a walk; the first time it is about to record its position (it loaded the order before),
 * a shipment is stored and `meanwhile` runs.
 */
async function runRacing(w: Awaited<ReturnType<typeof world>>, meanwhile: () => Promise<unknown>) {
  let raced = false;
  const results = await w.run({
    checkpoint: async (boundary) => {
      if (boundary !== 'step.beforePosition' || raced) return;
      raced = true;
      await w.store(events.shipped('2026-11-23T09:30:00Z'));
      await meanwhile();
    },
  });
  return { raced, results };
}

describe('an order walked one step per wake', () => {
  it('sends the receipt, then rests in the shipment wait with its deadline in the timers index', async () => {
    const w = await world();
    expect(await wake(w.wakeDeps, STORE, w.orderId, 'placed')).toBe('started');
    const steps = await w.run();
    // One call, one position write: the walk goes on past the send to where it rests.
    expect(steps.map((s) => [s.at, s.sent, s.more])).toEqual([['AwaitShipment', 1, false]]);
    expect(w.ses.kinds()).toEqual(['receipt']);
    const pos = await w.position();
    expect(pos).toMatchObject({ state: 'AwaitShipment', timerSk: `${pos!.deadline}#${STORE}#${w.orderId}` });
    expect(pos!.history.map((t) => `${t.from}→${t.to}`)).toEqual(['SendReceipt→AwaitShipment']);
  });

  it('sends what a wake finds due in one call, up to MAX_SENDING_STATES send states; stepping again, it is due at the lease at the latest', async () => {
    // Weeks late (a platform that replays an order's whole history at once): the receipt, the
    // shipping confirmation, the delivered email and the feedback request are all due.
    const w = await world((id) => [events.placed(anOrder({ orderId: id, orderName: `#${id}` })), events.shipped('2026-11-23T10:00:00Z'), events.status('2026-11-24T10:00:00Z', 'delivered')]);
    w.at('2026-12-20T10:00:00Z');
    await wake(w.wakeDeps, STORE, w.orderId, 'placed');
    const first = await step({ order: { store: STORE, orderId: w.orderId } }, w.deps);
    expect(first).toMatchObject({ sent: MAX_SENDING_STATES, more: true });
    // Between two steps the order is due within the lease: an execution that dies here is woken.
    const pos = (await w.position())!;
    const due = Date.parse(pos.timerSk!.split('#')[0]!);
    expect(due).toBeLessThanOrEqual(w.deps.clock.now().getTime() + LEASE_MS);
    expect(due).toBeGreaterThan(w.deps.clock.now().getTime());
    const rest = await w.run();
    expect(rest.at(-1)!.more).toBe(false);
    const kinds = w.ses.kinds();
    expect(kinds.slice(0, 4)).toEqual(['receipt', 'shipping_confirmation', 'delivered', 'feedback_request']);
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  it('does nothing for an event that came before its order, and is not in the timers index for it', async () => {
    const w = await world(() => [events.shipped('2026-11-23T09:30:00Z')]);
    expect(await wake(w.wakeDeps, STORE, w.orderId, 'shipped first')).toBe('started');
    expect((await w.run())[0]).toMatchObject({ at: 'unplaced', sent: 0 });
    expect(w.ses.sent).toEqual([]);
    expect(await w.position()).toBeUndefined();
  });

  it("writes the order's first position with its first walk, once: of two first walks at once, one writes it and the other walks again from it", async () => {
    const w = await world();
    expect(await w.position()).toBeUndefined();
    const [a, b] = await Promise.all([w.run(), w.run()]);
    expect([a[0]!.at, b[0]!.at]).toEqual(['AwaitShipment', 'AwaitShipment']);
    expect(w.ses.kinds()).toEqual(['receipt']);
    const pos = (await w.position())!;
    // One creation (version 1); the loser's walk again found it and wrote nothing new, or wrote version 2.
    expect(pos.version).toBeGreaterThanOrEqual(1);
    expect(pos.history.filter((t) => t.from === 'SendReceipt')).toHaveLength(1);
  });

  it("takes no lease for a wake: the order's position and timer are as the last walk left them until the step runs", async () => {
    const w = await world();
    await w.run();
    const before = (await w.position())!;
    expect(await wake(w.wakeDeps, STORE, w.orderId, 'shipped')).toBe('started');
    expect(await w.position()).toEqual(before);
    expect(w.started).toEqual([{ cause: 'shipped' }]);
  });

  it('leases an order whose step failed past its retries: the poller wakes it once the lease is over, and once only', async () => {
    const w = await world();
    // The first walk of a placed order failed: the Lease state gives it its position, leased.
    expect(await step({ order: { store: STORE, orderId: w.orderId }, cause: 'placed', lease: true }, w.deps)).toEqual({ order: { store: STORE, orderId: w.orderId }, more: false, at: 'leased', sent: 0, delivered: false });
    const shard = Number(timerShard(STORE, w.orderId).slice(2));
    const mine = async () => (await w.orders.dueTimers(shard, w.deps.clock.now(), 1000)).filter((t) => t.orderId === w.orderId);
    expect(await mine()).toEqual([]);
    w.at(new Date(Date.parse('2026-11-23T09:00:05Z') + LEASE_MS).toISOString());
    expect(await mine()).toHaveLength(1);
    // Two poller runs at once: the poller's lease is conditional on the timer found, so one wins.
    const [a, b] = await Promise.all([pollTimers({ ...w.wakeDeps, clock: w.deps.clock }), pollTimers({ ...w.wakeDeps, clock: w.deps.clock })]);
    expect(w.started.filter((s) => s.cause.startsWith('timer'))).toHaveLength(1);
    expect(a.woken + b.woken).toBe(1);
    await w.run();
    expect(w.ses.kinds()).toEqual(['receipt']);
    // A later step that fails leases the position it has (it moves the timer to the lease's end).
    w.at('2026-11-23T12:00:00Z');
    expect(await step({ order: { store: STORE, orderId: w.orderId }, lease: true }, w.deps)).toMatchObject({ at: 'leased' });
    expect((await w.position())!.timerSk).toBe(`2026-11-23T12:05:00.000Z#${STORE}#${w.orderId}`);
  });

  it('leases nothing for an order not placed', async () => {
    const w = await world(() => [events.shipped('2026-11-23T09:30:00Z')]);
    expect(await step({ order: { store: STORE, orderId: w.orderId }, lease: true }, w.deps)).toEqual({ order: { store: STORE, orderId: w.orderId }, more: false, at: 'unplaced', sent: 0, delivered: false });
    expect(await w.position()).toBeUndefined();
  });

  it('leases a placed order whose first walk failed whatever else it has stored (its shipment too)', async () => {
    const w = await world((id) => [events.placed(anOrder({ orderId: id, orderName: `#${id}` })), events.shipped('2026-11-23T09:30:00Z')]);
    expect(await step({ order: { store: STORE, orderId: w.orderId }, lease: true }, w.deps)).toMatchObject({ at: 'leased' });
    expect((await w.position())!.timerSk).toBe(`2026-11-23T09:05:05.000Z#${STORE}#${w.orderId}`);
  });

  it("leases a due timer without moving it: a walk of it that dies is woken again once the lease is over, and the walk's record ends the lease", async () => {
    const w = await world();
    await w.run();
    const { deadline, timerSk } = (await w.position())!;
    w.at(deadline!);
    // The other tests' orders share the table (and may be due too): count this order's wakes.
    const mine: string[] = [];
    const workflow = { startStep: async (_s: string, orderId: string, _v: number | undefined, cause: string) => (orderId === w.orderId && mine.push(cause), 'started' as const) };
    const poll = async () => {
      const before = mine.length;
      await pollTimers({ ...w.wakeDeps, workflow, clock: w.deps.clock });
      return mine.length - before;
    };
    expect(await poll()).toBe(1);
    // Its walk died: the timer is where it was, due, and leased (another run does not take it).
    expect((await w.position())!.timerSk).toBe(timerSk);
    const leased = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: keys.order(STORE, w.orderId), sk: keys.position } }));
    expect(leased.Item!.leaseUntil).toBe(new Date(Date.parse(deadline!) + LEASE_MS).toISOString());
    expect(await poll()).toBe(0);
    w.at(new Date(Date.parse(deadline!) + LEASE_MS).toISOString());
    expect(await poll()).toBe(1);
    // This one walks: the delay notice, the timer moved to the next deadline, the lease gone.
    await w.run();
    expect(w.ses.kinds()).toEqual(['receipt', 'delay_notice']);
    const after = (await w.position())!;
    expect(after.timerSk).not.toBe(timerSk);
    // The stored item itself (the loaded position's schema keeps only what the walk reads).
    const raw = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: keys.order(STORE, w.orderId), sk: keys.position } }));
    expect(raw.Item).not.toHaveProperty('leaseUntil');
    expect(await poll()).toBe(0);
  });

  it('wakes at the deadline and takes its route: past the ship-by date, a delay notice', async () => {
    const w = await world();
    await wake(w.wakeDeps, STORE, w.orderId, 'placed');
    await w.run();
    const { deadline } = (await w.position())!;
    w.at(deadline!);
    const polled = await pollTimers({ ...w.wakeDeps, clock: w.deps.clock });
    expect(polled.woken).toBeGreaterThanOrEqual(1);
    await w.run();
    expect(w.ses.kinds()).toEqual(['receipt', 'delay_notice']);
    expect((await w.position())!.state).toBe('AwaitShipment');
    // A timer that fires again walks to where the order rests: nothing more goes out.
    await w.run();
    expect(w.ses.kinds()).toEqual(['receipt', 'delay_notice']);
  });

  it('misses no event that came while it walked: the wake of the event walks after the walk that did not see it', async () => {
    const w = await world();
    await wake(w.wakeDeps, STORE, w.orderId, 'placed');
    await w.run();
    // While a step walks (it read the order before the shipment was stored), the shipment comes and is woken.
    const { raced, results: racing } = await runRacing(w, () => wake(w.wakeDeps, STORE, w.orderId, 'shipped'));
    expect(raced).toBe(true);
    expect(racing.at(-1)!.at).toBe('AwaitShipment');
    // The shipment's own step, which its wake started, loads after it was stored.
    expect(w.started.map((s) => s.cause)).toEqual(['placed', 'shipped']);
    const results = await w.run();
    expect(w.ses.kinds()).toEqual(['receipt', 'shipping_confirmation']);
    expect(results.at(-1)!.at).toBe('AwaitDelivery');
  });

  it('walks again when its position write loses to a walk that saw more: the event it missed is not lost', async () => {
    const w = await world();
    await w.run();
    // While a step walks, the shipment comes and its own walk runs to its end first.
    const { raced, results } = await runRacing(w, () => w.run());
    expect(raced).toBe(true);
    expect(w.ses.kinds()).toEqual(['receipt', 'shipping_confirmation']);
    expect(results.at(-1)!.at).toBe('AwaitDelivery');
  });

  it('rests at the send state while an earlier attempt\'s claim is unsettled, as often as it takes, and sends once the window is over', async () => {
    const w = await world();
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: keys.order(STORE, w.orderId), sk: keys.mailSk('receipt', 'order'), itemType: 'mail', kind: 'receipt', ref: 'order', status: 'claimed', claimId: 'earlier', claimedAt: '2026-11-23T09:00:05Z', claimedAtMs: Date.now() },
      }),
    );
    await wake(w.wakeDeps, STORE, w.orderId, 'placed');
    // No budget to run out: every wake before the window's end rests again, due at its end.
    for (let i = 0; i < 15; i++) {
      const [r] = await w.run();
      expect(r).toMatchObject({ at: 'SendReceipt', more: false, sent: 0 });
      // Due at the claim's settle end (claimed just now, a 60 s window), not a second from now.
      const due = Date.parse((await w.position())!.timerSk!.split('#')[0]!);
      expect(due).toBeGreaterThanOrEqual(Date.parse('2026-11-23T09:00:05Z') + 50_000);
      expect(due).toBeLessThanOrEqual(Date.parse('2026-11-23T09:00:05Z') + 61_000);
    }
    expect(w.ses.sent).toEqual([]);
    // The window over (real time, as SES's events run): the take-over sends.
    const results = await w.run({ settleWindowMs: 0 });
    expect(results[0]).toMatchObject({ at: 'AwaitShipment', sent: 1 });
    expect(w.ses.kinds()).toEqual(['receipt']);
  });

  it('a timer that fires late, and again, sends nothing wrong and nothing twice: the shipment its wake never walked is confirmed, no delay notice', async () => {
    const w = await world();
    await wake(w.wakeDeps, STORE, w.orderId, 'placed');
    await w.run();
    const { deadline } = (await w.position())!;
    // Shipped an hour before the ship-by passed; its wake was lost (no lease, no step): only the
    // ship-by timer is left, and it fires two days late.
    await w.store(events.shipped(new Date(Date.parse(deadline!) - 3600_000).toISOString()));
    w.at(new Date(Date.parse(deadline!) + 2 * 86_400_000).toISOString());
    expect((await pollTimers({ ...w.wakeDeps, clock: w.deps.clock })).woken).toBeGreaterThanOrEqual(1);
    await w.run();
    expect(w.ses.kinds()).toEqual(['receipt', 'shipping_confirmation']);
    // The same timer found again (a poller that read it before the lease), and a duplicate step.
    await wake(w.wakeDeps, STORE, w.orderId, 'timer again');
    await w.run();
    await w.run();
    expect(w.ses.kinds()).toEqual(['receipt', 'shipping_confirmation']);
    expect((await w.position())!.state).toBe('AwaitDelivery');
  });

  it('says when the walk entered the feedback window (the referral credit follows it) and calls onDelivered once per such walk; a cancelled order never', async () => {
    const delivered = (id: string) => [events.placed(anOrder({ orderId: id, orderName: `#${id}` })), events.shipped('2026-11-23T10:00:00Z'), events.status('2026-11-24T10:00:00Z', 'delivered')];
    const w = await world(delivered);
    w.at('2026-11-24T11:00:00Z');
    await wake(w.wakeDeps, STORE, w.orderId, 'placed');
    const credited: string[] = [];
    const [r] = await w.run({ onDelivered: async (l) => void credited.push(l.state.orderId) });
    expect(r).toMatchObject({ at: 'AwaitFeedbackWindow', delivered: true, more: false, sent: 3 });
    expect(credited).toEqual([w.orderId]);
    // Woken again where it rests: it did not enter the window this time.
    await wake(w.wakeDeps, STORE, w.orderId, 'again');
    expect((await w.run())[0]).toMatchObject({ at: 'AwaitFeedbackWindow', delivered: false, sent: 0 });

    const c = await world((id) => [events.placed(anOrder({ orderId: id, orderName: `#${id}` })), events.cancelled('2026-11-23T09:00:00Z')]);
    await wake(c.wakeDeps, STORE, c.orderId, 'placed');
    expect((await c.run({ onDelivered: async () => void credited.push('cancelled') })).every((x) => !x.delivered)).toBe(true);
    expect(credited).toEqual([w.orderId]);
  });

  it('tells the step boundary which kinds its walk sent, and nothing of a walk that sent none', async () => {
    const w = await world((id) => [events.placed(anOrder({ orderId: id, orderName: `#${id}` })), events.shipped('2026-11-23T09:00:00Z')]);
    await wake(w.wakeDeps, STORE, w.orderId, 'placed');
    const seen: Array<{ step: string; kinds?: readonly string[]; orderId?: string }> = [];
    const checkpoint = async (step: string, detail: { kinds?: readonly string[]; orderId?: string }) => void seen.push({ step, ...detail });
    await w.run({ checkpoint });
    await w.run({ checkpoint });
    const boundaries = seen.filter((x) => x.step === 'step.beforePosition');
    expect(boundaries).toEqual([
      { step: 'step.beforePosition', store: STORE, orderId: w.orderId, kinds: ['receipt', 'shipping_confirmation'] },
      { step: 'step.beforePosition', store: STORE, orderId: w.orderId },
    ]);
  });

  it('hands over after MAX_REWALKS lost position writes: superseded, nothing more to step, nothing sent twice', async () => {
    const w = await world();
    await wake(w.wakeDeps, STORE, w.orderId, 'placed');
    let loads = 0;
    const orders = Object.create(w.orders) as typeof w.orders;
    orders.load = (store, orderId) => (loads++, w.orders.load(store, orderId));
    orders.savePosition = async () => false;
    const [r] = await w.run({ orders });
    expect(r).toEqual({ order: { store: STORE, orderId: w.orderId }, more: false, at: 'superseded', sent: 0, delivered: false });
    expect(loads).toBe(5);
    expect(w.ses.kinds()).toEqual(['receipt']);
  });

  it('answers an order not placed yet with unplaced, and nothing to step', async () => {
    const w = await world(() => []);
    expect(await step({ order: { store: STORE, orderId: w.orderId } }, w.deps)).toEqual({ order: { store: STORE, orderId: w.orderId }, more: false, at: 'unplaced', sent: 0, delivered: false });
  });

  it("a wake names the event type at its boundary; a timer's wake that lost the timer is taken", async () => {
    const w = await world();
    const seen: Array<Record<string, unknown>> = [];
    const deps = { ...w.wakeDeps, checkpoint: async (step: string, detail: object) => void seen.push({ step, ...detail }) };
    expect(await wake(deps, STORE, w.orderId, 'placed', { eventType: 'order.placed' })).toBe('started');
    expect(seen).toEqual([{ step: 'wake.beforeStart', store: STORE, orderId: w.orderId, eventType: 'order.placed' }]);
    expect(await wake(deps, STORE, w.orderId, 'timer', { ifTimerSk: 'not-the-timer' })).toBe('taken');
    expect(w.started).toHaveLength(1);
  });

  it("counts the order's milestones once, with the walk's position write: a shipment is counted by the walk that sees it, not by walks again or walks at once", async () => {
    const w = await world();
    await w.run();
    await w.store(events.shipped('2026-11-23T09:30:00Z'));
    const day = async () => (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: keys.stats(STORE), sk: keys.statsDay('2026-11-23') } }))).Item ?? {};
    const before = Number((await day())[counter.shipOnTime] ?? 0);
    await Promise.all([w.run(), w.run()]);
    await w.run();
    expect(Number((await day())[counter.shipOnTime]) - before).toBe(1);
    expect((await w.orders.load(STORE, w.orderId)).tallied).toEqual(new Set(['shipped']));
    expect(w.ses.kinds()).toEqual(['receipt', 'shipping_confirmation']);
  });

  it('leaves the timers index when the walk ends', async () => {
    const w = await world((id) => [events.placed(anOrder({ orderId: id, orderName: `#${id}` })), events.cancelled('2026-11-23T09:00:00Z', 'customer request')]);
    await wake(w.wakeDeps, STORE, w.orderId, 'placed');
    await w.run();
    const pos = await w.position();
    expect(pos!.state).toBe('END');
    expect(pos!.timerSk).toBeUndefined();
  });
});
