/**
 * Section 4 of `npm run bench`: the cost per 1,000 orders of each scenario the local run measured,
 * the old design against issue 15's side by side (the old one from bench/baselines/old-design.json
 * once it is gone from the code), and the scale envelope of each. See docs/BENCHMARKS.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CostResult, ScenarioCost } from '../cost.js';
import { costPer1000, designOf, loadPrices, openDaysOf, profileOf, scaleEnvelope, schedulerAlternative, type Envelope, type EnvelopeRow, type Lifecycle } from './cost-model.js';
import { fmt, table, usd } from './stats.js';

/** Issue 15: all-in per 1,000 happy-path orders (receipt, shipping confirmation, feedback request). */
export const MAX_USD_PER_1000_3_EMAILS = 0.36;
/** Peak hour over the day's average, for rate quotas. */
export const PEAK_FACTOR = 3;
export const GOAL_ORDERS_PER_DAY = 1_000_000;

const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

export interface OldBaseline {
  label: string;
  measured: string;
  commit: string;
  loadAverage: string;
  timeScale: number;
  lifecycle: Lifecycle;
  scenarios: Array<Pick<ScenarioCost, 'scenario' | 'orders' | 'usage' | 'openDays'> & { emails: Pick<ScenarioCost['emails'], 'expected' | 'sent' | 'duplicated' | 'missing'> }>;
}

const SCENARIO_TITLES: Record<ScenarioCost['scenario'], string> = {
  happy3: "Happy path as issue 15 defines it: receipt, shipping confirmation, feedback request (3 emails; a store with notifications.delivered off)",
  happy: 'Happy path with the defaults: receipt, shipping confirmation, delivered (issue 13), feedback request (4 emails)',
  delayed: 'Delayed: ship-by missed → delay notice, then shipped, delivered, feedback given (5 emails)',
};

function printScenario(print: (s?: string) => void, s: Pick<ScenarioCost, 'scenario' | 'orders' | 'usage' | 'openDays'> & { emails: OldBaseline['scenarios'][number]['emails']; realSeconds?: number }, lines: ScenarioCost['lines'], total: number): void {
  print();
  print(`-- ${SCENARIO_TITLES[s.scenario]}; ${s.orders} orders${s.realSeconds === undefined ? '' : `, ${fmt(s.realSeconds, 0)} s`}`);
  print(
    table(
      ['service', 'per order', 'unit', '$ per 1,000 orders'],
      [...lines.map((l) => [l.inTarget ? l.service : `(${l.service})`, fmt(l.perOrder, 2), l.unit, usd(l.per1000)]), ['TOTAL (items in parentheses excluded)', '', '', usd(total)]],
    ),
  );
  const d = s.usage.dynamo;
  print(
    `DynamoDB calls per order: ${Object.entries(d.requests).map(([k, v]) => `${k} ${fmt(v / s.orders, 1)}`).join(', ')}; ` +
      `${fmt(d.conditionFailures / s.orders, 1)} failed conditions/order; ${fmt(d.estimatedWru / s.orders, 1)} of the WRU/order estimated (conditions, indexes: ${Object.entries(d.indexWru ?? {}).map(([k, v]) => `${k} ${fmt(v / s.orders, 1)}`).join(', ') || 'not split'})`,
  );
  if (d.scheduledRru) print(`The scheduled functions' index queries (${fmt(d.scheduledRru / s.orders, 1)} RRU per order here, at the local schedules' pace) are billed in their fixed line, at AWS's 1,440 runs a day`);
  const byItem = Object.entries(d.wruByItem ?? {}).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  if (byItem.length) print(`WRU per order by item (index writes included; ! = failed condition): ${byItem.map(([k, v]) => `${k} ${fmt(v / s.orders, 1)}`).join(', ')}`);
  const lambdas = Object.entries(s.usage.lambda).filter(([, l]) => l.invocations > 0).sort((a, b) => b[1].invocations - a[1].invocations);
  if (lambdas.length) print(`Lambda per order by function (invocations, ms each): ${lambdas.map(([k, l]) => `${k} ${fmt(l.invocations / s.orders, 2)} × ${fmt(l.totalMs / l.invocations, 0)} ms`).join(', ')}`);
  print(
    `emails: expected ${s.emails.expected}, sent ${s.emails.sent}, duplicated ${s.emails.duplicated}, missing ${s.emails.missing}; ` +
      (designOf(s.usage) === 'old'
        ? `executions stayed open ${fmt(s.openDays, 1)} virtual days on average; ${fmt(s.usage.stateTransitions / s.orders, 1)} state transitions + ${fmt(s.usage.retries / s.orders, 1)} retries per order`
        : `${fmt(s.usage.expressRequests / s.orders, 2)} Express executions per order, ${fmt(s.usage.expressBilledMs / Math.max(1, s.usage.expressRequests), 0)} ms billed each`),
  );
}

