/**
 * SES's Send event is what settles a claim whose SendEmail answer was lost: if ses-events fails
 * on it and the event is given up on before the settle window has passed, notify's retry takes
 * the claim over and the shopper gets the email twice. The events reach ses-events through a
 * queue whose redeliveries outlast the window (lib/mailer.ts); the SES stand-in redelivers the
 * same way. Manual clock, real stand-ins.
 */
import { afterAll, expect, it } from 'vitest';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';
import { deliver, scenario } from '../support/fault-scenarios.js';

let rt: LocalRuntime | undefined;
afterAll(async () => {
  await rt?.stop();
});

it('ses-events dies on the Send event of a receipt whose answer was lost, four times: the receipt still goes out once', async () => {
  rt = await startLocal({ port: 0, inMemory: true, timeScale: 86_400, manualClock: true, log: () => {} });
  // 10:00 UTC, out of the store's quiet hours.
  const now = rt.clock.now().getTime();
  const ten = new Date(now);
  ten.setUTCHours(10, 0, 0, 0);
  if (ten.getTime() <= now) ten.setUTCDate(ten.getUTCDate() + 1);
  await rt.advanceTime(ten.getTime() - now);
  const order = scenario('SE-1', 'receipt', rt.clock.now().getTime(), { n: 0 });
  const where = { kind: 'receipt', orderId: order.orderId, mode: 'invocation' as const };
  // More failed deliveries than Lambda's two async retries of an SNS-invoked function allowed.
  rt.addCrashPlans([{ at: 'ses.afterAccept', ...where }, ...Array.from({ length: 4 }, () => ({ at: 'sesEvents.beforeSettle' as const, ...where }))]);

  await deliver(() => rt!.url, order.webhooks[0]![0]!);
  await rt.whenIdle({ timeoutMs: 60_000 });
  // Past the settle window in virtual time too: nothing is left to take over.
  await rt.advanceTime(86_400_000);

  const receipts = (await rt.outbox()).filter((e) => e.orderId === order.orderId && e.kind === 'receipt');
  expect({ receipts: receipts.length, crashes: rt.crashes().map((c) => c.at) }).toEqual({
    receipts: 1,
    crashes: ['ses.afterAccept', 'sesEvents.beforeSettle', 'sesEvents.beforeSettle', 'sesEvents.beforeSettle', 'sesEvents.beforeSettle'],
  });
  expect(rt.executions().filter((e) => e.status === 'FAILED')).toEqual([]);
}, 120_000);
