/**
 * Cost on AWS per 1,000 orders, from what the local stack counted while running three scenarios at
 * a high time scale, one after the other, each measured between two usage snapshots (a warm-up
 * order first, so cold starts are left out):
 * - happy path as issue 15 defines it (3 emails), at a store with `notifications.delivered` off
 *   (a copy of the generic store, added to the template's STORES for the run): receipt, shipping
 *   confirmation, feedback request;
 * - happy path with the defaults: receipt, one shipment, delivery, feedback given through the
 *   feedback email's link → receipt, shipping confirmation, delivered (issue 13), feedback request;
 * - delayed: the ship-by promise passes unshipped → delay notice; then shipped and delivered,
 *   feedback given → receipt, delay notice, shipping confirmation, delivered, feedback request.
 * Run in its own process (see lib/child.ts).
 */
import type { EmailKind } from '../functions/domain/lifecycle.js';
import { loadTemplate, type CfnTemplate } from '../local/template.js';
import { childMain } from './lib/child.js';
import { costPer1000, loadPrices, type CostLine } from './lib/cost-model.js';
import { deliver, emailOf, feedbackLink, OrderEvents, shopOf, tallyEmails, waitFor, type EmailTally, type Shop } from './lib/orders.js';
import { startBenchStack, usageBetween, type BenchStack, type Usage } from './lib/stack.js';

export interface ScenarioCost {
  /** happy3: issue 15's happy path (delivered email off); happy: the defaults (4 emails). */
  scenario: 'happy3' | 'happy' | 'delayed';
  orders: number;
  usage: Usage;
  lines: CostLine[];
  total: number;
  billedTransitionsPerOrder: number;
  emails: EmailTally;
  /** Virtual days each execution stayed open, mean. */
  openDays: number;
  realSeconds: number;
}

export interface CostResult {
  timeScale: number;
  /** The store of the 3-email scenario (a copy of the generic store, delivered email off). */
  threeEmailStore: string;
  scenarios: ScenarioCost[];
  lifecycle: { handlingDays: number; transitDays: number; feedbackDelayDays: number; feedbackReminderDays: number };
}

/**
 * Orders start a second apart: every handler shares one process and two cores here, and handler
 * time is wall time, so orders moving in lockstep wait for each other's CPU (on Lambda each
 * invocation has its own). At 250 ms the same run billed notify 190–520 ms an invocation; at a
 * second, 70–85 ms, about what five orders one at a time measure.
 */
const STAGGER_MS = 1000;
const HAPPY3: EmailKind[] = ['receipt', 'shipping_confirmation', 'feedback_request'];
const HAPPY: EmailKind[] = ['receipt', 'shipping_confirmation', 'delivered', 'feedback_request'];
const THREE_EMAIL_SUFFIX = '-3-emails';

/**
 * The template with one more store: a copy of the generic store whose delivered email is off,
 * in every function's STORES (the stores are configuration, so this is what a merchant who turns
 * it off runs).
 */
export function withThreeEmailStore(template: CfnTemplate): { template: CfnTemplate; store: string } {
  const copy = structuredClone(template);
  let store: string | undefined;
  for (const r of Object.values(copy.Resources)) {
    const vars = (r.Properties as { Environment?: { Variables?: Record<string, unknown> } } | undefined)?.Environment?.Variables;
    if (r.Type !== 'AWS::Lambda::Function' || typeof vars?.STORES !== 'string') continue;
    const stores = JSON.parse(vars.STORES) as Array<{ storeId: string; platform: string; notifications?: Record<string, boolean> }>;
    const generic = stores.find((s) => s.platform === 'generic');
    if (!generic) throw new Error('The template configures no generic store to copy');
    store = `${generic.storeId}${THREE_EMAIL_SUFFIX}`;
    stores.push({ ...generic, storeId: store, notifications: { ...generic.notifications, delivered: false } });
    vars.STORES = JSON.stringify(stores);
  }
  if (!store) throw new Error('No function in the template has STORES');
  return { template: copy, store };
}
const DELAYED: EmailKind[] = ['receipt', 'delay_notice', 'shipping_confirmation', 'delivered', 'feedback_request'];