function printEnvelope(print: (s?: string) => void, title: string, e: Envelope): void {
  print();
  print(`-- Scale envelope, ${title}`);
  print(
    table(
      ['quota (default, us-east-1)', 'limit', 'one order consumes', 'binds at (orders/day)', `≥ ${e.goal.toLocaleString('en')}/day`],
      e.rows.map((r) => [
        r.quota,
        r.limit,
        r.perOrder,
        Number.isFinite(r.bindsAt) ? Math.round(r.bindsAt).toLocaleString('en') : '—',
        r.bindsAt >= e.goal ? 'yes' : r.raise ? `raise to ${r.raise.to}${r.raise.documented ? '' : ' (beyond what AWS documents)'}` : 'no',
      ]),
    ),
  );
  const name = (r: EnvelopeRow) => `${r.quota} at ${Math.round(r.bindsAt).toLocaleString('en')} orders/day`;
  print(`Binds first: ${name(e.first)}${e.first === e.firstBesidesEmail ? '' : `; after the SES sending quota (every account leaves the sandbox): ${name(e.firstBesidesEmail)}`}.`);
  for (const r of e.rows.filter((x) => x.raise)) print(`  to reach ${e.goal.toLocaleString('en')}/day: ${r.quota}: ${r.raise!.to}; ${r.raise!.request}`);
}

