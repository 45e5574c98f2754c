/**
 * Cost on AWS per 1,000 orders, from what the local stack counted while running two scenarios at
 * a high time scale, one after the other, each measured between two usage snapshots (a warm-up
 * order first, so cold starts are left out):
 * - happy path: receipt, one shipment, delivery, feedback given through the feedback email's
 *   link → receipt, shipping confirmation, delivered (issue 13), feedback request;
 * - delayed: the ship-by promise passes unshipped → delay notice; then shipped and delivered,
 *   feedback given → receipt, delay notice, shipping confirmation, delivered, feedback request.
 * Run in its own process (see lib/child.ts).
 */
import type { EmailKind } from '../functions/domain/lifecycle.js';
import { childMain } from './lib/child.js';
import { costPer1000, loadPrices, type CostLine } from './lib/cost-model.js';
import { deliver, emailOf, feedbackLink, OrderEvents, shopOf, tallyEmails, waitFor, type EmailTally, type Shop } from './lib/orders.js';
import { startBenchStack, usageBetween, type BenchStack, type Usage } from './lib/stack.js';

export interface ScenarioCost {
  scenario: 'happy' | 'delayed';
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
  scenarios: ScenarioCost[];
  lifecycle: { handlingDays: number; transitDays: number; feedbackDelayDays: number; feedbackReminderDays: number };
}

const STAGGER_MS = 250;
const HAPPY: EmailKind[] = ['receipt', 'shipping_confirmation', 'delivered', 'feedback_request'];
const DELAYED: EmailKind[] = ['receipt', 'delay_notice', 'shipping_confirmation', 'delivered', 'feedback_request'];

async function giveFeedback(stack: BenchStack, orderId: string): Promise<void> {
  const request = await waitFor(`feedback request of ${orderId}`, () => emailOf(stack.rt, orderId, 'feedback_request'), 120_000);
  const res = await fetch(feedbackLink(request, 5));
  await res.text();
  if (res.status !== 200) throw new Error(`feedback link of ${orderId} answered ${res.status}`);
}

async function happyOrder(stack: BenchStack, shop: Shop, o: OrderEvents): Promise<void> {
  await deliver(shop, o.placed());
  await waitFor(`receipt of ${o.orderId}`, () => emailOf(stack.rt, o.orderId, 'receipt'), 60_000);
  await deliver(shop, o.shipped());
  await deliver(shop, o.delivered());
  await giveFeedback(stack, o.orderId);
}

async function delayedOrder(stack: BenchStack, shop: Shop, o: OrderEvents): Promise<void> {
  // Half a day to ship: the promise passes while the order waits for its shipment.
  await deliver(shop, o.placed({ shipBy: new Date(shop.now().getTime() + 12 * 3600_000).toISOString() }));
  await waitFor(`delay notice of ${o.orderId}`, () => emailOf(stack.rt, o.orderId, 'delay_notice'), 60_000);
  await deliver(shop, o.shipped());
  await deliver(shop, o.delivered());
  await giveFeedback(stack, o.orderId);
}

async function settle(stack: BenchStack, names: (n: string) => boolean): Promise<void> {
  await waitFor('executions to finish', () => stack.rt.executions().filter((e) => names(e.name)).every((e) => e.status !== 'RUNNING') || undefined, 120_000, 50);
  await stack.rt.whenIdle({ timeoutMs: 60_000 });
}

export async function measureCost(options: { projectRoot: string; orders?: number; timeScale?: number }): Promise<CostResult> {
  const orders = options.orders ?? 20;
  const timeScale = options.timeScale ?? 43_200;
  const prices = loadPrices(new URL('./prices.json', import.meta.url));
  const stack = await startBenchStack({ timeScale });
  try {
    const shop = shopOf(stack.rt);
    const stores = JSON.parse(stack.rt.env.STORES!) as Array<{ storeId: string; promises: { handlingDays: number; transitDays: { default: number } }; lifecycle: { feedbackDelayDays: number; feedbackReminderDays: number } }>;
    const cfg = stores.find((s) => s.storeId === shop.store)!;

    // Warm-up: every function imported once (cold starts stay out of the figures).
    const w = new OrderEvents(shop, options.projectRoot, 1, 'W');
    await deliver(shop, w.placed());
    await waitFor('warm-up receipt', () => emailOf(stack.rt, w.orderId, 'receipt'), 60_000);
    await deliver(shop, w.cancelled());
    await waitFor('warm-up cancellation', () => emailOf(stack.rt, w.orderId, 'cancellation'), 60_000);
    await (await fetch(`${shop.url}/feedback?t=warm-up&rating=5`)).text();
    await settle(stack, () => true);

    const scenarios: ScenarioCost[] = [];
    for (const [scenario, prefix, run, kinds] of [
      ['happy', 'H', happyOrder, HAPPY],
      ['delayed', 'D', delayedOrder, DELAYED],
    ] as const) {
      const before = stack.usage();
      const started = Date.now();
      const batch = Array.from({ length: orders }, (_, i) => new OrderEvents(shop, options.projectRoot, i + 1, prefix));
      // Staggered: all handlers share one process here, so orders moving in lockstep would
      // make each invocation wait for the others' CPU and inflate the measured durations.
      await Promise.all(batch.map((o, i) => new Promise((r) => setTimeout(r, i * STAGGER_MS)).then(() => run(stack, shop, o))));
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
