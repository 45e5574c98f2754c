/**
 * Lambda entry: the outbox sweeper, run every minute by an EventBridge schedule. Drains the
 * legacy event outbox: events stored by earlier versions (items that still carry `outboxPk`)
 * that their ingest never got onto the queue. Ingest now queues before it stores, so no new event
 * enters the index (functions/services/sweep-outbox.ts).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ScheduledEvent } from 'aws-lambda';
import * as z from 'zod';
import { ENV, readEnv } from './adapters/env.js';
import { sqsEnqueue } from './adapters/event-queue.js';
import { OrderStore } from './adapters/order-store.js';
import { clock } from './adapters/runtime-config.js';
import { logger } from './adapters/observability.js';
import { sweepOutbox, type SweepResult } from './services/sweep-outbox.js';

const env = readEnv(
  z.object({
    [ENV.tableName]: z.string().min(1),
    [ENV.queueUrl]: z.string().min(1),
    [ENV.retentionDays]: z.coerce.number().int().positive().default(400),
    [ENV.outboxGraceSeconds]: z.coerce.number().positive(),
  }),
);
// Its own document client, not wiring.ts's: that module also brings the Step Functions client.
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const orders = new OrderStore(doc, env.TABLE_NAME, { clock, retentionDays: env.RETENTION_DAYS });
const enqueue = sqsEnqueue(new SQSClient({}), env.QUEUE_URL);

async function outboxHandler(_event: ScheduledEvent): Promise<SweepResult> {
  const result = await sweepOutbox({ orders, enqueue, graceSeconds: env.OUTBOX_GRACE_SECONDS });
  if (result.queued > 0) logger.warn('queued legacy events stranded in the outbox', { ...result });
  return result;
}

export const handler = middy(outboxHandler).use(injectLambdaContext(logger));
