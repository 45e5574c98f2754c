/**
 * The local stack as the benchmarks run it: `startLocal` in memory, the DynamoDB and SQS meters in
 * front of their stand-ins, handler log output counted (and kept off the report), and a usage
 * snapshot that two points in a run can be subtracted from (so that warm-up work is left out).
 */
import type { CrashPlan } from '../../local/faults.js';
import { startLocal, type LocalFaults, type LocalRuntime, type LocalStats } from '../../local/runtime.js';
import type { CfnTemplate } from '../../local/template.js';
import { OUTBOX_INDEX, TIMERS_INDEX } from '../../functions/adapters/keys.js';
import type { MeteredIndex } from './index-writes.js';
import { meterDynamoDb, meterSqs, type DynamoUsage, type SqsUsage } from './meter.js';

export interface Usage {
  billedTransitions: number;
  stateTransitions: number;
  /** Express executions started (issue 15's design; 0 while the code runs Standard executions). */
  expressRequests: number;
  /** Their billed duration, summed: each execution rounded up to 100 ms, as Express bills. */
  expressBilledMs: number;
  retries: number;
  executions: number;
  /** Per entry: invocations and total handler milliseconds, the scheduled rules' runs left out. */
  lambda: Record<string, { invocations: number; totalMs: number; memoryMb: number }>;
  /**
   * Per entry, the runs of its scheduled rules (the timers poller, the outbox sweeper, the
   * participation re-drive): by the clock, not per order, `runsPerDay` on AWS. Absent in
   * baselines recorded before it was kept apart.
   */
  scheduled?: Record<string, { invocations: number; totalMs: number; memoryMb: number; runsPerDay: number }>;
  dynamo: DynamoUsage;
  sqs: SqsUsage & { esmBatches: number; messagesDelivered: number };
  emails: number;
  sesEvents: number;
  /** Of those, the ones that went through the SES events queue (the topic delivers Delivery events to the function itself). Absent in older recordings: all of them. */
  sesQueuedEvents?: number;
  httpRequests: number;
  logBytes: number;
}

export interface BenchStack {
  rt: LocalRuntime;
  usage(): Usage;
  stop(): Promise<void>;
}

let logBytes = 0;

/** Counts and discards what handlers write to stdout (Powertools JSON logs and EMF metrics). */
function captureStdout(): () => void {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  return () => {
    process.stdout.write = write;
  };
}

export async function startBenchStack(options: {
  timeScale: number;
  manualClock?: boolean;
  faults?: LocalFaults;
  random?: () => number;
  meter?: boolean;
  crashPlans?: CrashPlan[];
  template?: CfnTemplate;
  sesSendEvent?: 'before-answer' | 'after-answer';
}): Promise<BenchStack> {
  const rt = await startLocal({
    port: 0,
    inMemory: true,
    timeScale: options.timeScale,
    manualClock: options.manualClock,
    faults: options.faults,
    random: options.random,
    crashPlans: options.crashPlans,
    template: options.template,
    sesSendEvent: options.sesSendEvent,
  });
  const meter = options.meter ?? true;
  // The table's indexes as the template defines them (lookup, event outbox, timers), with their projections.
  const indexes: MeteredIndex[] = (rt.app.table?.GlobalSecondaryIndexes ?? []).map((i) => ({
    name: i.IndexName!,
    keys: (i.KeySchema ?? []).map((k) => k.AttributeName!),
    projection: i.Projection?.ProjectionType === 'INCLUDE' ? (i.Projection.NonKeyAttributes ?? []) : i.Projection?.ProjectionType === 'KEYS_ONLY' ? 'KEYS_ONLY' : 'ALL',
  }));
  const dynamo = meter ? await meterDynamoDb({ endpoint: rt.endpoints.dynamodb, indexes, scheduledIndexes: [TIMERS_INDEX, OUTBOX_INDEX] }) : undefined;
  const sqs = meter ? await meterSqs({ endpoint: rt.endpoints.sqs }) : undefined;
  const restore = captureStdout();
  const memory = Object.fromEntries(Object.values(rt.app.functions).map((f) => [f.entry, f.memoryMb]));
  // Runs a day on AWS of each entry's scheduled rules (rate(1 minute): 1,440).
  const runsPerDay: Record<string, number> = {};
  for (const sch of rt.app.schedules) runsPerDay[sch.entry] = (runsPerDay[sch.entry] ?? 0) + 86_400 / sch.periodSeconds;
  return {
    rt,
    usage: () => {
      // Read by name: the Express counters come with issue 15's runtime (0 before it).
      const s = rt.stats() as LocalStats & { expressRequests?: number; expressBilledMs?: number };
      const lambda: Usage['lambda'] = {};
      const scheduled: NonNullable<Usage['scheduled']> = {};
      for (const [entry, invocations] of Object.entries(s.lambdaInvocations)) {
        const d = s.durations[entry];
        const sch = s.scheduled?.[entry] ?? { invocations: 0, totalMs: 0 };
        lambda[entry] = { invocations: invocations - sch.invocations, totalMs: (d ? d.count * d.meanMs : 0) - sch.totalMs, memoryMb: memory[entry] ?? 128 };
        if (runsPerDay[entry]) scheduled[entry] = { ...sch, memoryMb: memory[entry] ?? 128, runsPerDay: runsPerDay[entry] };
      }
      const events = Object.values(s.ses.events).reduce((a, b) => a + b, 0);
      return {
        billedTransitions: s.billedTransitions,
        stateTransitions: s.stateTransitions,
        expressRequests: s.expressRequests ?? 0,
        expressBilledMs: s.expressBilledMs ?? 0,
        retries: s.retries,
        executions: Object.values(s.executions).reduce((a, b) => a + b, 0),
        lambda,
        scheduled,
        dynamo: dynamo?.usage() ?? { rru: 0, wru: 0, estimatedWru: 0, requests: {}, conditionFailures: 0, indexWru: {}, wruByItem: {} },
        sqs: { ...(sqs?.usage() ?? { requests: {} }), esmBatches: s.sqs.batchesDelivered, messagesDelivered: s.sqs.messagesDelivered },
        emails: s.ses.accepted,
        sesEvents: events,
        sesQueuedEvents: s.ses.queuedEvents,
        httpRequests: s.http.requests,
        logBytes,
      };
    },
    stop: async () => {
      await rt.stop();
      await dynamo?.close();
      await sqs?.close();
      restore();
    },
  };
}