export function printCost(r: CostResult, root: string, print: (s?: string) => void): void {
  const heading = (t: string) => print(`\n== ${t} ${'='.repeat(Math.max(0, 96 - t.length))}`);
  const prices = loadPrices(join(root, 'bench', 'prices.json'));
  const baseline = JSON.parse(readFileSync(join(root, 'bench', 'baselines', 'old-design.json'), 'utf8')) as OldBaseline;
  heading('4. Cost on AWS per 1,000 orders, and the scale envelope (from what the local run counted)');
  print(`Prices and quotas: bench/prices.json (${prices.region}, checked ${prices.checked}). Local run at time scale ${r.timeScale}; warm functions (a warm-up order first).`);
  const unconfirmed = Object.entries(prices.prices).filter(([, p]) => p.confirmed === false).map(([k]) => k);
  if (unconfirmed.length) print(`Not confirmed at the source (see their notes): ${unconfirmed.join(', ')}.`);
  for (const s of r.scenarios) printScenario(print, s, s.lines, s.total);

  const live = designOf(r.scenarios[0]!.usage);
  const costOf = (s: { usage: ScenarioCost['usage']; orders: number }) => costPer1000(s.usage, s.orders, prices);
  const oldScenarios = live === 'old' ? r.scenarios : baseline.scenarios;
  const oldSource = live === 'old' ? 'measured in this run' : `recorded baseline: bench/baselines/old-design.json, measured ${baseline.measured} on ${baseline.commit.slice(0, 7)}`;
  const pick = (list: typeof oldScenarios, scenario: ScenarioCost['scenario']) => list.find((s) => s.scenario === scenario);
  const columns = [
    { title: 'old, 3 emails', s: pick(oldScenarios, 'happy3') },
    { title: 'new, 3 emails', s: live === 'new' ? pick(r.scenarios, 'happy3') : undefined },
    { title: 'old, 4 emails', s: pick(oldScenarios, 'happy') },
    { title: 'new, 4 emails', s: live === 'new' ? pick(r.scenarios, 'happy') : undefined },
  ].map((c) => ({ ...c, cost: c.s ? costOf(c.s) : undefined }));
  const services = [...new Set(columns.flatMap((c) => c.cost?.lines.map((l) => l.service) ?? []))];
  print();
  print(`-- Old design (${baseline.label}) against issue 15's (short Express executions, deadlines in a timer index), $ per 1,000 happy-path orders`);
  print(`old: ${oldSource}; new: ${live === 'new' ? 'measured in this run' : 'not in this code yet (the run above is the old design)'}`);
  print(
    table(
      ['service', ...columns.map((c) => c.title)],
      [
        ...services.map((service) => [service, ...columns.map((c) => { const l = c.cost?.lines.find((x) => x.service === service); return l ? (l.inTarget ? usd(l.per1000) : `(${usd(l.per1000)})`) : '—'; })]),
        ['TOTAL (items in parentheses excluded)', ...columns.map((c) => (c.cost ? usd(c.cost.total) : '—'))],
      ],
    ),
  );
  const target = columns[1]!.cost;
  const floor = 3 * 1000 * prices.prices.sesPerEmail!.usd;
  print(
    target
      ? `target (issue 15): the 3-email path all-in ≤ ${usd(MAX_USD_PER_1000_3_EMAILS, 2)} per 1,000 orders (the emails alone are ${usd(floor, 2)}): ${usd(target.total)} ${pass(target.total <= MAX_USD_PER_1000_3_EMAILS)}`
      : `target (issue 15): the 3-email path all-in ≤ ${usd(MAX_USD_PER_1000_3_EMAILS, 2)} per 1,000 orders (the emails alone are ${usd(floor, 2)}): not measurable until the new design is in the code (old: ${usd(columns[0]!.cost!.total)})`,
  );

  // The envelope per design, from the default (4-email) happy path: the orders most stores have.
  const oldHappy = pick(oldScenarios, 'happy')!;
  const lifecycle = live === 'old' ? r.lifecycle : baseline.lifecycle;
  const options = { peakFactor: PEAK_FACTOR, goal: GOAL_ORDERS_PER_DAY };
  print();
  print(
    `Rate quotas are taken at ${PEAK_FACTOR}× the day's average rate (a peak hour); the open-execution level at the average. ` +
      'Per order: the default happy path above (4 emails); Lambda handler-seconds as measured here (a loaded 2-core machine: an upper bound).',
  );
  printEnvelope(print, `old design (${oldSource})`, scaleEnvelope(profileOf(oldHappy.usage, oldHappy.orders, lifecycle), prices, options));
  const newHappy = live === 'new' ? pick(r.scenarios, 'happy') : undefined;
  if (newHappy) {
    const profile = profileOf(newHappy.usage, newHappy.orders, r.lifecycle);
    printEnvelope(print, "issue 15's design (measured in this run)", scaleEnvelope(profile, prices, options));
    print();
    print(`-- Had the deadlines been EventBridge Scheduler one-time schedules instead of the timer index (one schedule per waiting order; upper bounds: every execution moves or fires one)`);
    const rows = schedulerAlternative({ deadlineChanges: profile.expressExecutions, firings: profile.expressExecutions, timerDays: openDaysOf(r.lifecycle) }, prices, options);
    print(table(['quota (default)', 'limit', 'one order consumes', 'binds at (orders/day)'], rows.map((x) => [x.quota, x.limit, x.perOrder, Math.round(x.bindsAt).toLocaleString('en')])));
  } else {
    print();
    print("-- Scale envelope, issue 15's design: not in this code yet (rt.stats() reports no Express executions); it is printed from the run once it is.");
  }
}
