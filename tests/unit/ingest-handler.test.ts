/**
 * The webhook Lambda entry with the AWS SDK mocked: the answers a platform sees, and what is
 * (and is not) queued and stored for each. Enqueue first, then store, with no look-up before: a
 * duplicate is queued again (routing absorbs it) and answered 200 duplicate from the put.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { signShopify, signStandardWebhook } from '../../functions/domain/webhooks/parse-webhook.js';
import { STORE as SHOP, aStoreConfig } from '../support/builders.js';
import { conditionalFailure } from '../support/sdk.js';
import placed from '../fixtures/generic/order-placed.json' with { type: 'json' };
import shopifyOrder from '../fixtures/shopify/orders-create.json' with { type: 'json' };

const SECRET = `whsec_${Buffer.from('unit-test-secret-0123456789').toString('base64')}`;
const SHOPIFY_SECRET = 'shpss_unit-test-shopify-secret';
/** A store on the generic endpoint; SHOP (a myshopify.com domain) is on the Shopify one. */
const STORE = 'acme-outlet';
const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let handler: (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;

beforeAll(async () => {
  Object.assign(process.env, {
    TABLE_NAME: 'Orders',
    QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/events',
    STORES: JSON.stringify([aStoreConfig({ storeId: STORE }), aStoreConfig({ storeId: SHOP })]),
    LOCAL_WEBHOOK_SECRETS: JSON.stringify({ [STORE]: [SECRET], [SHOP]: [SHOPIFY_SECRET] }),
    AWS_REGION: 'us-east-1',
    POWERTOOLS_DEV: 'false',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ({ handler } = (await import('../../functions/ingest.js')) as unknown as { handler: typeof handler });
});

function signedRequest(body: string, opts: { secret?: string; at?: number; id?: string } = {}): APIGatewayProxyEventV2 {
  const id = opts.id ?? 'msg_1';
  const ts = String(opts.at ?? Math.floor(Date.now() / 1000));
  return {
    version: '2.0',
    routeKey: 'POST /webhooks',
    rawPath: '/webhooks',
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': ts,
      'webhook-signature': signStandardWebhook(opts.secret ?? SECRET, id, Number(ts), body),
    },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: '/webhooks' } },
  } as unknown as APIGatewayProxyEventV2;
}

function shopifyRequest(rawBody: string, opts: { shop?: string; secret?: string } = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/shopify',
    rawPath: '/webhooks/shopify',
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': opts.shop ?? SHOP,
      'x-shopify-event-id': 'evt-1',
      'x-shopify-hmac-sha256': signShopify(opts.secret ?? SHOPIFY_SECRET, rawBody),
    },
    body: rawBody,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: '/webhooks/shopify' } },
  } as unknown as APIGatewayProxyEventV2;
}

