/**
 * Fault injection at every step boundary of the email path, black-box against the local
 * runtime: for every email kind an order whose send crashes after the claim, after SES accepted
 * it, before its message id is recorded and after; orders whose routing crashes before and after
 * starting or signalling the workflow; orders whose webhook crashes ingest between storing the
 * event and queueing it (the platform retries the delivery, as platforms do on a 5xx). Then every
 * due email must have gone out exactly once, and every acknowledged webhook must have had its
 * effect.
 *
 * Two ways to crash (local/faults.ts): one function invocation dies (in-process runtime), or
 * the whole runtime's process group is SIGKILLed and started again on its data directory. The
 * clock is manual: days pass only when the test moves them. A fixed set of seeds runs in
 * `npm test` (each orders the webhooks differently, and the process run picks the kinds);
 * `FAULTS_SEEDS=1,2,3` runs others, `FAULTS_FULL=1` crashes the process at every boundary for every kind. A failure names its seed.
 */
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';
import type { CrashPlan, CrashRecord } from '../../local/faults.js';
import { startChild, type ChildRuntime } from '../../local/child-process.js';
import { EMAIL_KINDS, NOTIFY_STEPS, PHASE_MS, TIMELINE_DAYS, deliver, scenario, seeded, shuffle, tally, type FaultOrder } from '../support/fault-scenarios.js';

const SEEDS = (process.env.FAULTS_SEEDS ?? '11,29').split(',').map(Number);
const FULL = process.env.FAULTS_FULL === '1';

/** Posts phase `phase` of every order's webhooks, several orders at a time, in a seeded order. */
async function postPhase(url: () => string, orders: FaultOrder[], phase: number, random: () => number, concurrency = 6): Promise<void> {
  const queue = shuffle(orders.filter((o) => o.webhooks[phase]), random);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let o = queue.shift(); o; o = queue.shift()) for (const hook of o.webhooks[phase]!) await deliver(url, hook);
    }),
  );
}
const PHASES = 3;

/** Virtual ms from `now` to the next 10:00 UTC: the timeline runs in the day, out of the stores' quiet hours (21:00–08:00). */
function untilTen(now: number): number {
  const ten = new Date(now);
  ten.setUTCHours(10, 0, 0, 0);
  if (ten.getTime() <= now) ten.setUTCDate(ten.getUTCDate() + 1);
  return ten.getTime() - now;
}

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
    const routed = [
      { at: 'router.beforeRoute', eventType: 'order.placed', kind: 'receipt' },
      { at: 'router.afterRoute', eventType: 'order.placed', kind: 'receipt' },
      { at: 'router.beforeRoute', eventType: 'shipment.created', kind: 'shipping_confirmation' },
      { at: 'router.afterRoute', eventType: 'order.cancelled', kind: 'cancellation' },
      { at: 'ingest.afterStore', eventType: 'order.placed', kind: 'receipt' },
      { at: 'ingest.afterStore', eventType: 'shipment.updated', kind: 'feedback_request' },
    ] as const;
    for (const r of routed) {
      const orderId = `I${seed}-${r.at.replace(/\W/g, '')}-${r.eventType.replace(/\W/g, '')}`;
      orders.push({ ...scenario(orderId, r.kind, t0, seq), plan: { at: r.at, eventType: r.eventType, orderId, mode: 'invocation' } });
    }

    rt.addCrashPlans(orders.map((o) => o.plan!));
    for (let phase = 0; phase < PHASES; phase++) {
      if (phase > 0) await rt.advanceTime(PHASE_MS);
      await postPhase(() => rt!.url, orders, phase, random);
      await rt.whenIdle({ timeoutMs: 120_000 });
    }
    for (const days of TIMELINE_DAYS) await rt.advanceTime(days * 86_400_000);

    const wrong = tally(orders, await rt.outbox());
    const fired = rt.crashes().length;
    expect({ seed, wrong, crashes: fired }).toEqual({ seed, wrong: [], crashes: orders.length });
    expect(rt.executions().filter((e) => e.status === 'FAILED')).toEqual([]);
  }, 240_000);
});

describe('the whole runtime is SIGKILLed at a step boundary, then started again', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'postpurchase-faults-'));
  let child: ChildRuntime | undefined;
  afterAll(async () => {
    await child?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const seed = SEEDS[0]!;
  it(`every due email is sent exactly once and every acknowledged webhook has its effect (seed ${seed}${FULL ? ', every kind' : ''})`, async () => {
    const random = seeded(seed);
    // The clock first, out of quiet hours, with no crash plans yet (the clock persists in the data directory).
    child = await startChild({ dataDir, manualClock: true });
    const clockNow = async () => Date.parse(((await (await fetch(`${child!.url}/_local/clock`)).json()) as { now: string }).now);
    await child.advance(untilTen(await clockNow()) / 86_400_000);
    const t0 = await clockNow();
    await child.stop();
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
    for (const r of [
      { at: 'router.afterRoute', eventType: 'order.placed', kind: 'receipt' },
      { at: 'ingest.afterStore', eventType: 'order.placed', kind: 'receipt' },
    ] as const) {
      const orderId = `P${seed}-${r.at.replace(/\W/g, '')}`;
      orders.push({ ...scenario(orderId, r.kind, t0, seq), plan: { at: r.at, eventType: r.eventType, orderId, mode: 'process' } });
    }
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
    const start = async () => {
      child = await startChild({ dataDir, manualClock: true, crashPlans: remaining() });
    };
    /** Runs a step; when the runtime dies under it, starts it again and runs the step again (each step is idempotent). */
    const step = async (name: string, body: () => Promise<void>) => {
      for (let attempt = 0; ; attempt++) {
        try {
          await body();
          return;
        } catch (e) {
          const dead = await Promise.race([child!.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 3_000))]);
          if (!dead || attempt > plans.length) throw new Error(`seed ${seed}, step ${name}: ${e instanceof Error ? e.message : String(e)}\n${child!.output().slice(-2000)}`);
          restarts++;
          await start();
        }
      }
    };

    await start();
    for (let phase = 0; phase < PHASES; phase++) {
      if (phase > 0) await step(`clock to phase ${phase}`, () => child!.advance(PHASE_MS / 86_400_000));
      await step(`post phase ${phase}`, () => postPhase(() => child!.url, orders, phase, random));
      await step(`settle phase ${phase}`, () => child!.idle(120_000));
    }
    for (const days of TIMELINE_DAYS) {
      // The clock is saved only once an advance completes, so an advance repeated after a kill
      // starts from the same instant and aims at the same one.
      await step(`advance ${days}`, () => child!.advance(days));
    }
    await step('final settle', () => child!.idle(120_000));

    const wrong = tally(orders, await child!.outbox());
    expect({ seed, wrong, crashed: firedSoFar().length, restarts }).toEqual({ seed, wrong: [], crashed: plans.length, restarts: plans.length });
  }, FULL ? 1_800_000 : 600_000);
});