const sub = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, (a[k] ?? 0) - (b[k] ?? 0)]));

/** What happened between two snapshots. */
export function usageBetween(before: Usage, after: Usage): Usage {
  const lambda: Usage['lambda'] = {};
  for (const [entry, a] of Object.entries(after.lambda)) {
    const b = before.lambda[entry] ?? { invocations: 0, totalMs: 0 };
    lambda[entry] = { invocations: a.invocations - b.invocations, totalMs: a.totalMs - b.totalMs, memoryMb: a.memoryMb };
  }
  const scheduled: NonNullable<Usage['scheduled']> = {};
  for (const [entry, a] of Object.entries(after.scheduled ?? {})) {
    const b = before.scheduled?.[entry] ?? { invocations: 0, totalMs: 0 };
    scheduled[entry] = { ...a, invocations: a.invocations - b.invocations, totalMs: a.totalMs - b.totalMs };
  }
  return {
    scheduled,
    billedTransitions: after.billedTransitions - before.billedTransitions,
    stateTransitions: after.stateTransitions - before.stateTransitions,
    expressRequests: after.expressRequests - before.expressRequests,
    expressBilledMs: after.expressBilledMs - before.expressBilledMs,
    retries: after.retries - before.retries,
    executions: after.executions - before.executions,
    lambda,
    dynamo: {
      rru: after.dynamo.rru - before.dynamo.rru,
      wru: after.dynamo.wru - before.dynamo.wru,
      estimatedWru: after.dynamo.estimatedWru - before.dynamo.estimatedWru,
      requests: sub(after.dynamo.requests, before.dynamo.requests),
      conditionFailures: after.dynamo.conditionFailures - before.dynamo.conditionFailures,
      indexWru: sub(after.dynamo.indexWru ?? {}, before.dynamo.indexWru ?? {}),
      wruByItem: sub(after.dynamo.wruByItem ?? {}, before.dynamo.wruByItem ?? {}),
      scheduledRru: (after.dynamo.scheduledRru ?? 0) - (before.dynamo.scheduledRru ?? 0),
    },
    sqs: {
      requests: sub(after.sqs.requests, before.sqs.requests),
      esmBatches: after.sqs.esmBatches - before.sqs.esmBatches,
      messagesDelivered: after.sqs.messagesDelivered - before.sqs.messagesDelivered,
    },
    emails: after.emails - before.emails,
    sesEvents: after.sesEvents - before.sesEvents,
    sesQueuedEvents: (after.sesQueuedEvents ?? after.sesEvents) - (before.sesQueuedEvents ?? before.sesEvents),
    httpRequests: after.httpRequests - before.httpRequests,
    logBytes: after.logBytes - before.logBytes,
  };
}
