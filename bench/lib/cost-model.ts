/**
 * Turns what a local run counted into a bill on AWS, per 1,000 orders, with the prices of
 * bench/prices.json, and into the scale envelope: for each account quota, what one order consumes
 * of it and the orders a day at which it binds. Everything the run can count is counted; the few
 * things it cannot see are modelled, and each such line says how (see docs/BENCHMARKS.md).
 *
 * Two designs are told apart by what the run counted: the old one starts one Standard execution
 * per order and keeps it open through every wait (billed transitions, no Express requests); issue
 * 15's starts a short Express execution per event or deadline and keeps deadlines in a DynamoDB
 * timer index (Express requests, and no Standard transitions).
 */
import { readFileSync } from 'node:fs';
import type { Usage } from './stack.js';

export interface Price {
  usd: number;
  unit: string;
  published: string;
  source: string;
  note?: string;
  /** false: the figure could not be confirmed at its source (the note says what was found). */
  confirmed?: boolean;
}

export interface Quota {
  /** null: no number (SQS standard: "nearly unlimited"). */
  value: number | null;
  bucket?: number;
  unit: string;
  adjustable: boolean;
  /** How far AWS documents it can be raised, in AWS's words. */
  adjustableTo?: string;
  /** Where to ask for more. */
  request?: string;
  appliesTo: 'old' | 'new' | 'both' | 'comparison';
  source: string;
  confirmed: boolean;
  note?: string;
}

export type QuotaKey =
  | 'sfnOpenExecutions'
  | 'sfnStandardStartExecution'
  | 'sfnStandardStateTransition'
  | 'sfnSendTask'
  | 'sfnExpressStartExecution'
  | 'lambdaConcurrency'
  | 'dynamoTableWrite'
  | 'dynamoTableRead'
  | 'dynamoPartitionWrite'
  | 'httpApi'
  | 'sesSandboxPerDay'
  | 'sesSandboxPerSecond'
  | 'sqsStandard'
  | 'schedulerSchedules'
  | 'schedulerApiRate'
  | 'schedulerInvocations';

export interface Prices {
  region: string;
  checked: string;
  prices: Record<string, Price>;
  quotas: { checked: string; region: string; items: Record<QuotaKey, Quota> };
}

export function loadPrices(file: URL | string): Prices {
  return JSON.parse(readFileSync(file, 'utf8')) as Prices;
}

export interface CostLine {
  service: string;
  /** What was counted, per order. */
  perOrder: number;
  unit: string;
  /** Dollars per 1,000 orders. */
  per1000: number;
  /** Part of the all-in target (false: shown for information). */
  inTarget: boolean;
}

/** Lambda bills each invocation's duration rounded up to the next millisecond: +0.5 ms on average. */
const ROUNDING_MS = 0.5;
/** Express bills memory in 64-MB chunks; a workflow this small uses one (about 50 MB + definition + data). */
export const EXPRESS_BILLED_MB = 64;
/**
 * The timers poller (issue 15: functions/timers.ts, EventBridge rate(1 minute)) runs by the clock,
 * not per order: its invocations are left out of the per-order Lambda lines and billed as a fixed
 * daily cost spread over {@link FIXED_COST_ORDERS_PER_DAY} orders.
 */
export const TIMERS_ENTRY = 'timers';
export const POLLER_RUNS_PER_DAY = 1440;
export const FIXED_COST_ORDERS_PER_DAY = 1_000_000;
/** Shards of the timer index's partition key (design: `T#0` … `T#15`). */
export const TIMER_SHARDS = 16;

export type Design = 'old' | 'new';

/** Which design produced these counts (see the module comment). */
export function designOf(usage: Pick<Usage, 'expressRequests' | 'billedTransitions'>): Design {
  return usage.expressRequests > 0 ? 'new' : 'old';
}

const priceOf = (prices: Prices, k: string): number => {
  const price = prices.prices[k];
  if (!price) throw new Error(`bench/prices.json has no price "${k}"`);
  return price.usd;
};

