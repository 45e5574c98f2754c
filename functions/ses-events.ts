/** Lambda entry: SES configuration-set events (via SNS) and reputation alarm changes (via EventBridge). */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent } from 'aws-lambda';
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

async function sesEventsHandler(event: SNSEvent | unknown): Promise<{ results: string[] }> {
  const alarm = alarmChangeSchema.safeParse(event);
  if (alarm.success) {
    const result = await handleAlarmChange(alarm.data, orders);
    logger.info('reputation alarm', { alarm: alarm.data.detail.alarmName, result });
    return { results: [result] };
  }
  const results: string[] = [];
  for (const record of (event as SNSEvent).Records ?? []) {
    const parsed = sesEventSchema.safeParse(JSON.parse(record.Sns.Message));
    if (!parsed.success) {
      logger.warn('not an SES event', { issues: parsed.error.issues.length });
      results.push('invalid');
      continue;
    }
    const result = await handleSesEvent(parsed.data, orders);
    logger.info('ses event', { type: parsed.data.eventType, messageId: parsed.data.mail.messageId, result });
    results.push(result);
  }
  return { results };
}

export const handler = middy(sesEventsHandler).use(injectLambdaContext(logger));