async function giveFeedback(stack: BenchStack, o: OrderEvents): Promise<void> {
  const orderId = o.orderId;
  const request = await waitFor(`feedback request of ${orderId}`, () => emailOf(stack.rt, orderId, 'feedback_request'), 120_000);
  // The shopper clicks once the walk that sent the request is over (hours later, in life).
  await waitFor(`the walk that sent ${orderId}'s feedback request`, () => stack.rt.executions().filter((e) => e.name.includes(`-${orderId}-`)).every((e) => e.status !== 'RUNNING') || undefined, 60_000, 20);
  const res = await fetch(feedbackLink(request, 5));
  await res.text();
  if (res.status !== 200) throw new Error(`feedback link of ${orderId} answered ${res.status}`);
}

/**
 * Posts an event and waits until the walk it woke is over: on a real timeline the next event of
 * an order comes hours or days later (a shipment after its receipt, a delivery after its
 * shipment, a shopper's click after the email), never while the walk of the last one is still
 * running. Posting them in the same millisecond, as this bench did until 2 December, measured
 * the cost of two wakes racing on every order (failed position writes, walks again, claims lost),
 * which the happy path does not have; the races themselves are tested (the property, fault and
 * concurrency suites).
 */
async function posted(stack: BenchStack, o: OrderEvents, send: () => Promise<unknown>): Promise<void> {
  const ours = () => stack.rt.executions().filter((e) => e.name.includes(`-${o.orderId}-`));
  const before = ours().length;
  await send();
  await waitFor(`the walk ${o.orderId}'s event woke`, () => { const ex = ours(); return (ex.length > before && ex.every((e) => e.status !== 'RUNNING')) || undefined; }, 60_000, 20);
}

async function happyOrder(stack: BenchStack, shop: Shop, o: OrderEvents): Promise<void> {
  await posted(stack, o, () => deliver(shop, o.placed()));
  await posted(stack, o, () => deliver(shop, o.shipped()));
  await posted(stack, o, () => deliver(shop, o.delivered()));
  await giveFeedback(stack, o);
}

async function delayedOrder(stack: BenchStack, shop: Shop, o: OrderEvents): Promise<void> {
  // Half a day to ship: the promise passes while the order waits for its shipment.
  await posted(stack, o, () => deliver(shop, o.placed({ shipBy: new Date(shop.now().getTime() + 12 * 3600_000).toISOString() })));
  await waitFor(`delay notice of ${o.orderId}`, () => emailOf(stack.rt, o.orderId, 'delay_notice'), 60_000);
  await posted(stack, o, () => deliver(shop, o.shipped()));
  await posted(stack, o, () => deliver(shop, o.delivered()));
  await giveFeedback(stack, o);
}

async function settle(stack: BenchStack, names: (n: string) => boolean): Promise<void> {
  await waitFor('executions to finish', () => stack.rt.executions().filter((e) => names(e.name)).every((e) => e.status !== 'RUNNING') || undefined, 120_000, 50);
  await stack.rt.whenIdle({ timeoutMs: 60_000 });
}