export function costPer1000(usage: Usage, orders: number, prices: Prices): { lines: CostLine[]; total: number } {
  const p = (k: string) => priceOf(prices, k);
  const per = (n: number) => n / orders;
  const k = 1000;
  // The local runtime counts states entered for every machine; only Standard bills them. In the
  // new design every execution is Express (billed per request and duration instead).
  const old = designOf(usage) === 'old';
  const standardTransitions = old ? usage.billedTransitions : 0;
  const perOrderLambda = Object.entries(usage.lambda).filter(([entry]) => entry !== TIMERS_ENTRY).map(([, l]) => l);
  const invocations = perOrderLambda.reduce((n, l) => n + l.invocations, 0);
  const gbSeconds = perOrderLambda.reduce((n, l) => n + ((l.totalMs + ROUNDING_MS * l.invocations) / 1000) * (l.memoryMb / 1024), 0);
  const expressGbSeconds = (usage.expressBilledMs / 1000) * (EXPRESS_BILLED_MB / 1024);
  // Sends counted at the SQS API (the meter); the event source mappings' receives and deletes
  // happen inside Lambda's poller: one ReceiveMessage and one DeleteMessageBatch per batch, for
  // the event queue (the router's batches) and for the SES events queue, which SNS fills (its
  // deliveries to SQS are not billed as publishes) and which the local SES stand-in hands to
  // ses-events one event a batch: an upper bound, AWS batches up to 10 under load. Delivery
  // events skip the queue: SNS invokes ses-events with them itself (not billed either).
  const sqsRequests = Object.values(usage.sqs.requests).reduce((a, b) => a + b, 0) + 2 * usage.sqs.esmBatches + 2 * (usage.sesQueuedEvents ?? usage.sesEvents);
  // Traces if every request were sampled: one per webhook or page request, per router batch,
  // per execution and per SES event notification.
  const traces = usage.httpRequests + usage.sqs.esmBatches + (old ? usage.executions : usage.expressRequests) + usage.sesEvents;
  const lines: CostLine[] = [
    { service: 'Step Functions Standard (billed transitions)', perOrder: per(standardTransitions), unit: 'transitions', per1000: per(standardTransitions) * k * p('stepFunctionsStandardPerTransition'), inTarget: true },
    { service: 'Step Functions Express requests', perOrder: per(usage.expressRequests), unit: 'executions', per1000: per(usage.expressRequests) * k * p('stepFunctionsExpressPerRequest'), inTarget: true },
    { service: `Step Functions Express duration (${EXPRESS_BILLED_MB} MB, per 100 ms)`, perOrder: per(expressGbSeconds), unit: 'GB-s', per1000: per(expressGbSeconds) * k * p('stepFunctionsExpressPerGbSecond'), inTarget: true },
    { service: 'Lambda requests', perOrder: per(invocations), unit: 'invocations', per1000: per(invocations) * k * p('lambdaPerRequest'), inTarget: true },
    { service: 'Lambda duration (arm64)', perOrder: per(gbSeconds), unit: 'GB-s', per1000: per(gbSeconds) * k * p('lambdaArmPerGbSecond'), inTarget: true },
    { service: 'DynamoDB writes (on-demand)', perOrder: per(usage.dynamo.wru), unit: 'WRU', per1000: per(usage.dynamo.wru) * k * p('dynamoDbOnDemandPerWru'), inTarget: true },
    { service: 'DynamoDB reads (on-demand)', perOrder: per(usage.dynamo.rru), unit: 'RRU', per1000: per(usage.dynamo.rru) * k * p('dynamoDbOnDemandPerRru'), inTarget: true },
    { service: 'SES emails (a la carte)', perOrder: per(usage.emails), unit: 'emails', per1000: per(usage.emails) * k * p('sesPerEmail'), inTarget: true },
    { service: 'HTTP API requests', perOrder: per(usage.httpRequests), unit: 'requests', per1000: per(usage.httpRequests) * k * p('httpApiPerRequest'), inTarget: true },
    { service: 'SQS requests', perOrder: per(sqsRequests), unit: 'requests', per1000: per(sqsRequests) * k * p('sqsStandardPerRequest'), inTarget: true },
    { service: 'SNS publishes (SES events)', perOrder: per(usage.sesEvents), unit: 'publishes', per1000: per(usage.sesEvents) * k * p('snsPerPublish'), inTarget: true },
    { service: 'CloudWatch Logs ingestion', perOrder: per(usage.logBytes) / 1024, unit: 'KB', per1000: (per(usage.logBytes) / 1024 ** 3) * k * p('cloudWatchLogsPerGbIngested'), inTarget: false },
    { service: 'X-Ray, if every trace were recorded', perOrder: per(traces), unit: 'traces', per1000: per(traces) * k * p('xrayPerTraceRecorded'), inTarget: false },
  ];
  // The scheduled rules (by the clock, whatever the orders): each run an invocation at its measured
  // mean duration and its index queries (eventually consistent, under 4 KB when nothing is due:
  // 0.5 RRU each; the poller queries every timer shard). Baselines recorded before the runs were
  // kept apart have only the poller, inside `lambda`.
  const scheduled = usage.scheduled ?? (usage.lambda[TIMERS_ENTRY] ? { [TIMERS_ENTRY]: { ...usage.lambda[TIMERS_ENTRY], runsPerDay: POLLER_RUNS_PER_DAY } } : {});
  const ran = Object.entries(scheduled).filter(([, r]) => r.invocations > 0);
  if (ran.length > 0) {
    let perDay = 0;
    let runs = 0;
    for (const [entry, r] of ran) {
      const runMs = r.totalMs / r.invocations + ROUNDING_MS;
      const queries = entry === TIMERS_ENTRY ? TIMER_SHARDS : 1;
      perDay += r.runsPerDay * (p('lambdaPerRequest') + (runMs / 1000) * (r.memoryMb / 1024) * p('lambdaArmPerGbSecond') + queries * 0.5 * p('dynamoDbOnDemandPerRru'));
      runs += r.runsPerDay;
    }
    lines.push({
      service: `Scheduled functions (fixed: ${ran.map(([e, r]) => `${e} ${r.runsPerDay}`).join(', ')} runs a day, at ${FIXED_COST_ORDERS_PER_DAY.toLocaleString('en')} orders/day)`,
      perOrder: runs / FIXED_COST_ORDERS_PER_DAY,
      unit: 'runs',
      per1000: (perDay / FIXED_COST_ORDERS_PER_DAY) * k,
      inTarget: true,
    });
  }
  return { lines, total: lines.filter((l) => l.inTarget).reduce((n, l) => n + l.per1000, 0) };
}

