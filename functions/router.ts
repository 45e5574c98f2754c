/** Lambda entry: routes queued domain events to order workflows (SQS, partial batch failures). */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord, SQSBatchResponse, Context } from 'aws-lambda';
import * as z from 'zod';
import { ENV, readEnv } from './adapters/env.js';
import { workflowDeps } from './adapters/wiring.js';
import { logger } from './adapters/observability.js';
import { domainEventSchema, orderIdOf } from './domain/events.js';
import { routeEvent } from './services/route-event.js';
import { checkpoint } from './adapters/host-hooks.js';

const env = readEnv(
  z.object({
    [ENV.tableName]: z.string().min(1),
    [ENV.stateMachineArn]: z.string().min(1),
    [ENV.retentionDays]: z.coerce.number().int().positive().default(400),
  }),
);
const deps = workflowDeps(env);

async function routeRecord(record: SQSRecord): Promise<void> {
  const event = domainEventSchema.parse(JSON.parse(record.body));
  const where = { store: event.store, orderId: orderIdOf(event), eventType: event.type };
  await checkpoint('router.beforeRoute', where);
  const result = await routeEvent(event, deps, { messageId: record.messageId });
  await checkpoint('router.afterRoute', where);
  logger.info('routed', { store: event.store, eventId: event.eventId, type: event.type, ...result });
}

async function routerHandler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  // A processor per invocation: it holds the batch's state, so sharing one would make the
  // handler unsafe for concurrent invocations in one process (as the local runtime runs them).
  return processPartialResponse(event, routeRecord, new BatchProcessor(EventType.SQS), { context });
}

export const handler = middy(routerHandler).use(injectLambdaContext(logger));
