/**
 * Ingest latency and throughput in-process: the real Lambda entry (functions/ingest.ts: middy,
 * Powertools logger and metrics, signature check, Shopify mapping, zod validation, the store's
 * look-up, the SQS batch and the conditional put) answering a signed Shopify orders/create, with the SDK's
 * `send` answered by in-process stubs. Against a baseline handler, measured in the same run,
 * that parses the JSON body and answers 200. Run in its own process (see lib/child.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { signShopify } from '../functions/domain/webhooks/signatures.js';
import { childMain } from './lib/child.js';
import { percentile } from './lib/stats.js';

export interface LatencyStats {
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Sequential requests per second (one in flight, as in one Lambda instance). */
  perSecond: number;
}

export interface IngestResult {
  requests: number;
  ingest: LatencyStats;
  baseline: LatencyStats;
  /** Bytes the handler wrote to stdout per request (Powertools log line and EMF metrics). */
  logBytesPerRequest: number;
  status: number;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const SHOP = 'bench-shop.myshopify.com';
const SECRET = 'bench-shopify-secret';

/** A Lambda-like context for the middy middlewares. */
const context = {
  functionName: 'ingest',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:ingest',
  memoryLimitInMB: '512',
  awsRequestId: 'bench',
  logGroupName: '/aws/lambda/ingest',
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

function shopifyEvent(body: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/shopify',
    rawPath: '/webhooks/shopify',
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': SHOP,
      'x-shopify-hmac-sha256': signShopify(SECRET, body),
      'x-shopify-webhook-id': 'b1f4c6d2-bench',
      'x-shopify-event-id': 'b1f4c6d2-bench',
      'x-shopify-triggered-at': new Date().toISOString(),
    },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: '/webhooks/shopify' }, requestId: 'bench', routeKey: 'POST /webhooks/shopify' },
  } as unknown as APIGatewayProxyEventV2;
}

/** The baseline: what any webhook endpoint must do at least. */
const baselineHandler: Handler = async (event) => {
  JSON.parse(event.body ?? '');
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"ok"}' };
};

/**
 * In-process stand-ins for the two SDK clients ingest uses: the look-up finds nothing (a new
 * event), the batch is accepted and the conditional put succeeds. They replace `send` on the client classes, so the module-scope
 * clients in functions/ingest.ts answer without any I/O.
 */
function stubSdk(): void {
  (DynamoDBDocumentClient.prototype as unknown as { send: (c: unknown) => Promise<unknown> }).send = async (command: unknown) => {
    const name = (command as { constructor: { name: string } }).constructor.name;
    if (name !== 'PutCommand' && name !== 'GetCommand') throw new Error(`unexpected DynamoDB call ${name}`);
    return { $metadata: { httpStatusCode: 200 } };
  };
  (SQSClient.prototype as unknown as { send: (c: unknown) => Promise<unknown> }).send = async (command: unknown) => {
    const input = (command as { input: { Entries?: Array<{ Id: string }> } }).input;
    return { $metadata: { httpStatusCode: 200 }, Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })), Failed: [] };
  };
}

function summarize(samples: number[], totalMs: number): LatencyStats {
  return {
    p50Ms: percentile(samples, 50),
    p99Ms: percentile(samples, 99),
    meanMs: samples.reduce((a, b) => a + b, 0) / samples.length,
    perSecond: (samples.length / totalMs) * 1000,
  };
}

export async function measureIngest(options: { projectRoot: string; requests?: number; warmup?: number; storeConfig: Record<string, unknown> }): Promise<IngestResult> {
  const requests = options.requests ?? 3000;
  const warmup = options.warmup ?? 300;
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    TABLE_NAME: 'Orders',
    QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/events',
    STORES: JSON.stringify([{ ...options.storeConfig, storeId: SHOP }]),
    LOCAL_WEBHOOK_SECRETS: JSON.stringify({ [SHOP]: [SECRET] }),
    POWERTOOLS_SERVICE_NAME: 'postpurchase',
    POWERTOOLS_METRICS_NAMESPACE: 'postpurchase',
    AWS_LAMBDA_FUNCTION_NAME: 'ingest',
  });
  stubSdk();
  const { handler } = (await import('../functions/ingest.js')) as unknown as { handler: Handler };

  const body = readFileSync(join(options.projectRoot, 'tests/fixtures/shopify/orders-create.json'), 'utf8');
  const event = shopifyEvent(body);
  const first = await handler(event, context);
  if (first.statusCode !== 202) throw new Error(`ingest answered ${first.statusCode}: ${first.body}`);

  // Log lines go to stdout in Lambda too: they are written (and counted), just not shown.
  let logBytes = 0;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    logBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    return true;
  }) as typeof process.stdout.write;
  try {
    for (let i = 0; i < warmup; i++) {
      await handler(event, context);
      await baselineHandler(event, context);
    }
    logBytes = 0;
    const ingestMs: number[] = [];
    const baseMs: number[] = [];
    let ingestTotal = 0;
    let baseTotal = 0;
    // Interleaved blocks, so that the machine's noise falls on both alike.
    const block = 100;
    for (let done = 0; done < requests; done += block) {
      let t = performance.now();
      for (let i = 0; i < block; i++) {
        const s = performance.now();
        await handler(event, context);
        ingestMs.push(performance.now() - s);
      }
      ingestTotal += performance.now() - t;
      t = performance.now();
      for (let i = 0; i < block; i++) {
        const s = performance.now();
        await baselineHandler(event, context);
        baseMs.push(performance.now() - s);
      }
      baseTotal += performance.now() - t;
    }
    return {
      requests: ingestMs.length,
      ingest: summarize(ingestMs, ingestTotal),
      baseline: summarize(baseMs, baseTotal),
      logBytesPerRequest: logBytes / ingestMs.length,
      status: first.statusCode ?? 0,
    };
  } finally {
    process.stdout.write = write;
  }
}

childMain(import.meta.url, async (args) => {
  const [projectRoot, storeConfig, requests] = args;
  return measureIngest({ projectRoot: projectRoot!, storeConfig: JSON.parse(storeConfig!) as Record<string, unknown>, requests: requests ? Number(requests) : undefined });
});