/** What one order consumes of each quota, from one scenario of a local run. */
export interface OrderProfile {
  design: Design;
  /** Standard executions started (old). */
  standardExecutions: number;
  /** Days a Standard execution stays open (old; the lifecycle's worst case, see {@link openDaysOf}). */
  openDays: number;
  stateTransitions: number;
  /** SendTaskSuccess/Failure calls (old): one per callback wait, counted as the await λ's invocations. */
  sendTaskCalls: number;
  expressExecutions: number;
  lambdaInvocations: number;
  /** Handler seconds, all functions but the timers poller. */
  lambdaSeconds: number;
  wru: number;
  rru: number;
  /** Writes to the outbox index, whose partition key is one constant per kind (`outboxPk`): events only in earlier versions, participation claims. */
  outboxIndexWru: number;
  /** Writes to the timer index (new), spread over {@link TIMER_SHARDS} partition keys. */
  timerIndexWru: number;
  httpRequests: number;
  emails: number;
}

export interface Lifecycle {
  handlingDays: number;
  transitDays: number;
  feedbackDelayDays: number;
  feedbackReminderDays: number;
}

/**
 * How long an old-design execution stays open when the shopper never answers the feedback
 * request: handling and transit (business days, as calendar days) + the feedback window + the
 * reminder's wait. The bench's happy path gives feedback at once, so its measured open time is
 * shorter; the envelope uses this one (orders whose shopper never answers are the common case).
 */
export function openDaysOf(l: Lifecycle): number {
  const calendar = (businessDays: number) => (businessDays * 7) / 5;
  return calendar(l.handlingDays) + calendar(l.transitDays) + l.feedbackDelayDays + l.feedbackReminderDays;
}

