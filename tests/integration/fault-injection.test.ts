/**
 * Fault injection at every step boundary of the email path, black-box against the local
 * runtime, for every email kind: an order whose send crashes after the claim, after SES accepted
 * it, before its message id is recorded and after; an order whose deciding webhook (the order,
 * the shipment, the delay, the carrier's report, the cancellation, the refund, the edit, ready for
 * pickup, collected) crashes in the router before and after it starts or signals the workflow, or
 * in ingest before it queues the event and between queueing and storing it, with a platform that
 * retries the delivery (as platforms do on a 5xx), and between queueing and storing once more with
 * one that never retries (only the queued message can route that event: the router stores it). Every kind means the workflow's six and issue 13's nine update
 * kinds (tests/support/fault-scenarios.ts), all in one runtime per seed: the orders run side by
 * side, so a kind costs little time. Then every due email must
 * have gone out exactly once, and every acknowledged webhook must have had its effect.
 *
 * Two ways to crash (local/faults.ts): one function invocation dies (in-process runtime), or
 * the whole runtime's process group is SIGKILLed and started again on its data directory. The
 * clock is manual: days pass only when the test moves them, and each phase waits until the
 * runtime is idle, never for a duration. A fixed set of seeds runs in `npm test`
 * (each orders the webhooks differently, and the SIGKILL run picks the kinds);
 * `FAULTS_SEEDS=1,2,3` runs others, `FAULTS_FULL=1` kills the process at every boundary for every
 * kind. A failure names its seed.
 */
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';
import type { CrashPlan, CrashRecord } from '../../local/faults.js';
import { startChild, type ChildRuntime } from '../../local/child-process.js';
import { EMAIL_KINDS, EVENT_OF, NOTIFY_STEPS, PHASE_MS, ROUTING_STEPS, TIMELINE_DAYS, deliver, deliverOnce, onePerDecidingWebhook, scenario, seeded, shuffle, tally, type FaultOrder, type Kind, type Webhook } from '../support/fault-scenarios.js';
import { EMAIL_KINDS as PRODUCT_KINDS } from '../../functions/domain/email/context.js';

const SEEDS = (process.env.FAULTS_SEEDS ?? '11,29').split(',').map(Number);
const FULL = process.env.FAULTS_FULL === '1';

/**
 * Posts phase `phase` of every order's webhooks, several orders at a time, in a seeded order,
 * each until it is acknowledged. Then the crashed webhooks of never-retrying platforms, one at a
 * time and once ever (`once` remembers them across a restart that repeats the phase): a kill
 * while another such post was under way would lose that one too, legitimately (never
 * acknowledged, never retried), and the test would prove nothing about it. `killed` says a
 * planned kill has fired and the runtime is going: the phase stops there, to be repeated.
 */
async function postPhase(url: () => string, orders: FaultOrder[], phase: number, random: () => number, { once = new Set<string>(), alive = (): boolean => true, killed = (): boolean => false }: { once?: Set<string>; alive?: () => boolean; killed?: () => boolean } = {}, concurrency = 6): Promise<void> {
  const queue = shuffle(orders.filter((o) => o.webhooks[phase]), random);
  const postedOnce: Webhook[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let o = queue.shift(); o; o = queue.shift()) {
        for (const hook of o.webhooks[phase]!) {
          if (o.noRetry && hook.type === o.plan?.eventType) postedOnce.push(hook);
          else await deliver(url, hook, { alive });
        }
      }
    }),
  );
  for (const hook of postedOnce) {
    if (once.has(hook.eventId)) continue;
    if (killed()) throw new Error('the runtime was killed');
    once.add(hook.eventId);
    await deliverOnce(url, hook);
    if (killed()) throw new Error(`the runtime was killed at ${hook.eventId}`);
  }
}

