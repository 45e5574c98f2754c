/** Lambda entry: the webhook endpoints (`POST /webhooks/shopify`, `POST /webhooks`) behind the HTTP API. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { ENV, readEnv } from './adapters/env.js';
import { OrderStore } from './adapters/order-store.js';
import { clock, storesFromEnv, webhookSecrets } from './adapters/runtime-config.js';
import { logger } from './adapters/observability.js';
import { metrics, MetricUnit } from './adapters/metrics.js';
import { sqsEnqueue } from './adapters/event-queue.js';
import { ingestWebhook } from './services/ingest-webhook.js';
import { storeSetupSchema } from './domain/webhooks/unknown-store.js';

const env = readEnv(
  z.object({
    [ENV.tableName]: z.string().min(1),
    [ENV.queueUrl]: z.string().min(1),
    [ENV.retentionDays]: z.coerce.number().int().positive().default(400),
    [ENV.storeSetup]: storeSetupSchema.default('deployed'),
  }),
);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const sqs = new SQSClient({});
const orders = new OrderStore(doc, env.TABLE_NAME, { clock, retentionDays: env.RETENTION_DAYS });
const secretsFor = webhookSecrets(storesFromEnv());

const enqueue = sqsEnqueue(sqs, env.QUEUE_URL);
/** Same name as APP_METRICS.eventsNotQueued in lib/monitoring.ts (entries do not import lib/). */
const APP_METRIC_EVENTS_NOT_QUEUED = 'EventsNotQueued';

// The signature replay window is about real elapsed time, so it reads the wall clock even
// when the local runtime makes workflow time pass faster.
async function ingestHandler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const rawBody = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  const source = event.rawPath.endsWith('/shopify') ? 'shopify' : 'generic';
  const answer = await ingestWebhook({ source, headers, rawBody }, { orders, enqueue, secretsFor, now: () => new Date(), storeSetup: env.STORE_SETUP });
  metrics.addDimension('source', source);
  metrics.addMetric(answer.statusCode < 300 ? 'WebhooksAccepted' : 'WebhooksRejected', MetricUnit.Count, 1);
  logger.info('webhook', { source, status: answer.statusCode, code: (answer.body.error as { code?: string } | undefined)?.code });
  if (answer.notQueued) {
    metrics.addMetric(APP_METRIC_EVENTS_NOT_QUEUED, MetricUnit.Count, answer.notQueued);
    logger.warn('events not queued: the queue refused them; nothing stored, answered 503', { source, notQueued: answer.notQueued });
  }
  if (answer.notStored) logger.warn('events queued but not stored; the router stores them', { source, notStored: answer.notStored });
  return { statusCode: answer.statusCode, headers: { 'content-type': 'application/json', ...answer.headers }, body: JSON.stringify(answer.body) };
}

export const handler = middy(ingestHandler).use(injectLambdaContext(logger)).use(logMetrics(metrics));