export function profileOf(usage: Usage, orders: number, lifecycle: Lifecycle): OrderProfile {
  const per = (n: number) => n / orders;
  const lambda = Object.entries(usage.lambda).filter(([entry]) => entry !== TIMERS_ENTRY);
  const design = designOf(usage);
  return {
    design,
    standardExecutions: design === 'old' ? per(usage.executions) : 0,
    openDays: design === 'old' ? openDaysOf(lifecycle) : 0,
    stateTransitions: design === 'old' ? per(usage.stateTransitions) : 0,
    sendTaskCalls: design === 'old' ? per(usage.lambda.await?.invocations ?? 0) : 0,
    expressExecutions: per(usage.expressRequests),
    lambdaInvocations: per(lambda.reduce((n, [, l]) => n + l.invocations, 0)),
    lambdaSeconds: per(lambda.reduce((n, [, l]) => n + l.totalMs, 0) / 1000),
    wru: per(usage.dynamo.wru),
    rru: per(usage.dynamo.rru),
    outboxIndexWru: per(usage.dynamo.indexWru?.outboxPk ?? 0),
    timerIndexWru: per(usage.dynamo.indexWru?.timerPk ?? 0),
    httpRequests: per(usage.httpRequests),
    emails: per(usage.emails),
  };
}

export interface EnvelopeRow {
  quota: string;
  limit: string;
  /** What one order consumes of it. */
  perOrder: string;
  /** Orders a day at which it binds on its default; Infinity: it does not (nothing consumed, or no limit). */
  bindsAt: number;
  /** Where the default binds below the goal: what it must be raised to, and how. */
  raise?: { to: string; documented: boolean; request: string };
  key: QuotaKey | 'outboxIndexPartition';
}

export interface Envelope {
  rows: EnvelopeRow[];
  /** The row that binds first, on defaults. */
  first: EnvelopeRow;
  /** The first that is not the SES sending quota (which every account leaves the sandbox for anyway). */
  firstBesidesEmail: EnvelopeRow;
  peakFactor: number;
  goal: number;
}

const SECONDS_PER_DAY = 86_400;
const n0 = (x: number) => Math.round(x).toLocaleString('en');
const f2 = (x: number) => (Math.round(x * 100) / 100).toLocaleString('en');

/** Whether AWS's "can be increased to" words cover a value. */
function documentedTo(adjustableTo: string | undefined, value: number): boolean {
  if (!adjustableTo) return false;
  const words = adjustableTo.toLowerCase();
  if (words.startsWith('tens of thousands')) return value < 100_000;
  if (words.startsWith('hundreds of thousands')) return value < 1_000_000;
  if (words.startsWith('millions')) return value < 10_000_000;
  if (words.startsWith('billions')) return value < 1e12;
  return false;
}

/**
 * The scale envelope of one design. Rate quotas (per second) are consumed at `peakFactor` times
 * the day's average rate; level quotas (open executions) at the average (an open execution lives
 * for weeks, so a peak hour moves the level little).
 */
