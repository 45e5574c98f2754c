import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerModule } from '../../local/lambda.js';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';
import { deliver, OrderEvents, shopOf, type Shop } from '../../bench/lib/orders.js';
import { seededRandom } from '../../bench/lib/stats.js';

/**
 * Issue 5: a burst of orders while workflow starts are throttled. Every webhook is delivered
 * three times at once (a platform's retries under one webhook-id), half the orders have their
 * shipment posted before the order itself, and StartExecution answers ThrottlingException half
 * the time. The router's SDK retries absorb most throttles; when all of a call's attempts are
 * throttled the record fails and SQS delivers it again, which must carry every order through.
 *
 * On the manual clock no promise deadline can pass however slow the machine is, so only receipts
 * and shipping confirmations are due; the time scale only shortens the queue's visibility timeout
 * and the retry pauses (180 s becomes 50 ms). The test waits until the runtime is idle (nothing
 * queued, in flight or retrying), not for a duration. The router runs as a pool of Lambda-like
 * instances (see lambdaInstances); the other functions run as the runtime runs them.
 */
const ORDERS = 25;
const THROTTLE_RATE = 0.5;

/**
 * A function as a pool of Lambda instances: each its own copy of the module, serving one
 * invocation at a time. The local runtime otherwise runs concurrent invocations through one
 * module, which Lambda never does; the router keeps its Powertools BatchProcessor at module scope
 * (as Powertools recommends), and concurrent batches sharing it mix up their failure reports.
 */
function lambdaInstances(moduleUrl: string, count: number): HandlerModule {
  const modules: Array<Promise<HandlerModule> | undefined> = [];
  const free = Array.from({ length: count }, (_, i) => i);
  const waiting: Array<(instance: number) => void> = [];
  return {
    handler: async (event, context) => {
      const instance = free.pop() ?? (await new Promise<number>((r) => waiting.push(r)));
      try {
        // Imported on first use, after the runtime has set the environment the module reads.
        modules[instance] ??= import(`${moduleUrl}?instance=${instance}`) as Promise<HandlerModule>;
        return await (await modules[instance]).handler(event, context);
      } finally {
        const next = waiting.shift();
        if (next) next(instance);
        else free.push(instance);
      }
    },
  };
}

describe('a burst of orders while StartExecution is throttled', () => {
  let rt: LocalRuntime;
  let shop: Shop;
  const orders: OrderEvents[] = [];

  beforeAll(async () => {
    rt = await startLocal({
      port: 0,
      inMemory: true,
      timeScale: 3600,
      manualClock: true,
      faults: { startExecutionThrottleRate: THROTTLE_RATE },
      random: seededRandom(5),
      handlers: { router: lambdaInstances(new URL('../../functions/router.ts', import.meta.url).href, 5) },
    });
    shop = shopOf(rt);
    for (let n = 1; n <= ORDERS; n++) orders.push(new OrderEvents(shop, process.cwd(), n, 'BURST'));
  }, 120_000);

  afterAll(async () => {
    await rt?.stop();
  });

  it('gives every order exactly one receipt and leaves nothing in the dead-letter queue', async () => {
    await Promise.all(
      orders.map(async (o) => {
        const placed = o.placed();
        const shipped = o.shipped();
        if (o.n % 2 === 0) {
          // Out of order: the shipment is stored (and routed) before the order exists.
          await deliver(shop, shipped, { copies: 3 });
          await deliver(shop, placed, { copies: 3 });
        } else {
          // Both at once: whichever the router sees first.
          await Promise.all([deliver(shop, placed, { copies: 3 }), deliver(shop, shipped, { copies: 3 })]);
        }
      }),
    );
    // Every delivery was acknowledged; once nothing is queued, in flight or retrying, every order has been routed.
    await rt.whenIdle({ timeoutMs: 55_000 });

    const stats = rt.stats();
    const emails = await rt.outbox();
    const count = (orderId: string, kind: string) => emails.filter((e) => e.orderId === orderId && e.kind === kind).length;
    const executions = rt.executions();
    expect(orders.map((o) => [o.orderId, count(o.orderId, 'receipt'), count(o.orderId, 'shipping_confirmation')])).toEqual(orders.map((o) => [o.orderId, 1, 1]));
    // One short execution per wake (issue 15): every order was walked, and no walk failed.
    const walked = (orderId: string) => executions.filter((e) => (JSON.parse(e.input) as { order: { orderId: string } }).order.orderId === orderId).length;
    expect(orders.filter((o) => walked(o.orderId) === 0).map((o) => o.orderId)).toEqual([]);
    expect(executions.filter((e) => e.status === 'FAILED')).toEqual([]);
    expect(stats.sqs.deadLettered).toBe(0);
    expect(stats.sqs.deadLetterDepth).toBe(0);
    // The fault did bite, and some records needed SQS to deliver them again.
    expect(stats.startExecutionThrottled).toBeGreaterThan(0);
    expect(stats.sqs.failedDeliveries).toBeGreaterThan(0);
  }, 60_000);

  it('answers StartExecution with ThrottlingException at the configured rate', async () => {
    rt.setFaults({ startExecutionThrottleRate: 1 });
    const sfn = new SFNClient({ endpoint: rt.endpoints.sfn, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    const before = rt.stats().startExecutionThrottled;
    try {
      const attempt = sfn.send(new StartExecutionCommand({ stateMachineArn: rt.app.stateMachine.arn, name: 'throttled-start', input: '{}' }));

      await expect(attempt).rejects.toMatchObject({ name: 'ThrottlingException' });
      expect(rt.stats().startExecutionThrottled).toBe(before + 1);
      expect(rt.executions().some((e) => e.name === 'throttled-start')).toBe(false);
    } finally {
      rt.setFaults({ startExecutionThrottleRate: 0 });
      sfn.destroy();
    }
  });
});