/** Orders whose deciding webhook crashes at `at`, one per kind. */
function routingOrders(prefix: string, at: (typeof ROUTING_STEPS)[number], kinds: readonly Kind[], mode: 'invocation' | 'process', t0: number, seq: { n: number }, noRetry = false): FaultOrder[] {
  return kinds.map((kind) => {
    const orderId = `${prefix}-${at.replace(/\W/g, '')}${noRetry ? '-once' : ''}-${kind}`;
    return { ...scenario(orderId, kind, t0, seq), plan: { at, eventType: EVENT_OF[kind], orderId, mode }, ...(noRetry ? { noRetry } : {}) };
  });
}
const PHASES = 3;


/** The boundaries past SES's acceptance: a retry after a kill elsewhere may never reach them (see runWithKills). */
const PAST_SES = new Set<string>(['notify.beforeRecord', 'notify.afterRecord', 'step.beforePosition']);

/** Virtual ms from `now` to the next 10:00 UTC: the timeline runs in the day, out of the stores' quiet hours (21:00–08:00). */
function untilTen(now: number): number {
  const ten = new Date(now);
  ten.setUTCHours(10, 0, 0, 0);
  if (ten.getTime() <= now) ten.setUTCDate(ten.getUTCDate() + 1);
  return ten.getTime() - now;
}

it('the matrix covers every email kind the workflow sends', () => {
  expect([...EMAIL_KINDS].sort()).toEqual([...PRODUCT_KINDS].sort());
});

describe.each(SEEDS)('one function invocation dies at a step boundary (seed %i)', (seed) => {
  let rt: LocalRuntime | undefined;
  afterAll(async () => {
    await rt?.stop();
  });

  it('every due email is sent exactly once and every acknowledged webhook has its effect', async () => {
    const random = seeded(seed);
    rt = await startLocal({ port: 0, inMemory: true, timeScale: 86_400, manualClock: true, random, log: () => {} });
    await rt.advanceTime(untilTen(rt.clock.now().getTime()));
    const t0 = rt.clock.now().getTime();
    const seq = { n: 0 };
    const orders: FaultOrder[] = [];
    for (const at of NOTIFY_STEPS) {
      for (const kind of EMAIL_KINDS) {
        const orderId = `I${seed}-${at.replace(/\W/g, '')}-${kind}`;
        orders.push({ ...scenario(orderId, kind, t0, seq), plan: { at, kind, orderId, mode: 'invocation' } });
      }
    }
    // The platform retries ingest's 502 here; the never-retrying platform has its own test below.
    for (const at of ROUTING_STEPS) orders.push(...routingOrders(`I${seed}`, at, EMAIL_KINDS, 'invocation', t0, seq));

    rt.addCrashPlans(orders.map((o) => o.plan!));
    for (let phase = 0; phase < PHASES; phase++) {
      if (phase > 0) await rt.advanceTime(PHASE_MS);
      await postPhase(() => rt!.url, orders, phase, random);
      await rt.whenIdle({ timeoutMs: 120_000 });
    }
    for (const days of TIMELINE_DAYS) await rt.advanceTime(days * 86_400_000);

    const wrong = tally(orders, await rt.outbox());
    const fired = rt.crashes();
    const unfired = orders.map((o) => o.plan!).filter((p) => !fired.some((f) => f.at === p.at && f.detail.orderId === p.orderId));
    // Every acknowledged webhook routed in the end: none left in the dead-letter queue.
    expect({ seed, wrong, unfired, crashes: fired.length, deadLettered: rt.stats().sqs.deadLettered }).toEqual({ seed, wrong: [], unfired: [], crashes: orders.length, deadLettered: 0 });
    expect(rt.executions().filter((e) => e.status === 'FAILED')).toEqual([]);
  }, 300_000);
});

/**
 * The SIGKILL driver: starts the runtime as its own process group on `dataDir`, posts the phases
 * and moves the clock; whenever a planned kill fires, waits for the process group to be gone,
 * starts the runtime again with the plans not yet fired, and repeats the step (each step is
 * idempotent; a never-retrying platform's webhook is still posted once, ever). With `isolated`,
 * an order planned to die past SES has each phase to itself.
 */