export function scaleEnvelope(profile: OrderProfile, prices: Prices, options: { peakFactor: number; goal: number; timerShards?: number }): Envelope {
  const q = prices.quotas.items;
  const { peakFactor, goal } = options;
  const shards = options.timerShards ?? TIMER_SHARDS;
  const rows: EnvelopeRow[] = [];
  /** Orders a day at which `perSecondLimit` binds when one order consumes `perOrder` of it. */
  const rate = (perSecondLimit: number, perOrder: number) => (perOrder > 0 ? (perSecondLimit * SECONDS_PER_DAY) / (peakFactor * perOrder) : Infinity);
  const add = (key: EnvelopeRow['key'], quota: string, limit: string, perOrder: string, bindsAt: number, raise?: (needed: number) => EnvelopeRow['raise']) => {
    rows.push({ key, quota, limit, perOrder, bindsAt, raise: bindsAt < goal && raise ? raise(goal / bindsAt) : undefined });
  };
  const raiseQuota = (k: QuotaKey, value: number, unit: string) => (factor: number) => {
    const to = Math.ceil(value * factor);
    return {
      to: `${n0(to)} ${unit}`,
      documented: q[k].adjustable && (q[k].adjustableTo ? documentedTo(q[k].adjustableTo, to) : true),
      request: `${q[k].request ?? 'Service Quotas'}${q[k].adjustableTo ? ` (AWS documents: can be increased to ${q[k].adjustableTo.toLowerCase()})` : ''}`,
    };
  };
  const quotaLimit = (k: QuotaKey) => `${n0(q[k].value ?? 0)}${q[k].bucket ? ` (bucket ${n0(q[k].bucket!)})` : ''}`;

  if (profile.design === 'old') {
    const open = q.sfnOpenExecutions.value!;
    add('sfnOpenExecutions', 'Step Functions open executions (Standard)', `${n0(open)}`, `${f2(profile.standardExecutions)} execution open ~${f2(profile.openDays)} days`, open / (profile.standardExecutions * profile.openDays), raiseQuota('sfnOpenExecutions', open, 'open executions'));
    add('sfnStandardStartExecution', 'StartExecution (Standard), per second', quotaLimit('sfnStandardStartExecution'), `${f2(profile.standardExecutions)} executions started`, rate(q.sfnStandardStartExecution.value!, profile.standardExecutions), raiseQuota('sfnStandardStartExecution', q.sfnStandardStartExecution.value!, 'per second'));
    add('sfnStandardStateTransition', 'State transitions (Standard), per second', quotaLimit('sfnStandardStateTransition'), `${f2(profile.stateTransitions)} transitions`, rate(q.sfnStandardStateTransition.value!, profile.stateTransitions), raiseQuota('sfnStandardStateTransition', q.sfnStandardStateTransition.value!, 'per second'));
    add('sfnSendTask', 'SendTaskSuccess/Failure, per second', quotaLimit('sfnSendTask'), `${f2(profile.sendTaskCalls)} calls (one per callback wait)`, rate(q.sfnSendTask.value!, profile.sendTaskCalls), raiseQuota('sfnSendTask', q.sfnSendTask.value!, 'per second'));
  } else {
    add('sfnExpressStartExecution', 'StartExecution (Express), per second', quotaLimit('sfnExpressStartExecution'), `${f2(profile.expressExecutions)} executions`, rate(q.sfnExpressStartExecution.value!, profile.expressExecutions), raiseQuota('sfnExpressStartExecution', q.sfnExpressStartExecution.value!, 'per second'));
    add('sfnOpenExecutions', 'Step Functions open executions', 'does not apply to Express', '0 (each execution ends within seconds)', Infinity);
    add('sfnStandardStateTransition', 'State transitions, per second', 'Express: unlimited', `${f2(profile.expressExecutions)} short executions`, Infinity);
    const partition = q.dynamoPartitionWrite.value!;
    add('dynamoPartitionWrite', `Timer index partitions (${shards} shards × ${n0(partition)} WU/s)`, `${n0(shards * partition)} WU/s (hard per partition)`, `${f2(profile.timerIndexWru)} index WU`, rate(shards * partition, profile.timerIndexWru), (factor) => ({
      to: `${Math.ceil(shards * factor)} shards`,
      documented: true,
      request: 'no quota: more shards of timerPk (a code constant)',
    }));
  }
  add('lambdaConcurrency', 'Lambda concurrent executions', n0(q.lambdaConcurrency.value!), `${f2(profile.lambdaSeconds)} handler-seconds (${f2(profile.lambdaInvocations)} invocations)`, rate(q.lambdaConcurrency.value!, profile.lambdaSeconds), raiseQuota('lambdaConcurrency', q.lambdaConcurrency.value!, 'concurrent executions'));
  add('dynamoTableWrite', 'DynamoDB table writes (on-demand), per second', `${n0(q.dynamoTableWrite.value!)} WRU/s`, `${f2(profile.wru)} WRU`, rate(q.dynamoTableWrite.value!, profile.wru), raiseQuota('dynamoTableWrite', q.dynamoTableWrite.value!, 'WRU/s'));
  add('dynamoTableRead', 'DynamoDB table reads (on-demand), per second', `${n0(q.dynamoTableRead.value!)} RRU/s`, `${f2(profile.rru)} RRU`, rate(q.dynamoTableRead.value!, profile.rru), raiseQuota('dynamoTableRead', q.dynamoTableRead.value!, 'RRU/s'));
  // Ingest queues each event before it stores it and writes nothing to the outbox index, so a run
  // of this code counts no event writes there (only the participation claims' MAIL partition, if
  // any): the row says so rather than binding at a rate of nothing.
  if (profile.outboxIndexWru > 0) {
    add('outboxIndexPartition', 'Outbox index: one partition key (outboxPk)', `${n0(q.dynamoPartitionWrite.value!)} WU/s (hard per partition)`, `${f2(profile.outboxIndexWru)} index WU`, rate(q.dynamoPartitionWrite.value!, profile.outboxIndexWru), (factor) => ({
      to: `${Math.ceil(factor)} outbox partition keys`,
      documented: true,
      request: 'no quota: shard outboxPk (the sweeper then queries each shard)',
    }));
  } else {
    add('outboxIndexPartition', 'Outbox index: carries no events (ingest queues first, then stores)', `${n0(q.dynamoPartitionWrite.value!)} WU/s (hard per partition)`, '0 index WU', Infinity);
  }
  add('httpApi', 'API Gateway (HTTP API) requests, per second', quotaLimit('httpApi'), `${f2(profile.httpRequests)} requests`, rate(q.httpApi.value!, profile.httpRequests), raiseQuota('httpApi', q.httpApi.value!, 'requests per second'));
  const sandbox = q.sesSandboxPerDay.value!;
  add('sesSandboxPerDay', 'SES sending quota (sandbox: 200 a day, 1 a second)', `${n0(sandbox)} a day`, `${f2(profile.emails)} emails`, Math.min(sandbox / profile.emails, rate(q.sesSandboxPerSecond.value!, profile.emails)), () => ({
    to: `${n0(goal * profile.emails)} emails a day, ${n0((goal * profile.emails * peakFactor) / SECONDS_PER_DAY)} a second`,
    documented: true,
    request: q.sesSandboxPerDay.request!,
  }));
  add('sqsStandard', 'SQS standard queue API calls', 'nearly unlimited', 'a few requests', Infinity);

  const byBinding = [...rows].sort((a, b) => a.bindsAt - b.bindsAt);
  return { rows, first: byBinding[0]!, firstBesidesEmail: byBinding.find((r) => r.key !== 'sesSandboxPerDay')!, peakFactor, goal };
}

