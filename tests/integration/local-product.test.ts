import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';

/**
 * The product itself on the local runtime: the template lib/ synthesizes and the handler
 * modules under functions/, with nothing stubbed.
 */
describe('the product on the local runtime', () => {
  let rt: LocalRuntime;
  beforeAll(async () => {
    rt = await startLocal({ port: 0, inMemory: true });
  }, 120_000);
  afterAll(async () => {
    await rt?.stop();
  });

  it('turns a signed order webhook into a receipt email and an order resting in its shipment wait', async () => {
    const stores = JSON.parse(rt.env.STORES!) as Array<{ storeId: string }>;
    const store = stores.find((s) => !s.storeId.endsWith('.myshopify.com'))!.storeId;
    const body = JSON.parse(readFileSync('tests/fixtures/generic/order-placed.json', 'utf8')) as { store: string; data: { order: { orderId: string } } };
    body.store = store;

    const accepted = await fetch(`${rt.url}/_local/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const deadline = Date.now() + 20_000;
    while (!(await rt.outbox()).some((e) => e.kind === 'receipt') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await rt.whenIdle();

    expect(accepted.status).toBe(202);
    const receipt = (await rt.outbox()).find((e) => e.kind === 'receipt');
    expect(receipt).toMatchObject({ store, orderId: body.data.order.orderId });
    expect(receipt?.html).toContain(rt.url);
    // Issue 15: no execution stays open; the order's wake walked it to its shipment wait and ended.
    const executions = rt.executions();
    expect(executions.length).toBeGreaterThanOrEqual(1);
    expect(executions.map((e) => e.status)).toEqual(executions.map(() => 'SUCCEEDED'));
    expect(JSON.parse(executions.at(-1)!.output!).step).toMatchObject({ at: 'AwaitShipment', more: false });
    expect(rt.stats().lambdaErrors).toEqual({});
    expect(rt.stats().ses.events.Delivery).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