const body = JSON.stringify({ ...placed, store: STORE });
const shopifyBody = JSON.stringify(shopifyOrder);
const storedPk = () => ddb.commandCalls(PutCommand)[0]!.args[0].input.Item!.pk as string;
/** The key the event of `body` is stored under. */
const storedKey = () => {
  const e = JSON.parse(body) as { store: string; data: { order: { orderId: string } } };
  return { pk: `ORDER#${e.store}#${e.data.order.orderId}`, sk: expect.stringMatching(/^EVENT#/) as unknown as string };
};
const context = { functionName: 'ingest', awsRequestId: 'r-1' } as Context;

describe('ingest webhook', () => {
  beforeEach(() => {
    ddb.reset();
    sqs.reset();
    ddb.on(PutCommand).resolves({});
    ddb.on(GetCommand).resolves({});
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [{ Id: '0', MessageId: 'q-1', MD5OfMessageBody: 'x' }] });
  });

  it('stores a signed order event with a conditional put, queues it, and answers 202', async () => {
    const res = await handler(signedRequest(body), context);

    expect(res.statusCode).toBe(202);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)' });
    const queued = JSON.parse(sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries![0]!.MessageBody!);
    expect(queued).toMatchObject({ type: 'order.placed', store: STORE });
  });

  it('rejects a body whose signature does not match with 401 and stores nothing', async () => {
    const wrong = `whsec_${Buffer.from('another-secret-entirely').toString('base64')}`;
    const res = await handler(signedRequest(body, { secret: wrong }), context);

    expect(res.statusCode).toBe(401);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('rejects a malformed body with 400 naming the field, and stores nothing', async () => {
    const bad = JSON.parse(body);
    bad.data.order.lineItems[0].quantity = 0;
    const res = await handler(signedRequest(JSON.stringify(bad)), context);

    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!).error.field).toBe('data.order.lineItems.0.quantity');
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers 200 duplicate when the put fails its condition after the send (a redelivery, a concurrent delivery), having queued it (routing absorbs a second message); reads nothing first, and one item after', async () => {
    ddb.on(PutCommand).rejects(conditionalFailure());
    // Stored by ingest (no message id), or by the router from another delivery's message.
    ddb.on(GetCommand).resolves({ Item: { queuedAs: 'q-0' } });
    const res = await handler(signedRequest(body), context);

    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!).status).toBe('duplicate');
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    const reads = ddb.commandCalls(GetCommand).map((c) => c.args[0].input);
    expect(reads).toEqual([{ TableName: expect.any(String), Key: { pk: expect.stringContaining('ORDER#'), sk: expect.stringContaining('EVENT#') }, ConsistentRead: true, ProjectionExpression: 'queuedAs' }]);
  });

  it('answers 202 when the router stored the event from this delivery\'s own message (q-1) before the put', async () => {
    ddb.on(PutCommand).rejects(conditionalFailure());
    ddb.on(GetCommand).resolves({ Item: { queuedAs: 'q-1' } });
    const res = await handler(signedRequest(body), context);

    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body!).status).toBe('accepted');
  });

  it('queues the event, then stores it with a conditional put that writes nothing to the outbox index', async () => {
    const calls: string[] = [];
    ddb.on(PutCommand).callsFake(() => (calls.push('put'), {}));
    sqs.on(SendMessageBatchCommand).callsFake(() => (calls.push('send'), { Successful: [{ Id: '0', MessageId: 'q-1', MD5OfMessageBody: 'x' }] }));
    const res = await handler(signedRequest(body), context);

    expect(res.statusCode).toBe(202);
    expect(calls).toEqual(['send', 'put']);
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put.Item).not.toHaveProperty('outboxPk');
    expect(put.Item).not.toHaveProperty('outboxSk');
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('answers 503 queue_unavailable with Retry-After when the queue refuses the event, and stores nothing: the platform retries', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('throttled'));
    const res = await handler(signedRequest(body), context);

    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body!).error.code).toBe('queue_unavailable');
    expect(res.headers).toMatchObject({ 'retry-after': expect.stringMatching(/^\d+$/) });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('answers 503 too when SQS takes the batch but fails an entry of it', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });
    const res = await handler(signedRequest(body), context);

    expect(res.statusCode).toBe(503);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers 202 when the put fails otherwise after the send: the event is queued, and the router stores it', async () => {
    ddb.on(PutCommand).rejects(Object.assign(new Error('Throughput exceeded'), { name: 'ProvisionedThroughputExceededException', $metadata: {} }));
    const res = await handler(signedRequest(body), context);

    expect(res.statusCode).toBe(202);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });

  describe('store ids', () => {
    it('treats "Acme-Outlet" as the store "acme-outlet": stored, deduplicated and queued under the canonical id', async () => {
      const res = await handler(signedRequest(JSON.stringify({ ...placed, store: 'Acme-Outlet' })), context);

      expect(res.statusCode).toBe(202);
      expect(storedPk()).toMatch(/^ORDER#acme-outlet#/);
      const queued = JSON.parse(sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries![0]!.MessageBody!);
      expect(queued.store).toBe('acme-outlet');
    });

    it('treats X-Shopify-Shop-Domain case-insensitively: ACME.MYSHOPIFY.COM is acme.myshopify.com', async () => {
      const res = await handler(shopifyRequest(shopifyBody, { shop: ` ${SHOP.toUpperCase()} ` }), context);

      expect(res.statusCode).toBe(202);
      expect(storedPk()).toMatch(new RegExp(`^ORDER#${SHOP.replace(/\./g, '\\.')}#`));
      const queued = JSON.parse(sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries![0]!.MessageBody!);
      expect(queued.store).toBe(SHOP);
    });

    it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'acme#outlet', 'ａcme'])(
      'answers a body naming the store %j with the 401 of any unknown store, and stores nothing',
      async (store) => {
        const unknown = await handler(signedRequest(JSON.stringify({ ...placed, store: 'no-such-store' })), context);
        const res = await handler(signedRequest(JSON.stringify({ ...placed, store })), context);

        expect(res.statusCode).toBe(401);
        expect(JSON.parse(res.body!)).toEqual(JSON.parse(unknown.body!));
        expect(JSON.parse(res.body!).error.code).toBe('unknown_store');
        expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
      },
    );

    it.each(['__proto__', 'constructor', 'toString'])('answers X-Shopify-Shop-Domain %j with 401 unknown_store', async (shop) => {
      const res = await handler(shopifyRequest(shopifyBody, { shop }), context);

      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body!).error.code).toBe('unknown_store');
    });
  });

  describe('each endpoint accepts only its own kind of store', () => {
    it('refuses a generic store on POST /webhooks/shopify, even with an HMAC keyed by its whsec_ string', async () => {
      const res = await handler(shopifyRequest(shopifyBody, { shop: STORE, secret: SECRET }), context);

      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body!).error.code).toBe('unknown_store');
      expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    });

    it('refuses a Shopify store on POST /webhooks, even signed per Standard Webhooks with its secret', async () => {
      const res = await handler(signedRequest(JSON.stringify({ ...placed, store: SHOP }), { secret: SHOPIFY_SECRET }), context);

      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body!).error.code).toBe('unknown_store');
      expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    });
  });
});
