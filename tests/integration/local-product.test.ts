import { readFileSync } from 'node:fs';
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
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

  it("lands SES's delivery, bounce and complaint events on the email's ledger line by its tag, and suppresses the address, with no MESSAGE# item", async () => {
    const stores = JSON.parse(rt.env.STORES!) as Array<{ storeId: string }>;
    const store = stores.find((s) => !s.storeId.endsWith('.myshopify.com'))!.storeId;
    const body = JSON.parse(readFileSync('tests/fixtures/generic/order-placed.json', 'utf8')) as { store: string; eventId: string; data: { order: { orderId: string; customer: { email: string } } } };
    body.store = store;
    body.eventId = 'order-NH-200001-placed';
    body.data.order.orderId = 'NH-200001';
    body.data.order.customer.email = 'nh-200001@example.de';
    await fetch(`${rt.url}/_local/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const deadline = Date.now() + 20_000;
    const receiptOf = async () => (await rt.outbox()).find((e) => e.kind === 'receipt' && e.orderId === 'NH-200001');
    while (!(await receiptOf()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await rt.whenIdle();
    const receipt = (await receiptOf())!;
    const ddb = new DynamoDBClient({ endpoint: rt.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const TableName = rt.app.table!.TableName;
    const get = async (pk: string, sk: string) => {
      const item = (await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }))).Item;
      return item ? unmarshall(item) : undefined;
    };
    const line = () => get(`ORDER#${store}#NH-200001`, 'MAIL#receipt#order');
    try {
      expect(await line()).toMatchObject({ status: 'sent', messageId: receipt.messageId, deliveryStatus: 'delivered' });

      await rt.simulateBounce(receipt.messageId);
      await rt.whenIdle();
      expect(await line()).toMatchObject({ deliveryStatus: 'bounced' });
      expect(await get('SUPPRESS#*#nh-200001@example.de', 'SUPPRESS')).toMatchObject({ reason: 'bounce' });

      await rt.simulateComplaint(receipt.messageId);
      await rt.whenIdle();
      expect(((await line())!.deliveryEvents as { outcome: string }[]).map((e) => e.outcome)).toEqual(['delivered', 'bounced', 'complained']);
      expect(await get('SUPPRESS#*#nh-200001@example.de', 'SUPPRESS')).toMatchObject({ reason: 'complaint' });

      // Workflow emails write no messageId → order index: the tag SES repeats in each event replaced it.
      const scan = await ddb.send(new ScanCommand({ TableName, FilterExpression: 'begins_with(pk, :m)', ExpressionAttributeValues: { ':m': { S: 'MESSAGE#' } } }));
      expect(scan.Items ?? []).toEqual([]);
    } finally {
      ddb.destroy();
    }
    expect(rt.stats().lambdaErrors).toEqual({});
  }, 60_000);
});