async function runWithKills(dataDir: string, seed: number, random: () => number, build: (t0: number) => FaultOrder[], { isolated = false } = {}) {
  let child: ChildRuntime | undefined;
  try {
    // The clock first, out of quiet hours, with no crash plans yet (the clock persists in the data directory).
    child = await startChild({ dataDir, manualClock: true });
    const clockNow = async () => Date.parse(((await (await fetch(`${child!.url}/_local/clock`)).json()) as { now: string }).now);
    await child.advance(untilTen(await clockNow()) / 86_400_000);
    const t0 = await clockNow();
    await child.stop();
    const orders = build(t0);
    const plans = orders.map((o) => o.plan!);
    const firedSoFar = (): CrashRecord[] => {
      const file = join(dataDir, 'crashes.jsonl');
      return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CrashRecord) : [];
    };
    const remaining = (): CrashPlan[] => {
      const fired = firedSoFar();
      return plans.filter((p) => !fired.some((f) => f.at === p.at && f.detail.orderId === p.orderId));
    };
    let restarts = 0;
    let alive = false;
    const start = async () => {
      const started = await startChild({ dataDir, manualClock: true, crashPlans: remaining() });
      child = started;
      alive = true;
      void started.exited.then(() => {
        if (child === started) alive = false;
      });
    };
    const step = async (name: string, body: () => Promise<void>) => {
      for (let attempt = 0; ; attempt++) {
        try {
          await body();
          return;
        } catch (e) {
          // A planned kill notes itself in crashes.jsonl before the SIGKILL: one more noted than
          // restarts made, and the runtime is certainly going (perhaps killed during an earlier
          // step, by a post nobody awaited an answer to); the step is repeated once it is gone.
          // Any other failure is real.
          if (firedSoFar().length <= restarts || attempt > plans.length) throw new Error(`seed ${seed}, step ${name}: ${e instanceof Error ? e.message : String(e)}\n${child!.output().slice(-2000)}`);
          await child!.exited;
          restarts++;
          await start();
        }
      }
    };
    /** A kill that fired while nothing was waiting on the runtime (a never-retrying platform's post): restart before going on. */
    const settle = async (name: string) =>
      step(name, async () => {
        if (!alive) throw new Error('the runtime died');
        await child!.idle(120_000);
      });

    const once = new Set<string>();
    await start();
    for (let phase = 0; phase < PHASES; phase++) {
      if (phase > 0) await step(`clock to phase ${phase}`, () => child!.advance(PHASE_MS / 86_400_000));
      // An order whose kill is planned past SES (before or after its message id is recorded) is
      // posted alone, once the others have settled: a kill planned for another order must not
      // land while this one's send is past SES and short of its boundary (the restart's Send
      // event settles that claim, the retry sends nothing, and the boundary is never reached:
      // a planned kill that can no longer fire). Boundaries before SES are reached again by the
      // retry, whatever kill interrupted it; deadlines fire one instant at a time anyway.
      const inPhase = orders.filter((o) => o.webhooks[phase]);
      const alone = inPhase.filter((o) => isolated && PAST_SES.has(o.plan!.at));
      const batches = [inPhase.filter((o) => !alone.includes(o)), ...alone.map((o) => [o])].filter((b) => b.length > 0);
      for (const [i, batch] of batches.entries()) {
        await step(`post phase ${phase}, batch ${i}`, () => postPhase(() => child!.url, batch, phase, random, { once, alive: () => alive, killed: () => firedSoFar().length > restarts }));
        await settle(`settle phase ${phase}, batch ${i}`);
      }
    }
    for (const days of TIMELINE_DAYS) {
      // The clock is saved only once an advance completes, so an advance repeated after a kill
      // starts from the same instant and aims at the same one.
      await step(`advance ${days}`, () => child!.advance(days));
    }
    await settle('final settle');
    return { orders, wrong: tally(orders, await child!.outbox()), crashed: firedSoFar().length, restarts, planned: plans.length, unfired: remaining() };
  } finally {
    await child?.kill();
  }
}