/**
 * EventBridge Scheduler one-time schedules instead of the timer index (the design's comparison):
 * an order waiting for a deadline holds one schedule, so the schedules quota is a level that
 * binds at quota / days-with-a-deadline orders a day; each deadline set or moved is one
 * Create/UpdateSchedule call and each that fires one invocation.
 */
export function schedulerAlternative(profile: { deadlineChanges: number; timerDays: number; firings: number }, prices: Prices, options: { peakFactor: number }): Array<{ quota: string; limit: string; perOrder: string; bindsAt: number }> {
  const q = prices.quotas.items;
  const rate = (limit: number, perOrder: number) => (perOrder > 0 ? (limit * SECONDS_PER_DAY) / (options.peakFactor * perOrder) : Infinity);
  return [
    { quota: 'Scheduler schedules per Region', limit: n0(q.schedulerSchedules.value!), perOrder: `1 schedule held ~${f2(profile.timerDays)} days`, bindsAt: q.schedulerSchedules.value! / profile.timerDays },
    { quota: 'Create/UpdateSchedule, per second', limit: n0(q.schedulerApiRate.value!), perOrder: `${f2(profile.deadlineChanges)} calls`, bindsAt: rate(q.schedulerApiRate.value!, profile.deadlineChanges) },
    { quota: 'Scheduler invocations, per second', limit: n0(q.schedulerInvocations.value!), perOrder: `${f2(profile.firings)} firings`, bindsAt: rate(q.schedulerInvocations.value!, profile.firings) },
  ];
}