export async function measureCost(options: { projectRoot: string; orders?: number; timeScale?: number }): Promise<CostResult> {
  const orders = options.orders ?? 20;
  const timeScale = options.timeScale ?? 43_200;
  const prices = loadPrices(new URL('./prices.json', import.meta.url));
  const three = withThreeEmailStore(await loadTemplate({ projectRoot: options.projectRoot }));
  // SES's Send event after SendEmail's answer, as on AWS (local/ses.ts `sendEvent`).
  const stack = await startBenchStack({ timeScale, template: three.template, sesSendEvent: 'after-answer' });
  try {
    const generic = shopOf(stack.rt);
    const shop = { ...generic, store: generic.store.endsWith(THREE_EMAIL_SUFFIX) ? generic.store.slice(0, -THREE_EMAIL_SUFFIX.length) : generic.store };
    const shop3 = { ...shop, store: three.store };
    const stores = JSON.parse(stack.rt.env.STORES!) as Array<{ storeId: string; promises: { handlingDays: number; transitDays: { default: number } }; lifecycle: { feedbackDelayDays: number; feedbackReminderDays: number } }>;
    const cfg = stores.find((s) => s.storeId === shop.store)!;

    // Warm-up: every function imported once (cold starts stay out of the figures).
    const w = new OrderEvents(shop, options.projectRoot, 1, 'W');
    await deliver(shop, w.placed());
    await waitFor('warm-up receipt', () => emailOf(stack.rt, w.orderId, 'receipt'), 60_000);
    await deliver(shop, w.cancelled());
    await waitFor('warm-up cancellation', () => emailOf(stack.rt, w.orderId, 'cancellation'), 60_000);
    await (await fetch(`${shop.url}/feedback?t=warm-up&rating=5`)).text();
    // And once through each measured path: the first rendering of each email kind and the first
    // run of each code path are slow, and at this time scale a slow answer lets a wait time out
    // and the old machine go round again.
    await Promise.all([happyOrder(stack, shop3, new OrderEvents(shop3, options.projectRoot, 2, 'W')), happyOrder(stack, shop, new OrderEvents(shop, options.projectRoot, 3, 'W'))]);
    await settle(stack, () => true);

    const scenarios: ScenarioCost[] = [];
    for (const [scenario, prefix, run, kinds, at] of [
      ['happy3', 'T', happyOrder, HAPPY3, shop3],
      ['happy', 'H', happyOrder, HAPPY, shop],
      ['delayed', 'D', delayedOrder, DELAYED, shop],
    ] as const) {
      const before = stack.usage();
      const started = Date.now();
      const batch = Array.from({ length: orders }, (_, i) => new OrderEvents(at, options.projectRoot, i + 1, prefix));
      // Staggered: all handlers share one process here, so orders moving in lockstep would
      // make each invocation wait for the others' CPU and inflate the measured durations.
      await Promise.all(batch.map((o, i) => new Promise((r) => setTimeout(r, i * STAGGER_MS)).then(() => run(stack, at, o))));
      const ids = new Set(batch.map((o) => o.orderId));
      const ours = (name: string) => batch.some((o) => name.includes(`-${o.orderId}-`));
      await settle(stack, ours);
      const usage = usageBetween(before, stack.usage());
      const { lines, total } = costPer1000(usage, orders, prices);
      const executions = stack.rt.executions().filter((e) => ours(e.name));
      const openDays = executions.reduce((n, e) => n + (((e.stopDate ?? Date.now()) - e.startDate) * timeScale) / 86_400_000, 0) / executions.length;
      const emails = tallyEmails(
        (await stack.rt.outbox()).filter((e) => e.orderId && ids.has(e.orderId)),
        new Map(batch.map((o) => [o.orderId, [...kinds]])),
      );
      scenarios.push({ scenario, orders, usage, lines, total, billedTransitionsPerOrder: usage.billedTransitions / orders, emails, openDays, realSeconds: (Date.now() - started) / 1000 });
    }
    return {
      timeScale,
      threeEmailStore: three.store,
      scenarios,
      lifecycle: {
        handlingDays: cfg.promises.handlingDays,
        transitDays: cfg.promises.transitDays.default,
        feedbackDelayDays: cfg.lifecycle.feedbackDelayDays,
        feedbackReminderDays: cfg.lifecycle.feedbackReminderDays,
      },
    };
  } finally {
    await stack.stop();
  }
}

childMain(import.meta.url, async (args) => measureCost({ projectRoot: args[0]!, orders: args[1] ? Number(args[1]) : undefined }));
