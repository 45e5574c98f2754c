import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalOptions, type LocalRuntime } from '../../local/runtime.js';
import type { CfnTemplate } from '../../local/template.js';
import { synthFixtureTemplate } from '../../local/testing/fixture-stack.js';

const handlersDir = join(dirname(fileURLToPath(import.meta.url)), '../../local/testing/handlers');
const handlers = Object.fromEntries(['ingest', 'router', 'notify', 'await', 'ses-events', 'pages'].map((e) => [e, join(handlersDir, `${e}.ts`)]));

let template: CfnTemplate;
beforeAll(() => {
  template = synthFixtureTemplate({
    environment: { STORES: JSON.stringify([{ storeId: 'acme' }, { storeId: 'shop.myshopify.com' }]) },
  });
}, 60_000);

let runtime: LocalRuntime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

const start = async (options: Partial<LocalOptions> = {}) => {
  runtime = await startLocal({ template, handlers, port: 0, inMemory: true, webhookSecret: 'whsec_dGVzdA==', ...options });
  return runtime;
};

const webhook = (rt: LocalRuntime, path: string, body: unknown, secret = rt.secrets.webhookSecret, headers: Record<string, string> = {}) =>
  fetch(`${rt.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-secret': secret, ...headers }, body: JSON.stringify(body) });

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('local runtime', () => {
  it('runs an order from webhook to receipt and shipping confirmation through the real state machine', async () => {
    const rt = await start();

    const accepted = await webhook(rt, '/webhooks/acme', { type: 'order_created', orderId: '1001' });
    await until(async () => (await rt.outbox()).length === 1);
    await webhook(rt, '/webhooks/acme', { type: 'shipment', orderId: '1001' });
    await until(async () => (await rt.outbox()).length === 2);
    await rt.whenIdle();

    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ accepted: true, route: 'POST /webhooks/{store}' });
    const emails = await rt.outbox();
    expect(emails.map((e) => [e.kind, e.store, e.orderId])).toEqual([
      ['receipt', 'acme', '1001'],
      ['shipping_confirmation', 'acme', '1001'],
    ]);
    expect(emails[0]!.html).toContain(`${rt.url}/t/1001`);
    const [execution] = rt.executions();
    expect(execution).toMatchObject({ name: 'acme-1001', status: 'RUNNING' });
    // SendReceipt, AwaitShipment, SendShippingConfirmation, AwaitDelivery
    expect(execution!.stateTransitions).toBe(4);
    const stats = rt.stats();
    expect(stats.lambdaInvocations).toMatchObject({ ingest: 2, router: 2, notify: 2, await: 2 });
    expect(stats.sqs).toMatchObject({ sent: 2, messagesDelivered: 2 });
    expect(stats.ses.events).toMatchObject({ Send: 2, Delivery: 2 });
  });

  it('delivers SES events to the ses-events function with the message id', async () => {
    const rt = await start();
    await webhook(rt, '/webhooks/acme', { type: 'order_created', orderId: '2002' });
    await until(async () => (await rt.outbox()).length === 1);
    await rt.whenIdle();
    const [receipt] = await rt.outbox();

    const ddb = new DynamoDBClient({ endpoint: rt.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const item = await ddb.send(new GetItemCommand({ TableName: rt.app.table!.TableName, Key: { pk: { S: `MESSAGE#${receipt!.messageId}` }, sk: { S: 'MESSAGE' } } }));
    ddb.destroy();

    expect(item.Item?.events?.L?.map((v) => v.S)).toEqual(['Send', 'Delivery']);
  });

  it('builds API Gateway v2 events for the template routes and maps the responses back', async () => {
    const rt = await start();

    const page = await fetch(`${rt.url}/t/abc/def?x=1&x=2`);
    const text = await page.text();
    const unauthorized = await webhook(rt, '/webhooks/acme', { type: 'order_created', orderId: '1' }, 'wrong');
    const shopify = await webhook(rt, '/webhooks/shopify', { type: 'noop', orderId: '1' }, rt.secrets.shopifyWebhookSecret, {
      'x-shopify-shop-domain': 'shop.myshopify.com',
    });
    const missing = await fetch(`${rt.url}/nope`);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('set-cookie')).toBe('seen=1; Path=/');
    expect(text).toContain('<h1>GET /t/{proxy+}</h1>');
    expect(text).toContain('{"proxy":"abc/def"}');
    expect(text).toContain('<p id="query">x=1&x=2</p>');
    expect(unauthorized.status).toBe(401);
    expect(shopify.status).toBe(202);
    expect(missing.status).toBe(404);
  });

  it('serves the outbox as JSON and as a page, and clears it', async () => {
    const rt = await start();
    await webhook(rt, '/webhooks/acme', { type: 'order_created', orderId: '3003' });
    await until(async () => (await rt.outbox()).length === 1);

    const json = (await (await fetch(`${rt.url}/_local/outbox`)).json()) as { emails: Array<{ subject: string }> };
    const page = await fetch(`${rt.url}/_local/outbox`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    const cleared = await fetch(`${rt.url}/_local/outbox/clear`, { method: 'POST' });

    expect(json.emails.map((e) => e.subject)).toEqual(['receipt for order 3003']);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('<iframe');
    expect(html).toContain('sandbox=');
    expect(html).toContain('receipt for order 3003');
    expect(await cleared.json()).toEqual({ cleared: 1 });
    expect(await rt.outbox()).toEqual([]);
  });

  it('dead-letters messages the router keeps failing and replays them on request', async () => {
    const rt = await start({ timeScale: 3000 }); // visibility timeout 30 s → 10 ms

    await webhook(rt, '/webhooks/acme', { type: 'poison', orderId: '4004' });
    await until(() => rt.stats().sqs.deadLetterDepth === 1);
    const replay = await fetch(`${rt.url}/_local/dlq/replay`, { method: 'POST' });

    expect(rt.stats().lambdaInvocations.router).toBeGreaterThanOrEqual(5);
    expect(await replay.json()).toEqual({ replayed: 1 });
  });

  it('sets the local webhook secrets per store and a dev ops token', async () => {
    const rt = await start();

    expect(JSON.parse(rt.env.LOCAL_WEBHOOK_SECRETS!)).toEqual({ acme: ['whsec_dGVzdA=='], 'shop.myshopify.com': [rt.secrets.shopifyWebhookSecret] });
    expect(rt.env.AWS_ENDPOINT_URL_SFN).toBe(rt.endpoints.sfn);
    expect(rt.env.STATE_MACHINE_ARN).toBe(rt.app.stateMachine.arn);
    expect(rt.env.QUEUE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/000000000000\/Events/);
    expect(rt.env.PUBLIC_BASE_URL).toBe(rt.url);
    expect(rt.secrets.defaults).toContain('OPS_TOKEN');
  });

  it('injects Lambda.Unknown crashes that the workflow retries', async () => {
    let calls = 0;
    // The first three draws crash (the first is the router's first batch); fewer than the five
    // receives that would dead-letter a message, so every order still gets its receipt.
    const rt = await start({ faults: { lambdaCrashRate: 0.5 }, timeScale: 1000, random: () => (calls++ < 3 ? 0 : 0.99) });

    for (const id of ['5001', '5002', '5003']) await webhook(rt, '/webhooks/acme', { type: 'order_created', orderId: id });
    await until(async () => (await rt.outbox()).length === 3, 20_000);

    expect(rt.stats().injectedCrashes).toBeGreaterThan(0);
    expect(rt.stats().sqs.deadLettered).toBe(0);
  });

  it('resumes open orders after a restart without sending twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'local-runtime-'));
    const first = await start({ inMemory: false, dataDir });
    await webhook(first, '/webhooks/acme', { type: 'order_created', orderId: '6006' });
    await until(async () => (await first.outbox()).length === 1);
    await first.whenIdle();
    await first.stop();

    const second = await start({ inMemory: false, dataDir });
    await second.whenIdle();
    await webhook(second, '/webhooks/acme', { type: 'shipment', orderId: '6006' });
    await until(async () => (await second.outbox()).length === 2);

    expect(second.resumed).toEqual(['acme-6006']);
    expect(second.execution('acme-6006')).toMatchObject({ status: 'RUNNING', runs: 2 });
    expect((await second.outbox()).map((e) => e.kind)).toEqual(['receipt', 'shipping_confirmation']);
  });
});
