/**
 * Lambda entry: SES configuration-set events and reputation alarm changes (via EventBridge).
 * SES publishes its events to an SNS topic (lib/mailer.ts); Delivery events come from the topic
 * itself (an SNS record, its message the SES event), every other event through an SQS queue (raw
 * messages: each record's body is one SES event). A queue record that fails is reported as a
 * batch item failure, so the queue redelivers it (a Send event must get through within the settle
 * window) and only it; a Delivery event that fails fails the invocation, which Lambda retries.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { ENV, readEnv } from './adapters/env.js';
import { OrderStore } from './adapters/order-store.js';
import { clock } from './adapters/runtime-config.js';
import { logger } from './adapters/observability.js';
import { alarmChangeSchema, handleAlarmChange, handleSesEvent, sesEventSchema } from './services/ses-events.js';

const env = readEnv(
  z.object({
    [ENV.tableName]: z.string().min(1),
    [ENV.retentionDays]: z.coerce.number().int().positive().default(400),
  }),
);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const orders = new OrderStore(doc, env.TABLE_NAME, { clock, retentionDays: env.RETENTION_DAYS });

async function sesEventsHandler(event: SQSEvent | unknown): Promise<SQSBatchResponse & { results: string[] }> {
  const alarm = alarmChangeSchema.safeParse(event);
  if (alarm.success) {
    const result = await handleAlarmChange(alarm.data, orders);
    logger.info('reputation alarm', { alarm: alarm.data.detail.alarmName, result });
    return { results: [result], batchItemFailures: [] };
  }
  const results: string[] = [];
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of (event as SQSEvent | SNSEvent).Records ?? []) {
    const fromTopic = 'Sns' in record;
    let body: unknown;
    try {
      body = JSON.parse(fromTopic ? record.Sns.Message : record.body);
    } catch {
      body = undefined;
    }
    const parsed = sesEventSchema.safeParse(body);
    if (!parsed.success) {
      // Never valid, however often it is delivered: dropped, not retried.
      logger.warn('not an SES event', { issues: parsed.error.issues.length });
      results.push('invalid');
      continue;
    }
    try {
      const result = await handleSesEvent(parsed.data, orders);
      logger.info('ses event', { type: parsed.data.eventType, messageId: parsed.data.mail.messageId, result });
      results.push(result);
    } catch (e) {
      logger.error('ses event failed, to be redelivered', { type: parsed.data.eventType, messageId: parsed.data.mail.messageId, error: e instanceof Error ? e.message : String(e) });
      // From the topic: Lambda retries the whole invocation (one record), then dead-letters it.
      if (fromTopic) throw e;
      results.push('failed');
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { results, batchItemFailures };
}

export const handler = middy(sesEventsHandler).use(injectLambdaContext(logger));