describe('the whole runtime is SIGKILLed at a step boundary, then started again', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'postpurchase-faults-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const seed = SEEDS[0]!;
  it(`every due email is sent exactly once and every acknowledged webhook has its effect (seed ${seed}${FULL ? ', every kind' : ''})`, async () => {
    const random = seeded(seed);
    const run = await runWithKills(dataDir, seed, random, (t0) => {
      const seq = { n: 0 };
      const orders: FaultOrder[] = [];
      // Every notify boundary: for every kind with FAULTS_FULL, else for one kind the seed picks.
      for (const at of NOTIFY_STEPS) {
        const kinds = FULL ? [...EMAIL_KINDS] : [EMAIL_KINDS[Math.floor(random() * EMAIL_KINDS.length)]!];
        for (const kind of kinds) {
          const orderId = `P${seed}-${at.replace(/\W/g, '')}-${kind}`;
          orders.push({ ...scenario(orderId, kind, t0, seq), plan: { at, kind, orderId, mode: 'process' } });
        }
      }
      // Every routing boundary: the deciding webhook of every kind with FAULTS_FULL, else of one kind the seed picks.
      for (const at of ROUTING_STEPS) {
        const kinds = FULL ? [...EMAIL_KINDS] : [EMAIL_KINDS[Math.floor(random() * EMAIL_KINDS.length)]!];
        orders.push(...routingOrders(`P${seed}`, at, kinds, 'process', t0, seq));
      }
      return orders;
    }, { isolated: true });
    expect({ seed, wrong: run.wrong, unfired: run.unfired, crashed: run.crashed, restarts: run.restarts }).toEqual({ seed, wrong: [], unfired: [], crashed: run.planned, restarts: run.planned });
  }, FULL ? 1_800_000 : 600_000);
});

describe('ingest dies between queueing the event and storing it, and the platform never retries', () => {
  // Only the queued message can route these events: the router finds the event missing from the
  // order, stores it, and wakes the order. Nothing enters the event outbox.
  const seed = SEEDS[0]!;

  it(`one invocation dies: every due email of every kind is sent exactly once (seed ${seed})`, async () => {
    const random = seeded(seed);
    const rt = await startLocal({ port: 0, inMemory: true, timeScale: 86_400, manualClock: true, random, log: () => {} });
    try {
      await rt.advanceTime(untilTen(rt.clock.now().getTime()));
      const orders = routingOrders(`O${seed}`, 'ingest.afterEnqueue', EMAIL_KINDS, 'invocation', rt.clock.now().getTime(), { n: 0 }, true);
      rt.addCrashPlans(orders.map((o) => o.plan!));
      const once = new Set<string>();
      for (let phase = 0; phase < PHASES; phase++) {
        if (phase > 0) await rt.advanceTime(PHASE_MS);
        await postPhase(() => rt.url, orders, phase, random, { once });
        await rt.whenIdle({ timeoutMs: 120_000 });
      }
      for (const days of TIMELINE_DAYS) await rt.advanceTime(days * 86_400_000);

      expect({ seed, wrong: tally(orders, await rt.outbox()), crashes: rt.crashes().length, postedOnce: once.size }).toEqual({ seed, wrong: [], crashes: orders.length, postedOnce: orders.length });
      // No event ever entered the outbox index: the sweeper had nothing to do with it.
      expect(await rt.outboxEvents()).toBe(0);
      expect(rt.executions().filter((e) => e.status === 'FAILED')).toEqual([]);
    } finally {
      await rt.stop();
    }
  }, 300_000);

  const dataDir = mkdtempSync(join(tmpdir(), 'postpurchase-faults-once-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  it(`the runtime is SIGKILLed: every due email of a kind per deciding webhook is sent exactly once (seed ${seed})`, async () => {
    const random = seeded(seed ^ 0x0dd);
    const run = await runWithKills(dataDir, seed, random, (t0) => routingOrders(`K${seed}`, 'ingest.afterEnqueue', onePerDecidingWebhook(random), 'process', t0, { n: 0 }, true));
    expect({ seed, wrong: run.wrong, unfired: run.unfired, crashed: run.crashed, restarts: run.restarts }).toEqual({ seed, wrong: [], unfired: [], crashed: run.planned, restarts: run.planned });
  }, 600_000);
});
