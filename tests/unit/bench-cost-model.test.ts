/**
 * The bench's cost model and scale envelope (bench/lib/cost-model.ts): the rules by which what a
 * local run counted becomes dollars per 1,000 orders and the orders a day at which each quota
 * binds, checked against the published figures in bench/prices.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withThreeEmailStore } from '../../bench/cost.js';
import {
  costPer1000,
  designOf,
  loadPrices,
  openDaysOf,
  profileOf,
  scaleEnvelope,
  TIMERS_ENTRY,
  type OrderProfile,
} from '../../bench/lib/cost-model.js';
import type { Usage } from '../../bench/lib/stack.js';
import type { CfnTemplate } from '../../local/template.js';

const prices = loadPrices(new URL('../../bench/prices.json', import.meta.url));
const price = (k: string) => prices.prices[k]!.usd;
const lifecycle = { handlingDays: 2, transitDays: 3, feedbackDelayDays: 7, feedbackReminderDays: 4 };

function usage(over: Partial<Usage> = {}): Usage {
  return {
    billedTransitions: 0,
    stateTransitions: 0,
    expressRequests: 0,
    expressBilledMs: 0,
    retries: 0,
    executions: 0,
    lambda: {},
    dynamo: { rru: 0, wru: 0, estimatedWru: 0, requests: {}, conditionFailures: 0, indexWru: {} },
    sqs: { requests: {}, esmBatches: 0, messagesDelivered: 0 },
    emails: 0,
    sesEvents: 0,
    httpRequests: 0,
    logBytes: 0,
    ...over,
  };
}

const line = (lines: ReturnType<typeof costPer1000>['lines'], prefix: string) => lines.find((l) => l.service.startsWith(prefix))!;

describe('which design a run measured', () => {
  it('is the new one when Express executions ran, the old one when only Standard transitions did', () => {
    expect(designOf(usage({ expressRequests: 3 }))).toBe('new');
    expect(designOf(usage({ billedTransitions: 8, executions: 1 }))).toBe('old');
  });
});

describe('cost per 1,000 orders', () => {
  it('bills each Express execution at the published price per request, and its billed milliseconds at 64 MB per GB-second', () => {
    const orders = 20;
    const u = usage({ expressRequests: 80, expressBilledMs: 80 * 300 });
    const { lines } = costPer1000(u, orders, prices);
    expect(line(lines, 'Step Functions Express requests').per1000).toBeCloseTo((80 / orders) * 1000 * price('stepFunctionsExpressPerRequest'), 12);
    const gbSeconds = ((80 * 300) / 1000) * (64 / 1024);
    expect(line(lines, 'Step Functions Express duration').per1000).toBeCloseTo((gbSeconds / orders) * 1000 * price('stepFunctionsExpressPerGbSecond'), 12);
    expect(line(lines, 'Step Functions Standard').per1000).toBe(0);
  });

  it('the states an Express execution enters are not billed as Standard transitions (the local runtime counts them for every machine)', () => {
    const { lines } = costPer1000(usage({ expressRequests: 80, expressBilledMs: 8000, stateTransitions: 400, billedTransitions: 400, executions: 80 }), 20, prices);
    expect(line(lines, 'Step Functions Standard').per1000).toBe(0);
    expect(line(lines, 'X-Ray').perOrder).toBe(4);
  });

  it('an old-design run costs no Express line, and a Standard transition costs the published price', () => {
    const { lines } = costPer1000(usage({ billedTransitions: 160, executions: 20 }), 20, prices);
    expect(line(lines, 'Step Functions Express requests').per1000).toBe(0);
    expect(line(lines, 'Step Functions Express duration').per1000).toBe(0);
    expect(line(lines, 'Step Functions Standard').per1000).toBeCloseTo(8 * 1000 * price('stepFunctionsStandardPerTransition'), 12);
  });

  it('the timers poller is a fixed daily cost: it does not grow with the orders of the run and is not a per-order Lambda invocation', () => {
    const lambda = { notify: { invocations: 40, totalMs: 4000, memoryMb: 512 }, [TIMERS_ENTRY]: { invocations: 500, totalMs: 25_000, memoryMb: 256 } };
    const few = costPer1000(usage({ lambda }), 10, prices).lines;
    const many = costPer1000(usage({ lambda }), 40, prices).lines;
    expect(line(few, 'Lambda requests').perOrder).toBe(4);
    expect(line(few, 'Scheduled functions').per1000).toBeGreaterThan(0);
    expect(line(few, 'Scheduled functions').per1000).toBe(line(many, 'Scheduled functions').per1000);
    expect(line(few, 'Scheduled functions').perOrder * 1_000_000).toBe(24 * 60);
  });

  it('every scheduled rule is a fixed daily cost at its rate, priced by its own runs: the poller with a query per timer shard, the others one', () => {
    const run = { invocations: 100, totalMs: 1000, memoryMb: 1024, runsPerDay: 1440 };
    const withRules = (scheduled: NonNullable<Parameters<typeof costPer1000>[0]['scheduled']>) => line(costPer1000(usage({ scheduled }), 20, prices).lines, 'Scheduled functions');
    const poller = withRules({ [TIMERS_ENTRY]: run });
    const both = withRules({ [TIMERS_ENTRY]: run, outbox: run });
    // Each run: a request, 10.5 ms at 1 GB, and its index queries at 0.5 RRU.
    const perRun = (queries: number) => price('lambdaPerRequest') + (10.5 / 1000) * price('lambdaArmPerGbSecond') + queries * 0.5 * price('dynamoDbOnDemandPerRru');
    expect(poller.per1000).toBeCloseTo(((1440 * perRun(16)) / 1_000_000) * 1000, 15);
    expect(both.per1000).toBeCloseTo(((1440 * (perRun(16) + perRun(1))) / 1_000_000) * 1000, 15);
    expect(both.perOrder * 1_000_000).toBe(2 * 1440);
    // The scheduled runs are not per-order Lambda invocations.
    expect(line(costPer1000(usage({ scheduled: { outbox: run } }), 20, prices).lines, 'Lambda requests').perOrder).toBe(0);
  });

  it("SQS requests: the meter's, plus a receive and a delete per batch of the router's and of ses-events' queues (SES events one a batch locally)", () => {
    const lines = costPer1000(usage({ sqs: { requests: { SendMessageBatch: 60 }, esmBatches: 60, messagesDelivered: 60 }, sesEvents: 120 }), 20, prices).lines;
    expect(line(lines, 'SQS requests').perOrder).toBe((60 + 2 * 60 + 2 * 120) / 20);
  });

  it('the total is what the lines in the target add up to (logs and traces are shown, not counted)', () => {
    const { lines, total } = costPer1000(usage({ emails: 60, logBytes: 1e6, httpRequests: 80, executions: 20 }), 20, prices);
    expect(total).toBeCloseTo(lines.filter((l) => l.inTarget).reduce((n, l) => n + l.per1000, 0), 12);
    expect(lines.filter((l) => !l.inTarget).every((l) => l.per1000 > 0)).toBe(true);
    // Three emails an order on SES à la carte: the $0.30 floor of issue 15.
    expect(line(lines, 'SES emails').per1000).toBeCloseTo(0.3, 12);
  });
});

describe('scale envelope', () => {
  const oldProfile: OrderProfile = profileOf(
    usage({ executions: 20, stateTransitions: 160, billedTransitions: 160, emails: 80, httpRequests: 80, lambda: { await: { invocations: 80, totalMs: 8000, memoryMb: 256 } } }),
    20,
    lifecycle,
  );
  const newProfile: OrderProfile = profileOf(
    usage({
      expressRequests: 80,
      expressBilledMs: 80 * 300,
      emails: 80,
      httpRequests: 80,
      lambda: { notify: { invocations: 100, totalMs: 20_000, memoryMb: 512 } },
      dynamo: { rru: 600, wru: 1400, estimatedWru: 600, requests: {}, conditionFailures: 0, indexWru: { timerPk: 480, outboxPk: 160 } },
    }),
    20,
    lifecycle,
  );

  it('an old-design execution stays open 18 days when the shopper never answers (2 + 3 business days, 7 + 4 days of feedback waits)', () => {
    expect(openDaysOf(lifecycle)).toBeCloseTo(18, 9);
  });

  it('old design: the million open executions bind at about 55,600 orders a day, first of all its Step Functions quotas', () => {
    const e = scaleEnvelope(oldProfile, prices, { peakFactor: 3, goal: 1_000_000 });
    const open = e.rows.find((r) => r.key === 'sfnOpenExecutions')!;
    expect(Math.round(open.bindsAt)).toBe(Math.round(1_000_000 / 18));
    expect(e.firstBesidesEmail.key).toBe('sfnOpenExecutions');
    // 18 million open executions are more than AWS documents ("Millions").
    expect(open.raise?.documented).toBe(false);
  });

  it('new design: no open-execution quota, and a rate quota binds at limit × 86,400 / (peak × what one order consumes)', () => {
    const e = scaleEnvelope(newProfile, prices, { peakFactor: 3, goal: 1_000_000 });
    expect(e.rows.find((r) => r.key === 'sfnOpenExecutions')!.bindsAt).toBe(Infinity);
    const start = e.rows.find((r) => r.key === 'sfnExpressStartExecution')!;
    expect(start.bindsAt).toBeCloseTo((prices.quotas.items.sfnExpressStartExecution.value! * 86_400) / (3 * 4), 6);
    const timers = e.rows.find((r) => r.key === 'dynamoPartitionWrite')!;
    expect(timers.bindsAt).toBeCloseTo((16 * 1000 * 86_400) / (3 * 24), 6);
  });

  it('with no outbox index writes (events no longer enter it) the row says so and never binds, without dividing by zero', () => {
    const e = scaleEnvelope({ ...newProfile, outboxIndexWru: 0 }, prices, { peakFactor: 3, goal: 1_000_000 });
    const outbox = e.rows.find((r) => r.key === 'outboxIndexPartition')!;
    expect(outbox).toMatchObject({ quota: expect.stringMatching(/carries no events/), perOrder: '0 index WU', bindsAt: Infinity, raise: undefined });
    expect(e.rows.every((r) => !Number.isNaN(r.bindsAt))).toBe(true);
    const measured = scaleEnvelope(newProfile, prices, { peakFactor: 3, goal: 1_000_000 }).rows.find((r) => r.key === 'outboxIndexPartition')!;
    expect(measured.bindsAt).toBeCloseTo((1000 * 86_400) / (3 * 8), 6);
  });

  it('a higher peak factor lowers every rate quota in proportion and leaves the open-execution level alone', () => {
    const at3 = scaleEnvelope(oldProfile, prices, { peakFactor: 3, goal: 1_000_000 });
    const at6 = scaleEnvelope(oldProfile, prices, { peakFactor: 6, goal: 1_000_000 });
    for (const r of at3.rows) {
      const other = at6.rows.find((x) => x.key === r.key)!;
      if (!Number.isFinite(r.bindsAt)) expect(other.bindsAt).toBe(Infinity);
      else if (r.key === 'sfnOpenExecutions') expect(other.bindsAt).toBe(r.bindsAt);
      else if (r.key !== 'sesSandboxPerDay') expect(other.bindsAt).toBeCloseTo(r.bindsAt / 2, 6);
    }
  });

  it('what binds first is the lowest row; the SES sandbox binds before anything (and names the request that lifts it)', () => {
    const e = scaleEnvelope(newProfile, prices, { peakFactor: 3, goal: 1_000_000 });
    expect(e.first.bindsAt).toBe(Math.min(...e.rows.map((r) => r.bindsAt)));
    expect(e.first.key).toBe('sesSandboxPerDay');
    expect(e.first.raise?.request).toMatch(/production access/);
    expect(e.firstBesidesEmail.bindsAt).toBe(Math.min(...e.rows.filter((r) => r.key !== 'sesSandboxPerDay').map((r) => r.bindsAt)));
  });

  it('a quota that binds below the goal says what to raise it to: the goal over where it binds, times its default', () => {
    const heavy = { ...newProfile, lambdaSeconds: 100 };
    const e = scaleEnvelope(heavy, prices, { peakFactor: 3, goal: 1_000_000 });
    const lambda = e.rows.find((r) => r.key === 'lambdaConcurrency')!;
    expect(lambda.bindsAt).toBeLessThan(1_000_000);
    expect(lambda.raise?.to).toBe(`${Math.ceil((1000 * 1_000_000) / lambda.bindsAt).toLocaleString('en')} concurrent executions`);
    expect(lambda.raise?.documented).toBe(true);
  });
});

describe('the 3-email store of the cost run', () => {
  it('is a copy of the generic store with the delivered email off, in every function that reads STORES; the template given is left alone', () => {
    const stores = JSON.stringify([
      { storeId: 'shop.myshopify.com', platform: 'shopify' },
      { storeId: 'outlet', platform: 'generic', notifications: { feedback_request: true } },
    ]);
    const template: CfnTemplate = {
      Resources: {
        A: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { STORES: stores } } } },
        B: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { OTHER: 'x' } } } },
        C: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { STORES: stores } } } },
      },
    } as CfnTemplate;
    const { template: out, store } = withThreeEmailStore(template);
    for (const k of ['A', 'C']) {
      const list = JSON.parse((out.Resources[k]!.Properties as { Environment: { Variables: { STORES: string } } }).Environment.Variables.STORES) as Array<{ storeId: string; notifications?: Record<string, boolean> }>;
      expect(list.map((s) => s.storeId)).toEqual(['shop.myshopify.com', 'outlet', store]);
      expect(list[2]!.notifications).toEqual({ feedback_request: true, delivered: false });
    }
    expect(JSON.parse((template.Resources.A!.Properties as { Environment: { Variables: { STORES: string } } }).Environment.Variables.STORES)).toHaveLength(2);
  });
});

describe('the cost report', () => {
  const newUsage = (emails: number) =>
    usage({
      expressRequests: 80,
      expressBilledMs: 80 * 400,
      emails: 20 * emails,
      httpRequests: 80,
      sesEvents: 40 * emails,
      lambda: { notify: { invocations: 100, totalMs: 20_000, memoryMb: 512 }, router: { invocations: 60, totalMs: 6000, memoryMb: 512 } },
      dynamo: { rru: 600, wru: 1400, estimatedWru: 600, requests: {}, conditionFailures: 0, indexWru: { timerPk: 480, outboxPk: 140 } },
    });
  const scenario = (name: 'happy3' | 'happy' | 'delayed', emails: number) => {
    const u = newUsage(emails);
    const { lines, total } = costPer1000(u, 20, prices);
    return { scenario: name, orders: 20, usage: u, lines, total, billedTransitionsPerOrder: 0, emails: { expected: 20 * emails, sent: 20 * emails, duplicated: 0, missing: 0, unexpected: 0, details: [] }, openDays: 0, realSeconds: 1 };
  };

  it('once the run measured the new design, the old columns are the recorded baseline (named with its date and commit) and the 3-email total is judged against $0.36', async () => {
    const { printCost } = await import('../../bench/lib/cost-report.js');
    const out: string[] = [];
    const result = { timeScale: 43_200, threeEmailStore: 'x-3-emails', scenarios: [scenario('happy3', 3), scenario('happy', 4), scenario('delayed', 5)], lifecycle };
    printCost(result, new URL('../..', import.meta.url).pathname, (s = '') => out.push(s));
    const text = out.join('\n');
    const baseline = JSON.parse(readFileSync(new URL('../../bench/baselines/old-design.json', import.meta.url), 'utf8')) as { measured: string; commit: string };
    expect(text).toContain(`recorded baseline: bench/baselines/old-design.json, measured ${baseline.measured} on ${baseline.commit.slice(0, 7)}`);
    const total = result.scenarios[0]!.total;
    expect(text).toContain(`≤ $0.36 per 1,000 orders (the emails alone are $0.30): $${total.toFixed(4)} ${total <= 0.36 ? 'PASS' : 'FAIL'}`);
    expect(text).toContain("Scale envelope, issue 15's design (measured in this run)");
    expect(text).toContain('EventBridge Scheduler one-time schedules');
  });

  it('while the code runs the old design, the new columns say so and nothing is judged', async () => {
    const { printCost } = await import('../../bench/lib/cost-report.js');
    const old = (name: 'happy3' | 'happy' | 'delayed') => {
      const u = usage({ billedTransitions: 160, stateTransitions: 160, executions: 20, emails: 60 });
      return { ...scenario(name, 3), usage: u, ...costPer1000(u, 20, prices) };
    };
    const out: string[] = [];
    printCost({ timeScale: 43_200, threeEmailStore: 'x', scenarios: [old('happy3'), old('happy'), old('delayed')], lifecycle }, new URL('../..', import.meta.url).pathname, (s = '') => out.push(s));
    const text = out.join('\n');
    expect(text).toContain('new: not in this code yet');
    expect(text).not.toMatch(/\$0\.36 per 1,000 orders \(the emails alone are \$0\.30\): \$[\d.]+ (PASS|FAIL)/);
  });
});
