/** Lambda entry: sends the due emails of one kind for an order (invoked by the state machine). */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { ENV, readEnv } from './adapters/env.js';
import { OrderStore } from './adapters/order-store.js';
import { Mailer } from './adapters/mailer.js';
import { clock, secretValue, storeLookup, storesFromEnv } from './adapters/runtime-config.js';
import { asTaskError } from './adapters/transient.js';
import { invocationSignal } from './adapters/invocation-signal.js';
import { logger } from './adapters/observability.js';
import { countEmail } from './adapters/metrics.js';
import { DEFAULT_CLAIM_SETTLE_SECONDS, notify, type NotifyDeps, type NotifyInput, type NotifyResult } from './services/notify.js';

const env = readEnv(
  z.object({
    [ENV.tableName]: z.string().min(1),
    [ENV.sender]: z.string().min(3),
    [ENV.configurationSet]: z.string().optional(),
    [ENV.publicBaseUrl]: z.url(),
    [ENV.retentionDays]: z.coerce.number().int().positive().default(400),
    CLAIM_SETTLE_SECONDS: z.coerce.number().positive().default(DEFAULT_CLAIM_SETTLE_SECONDS),
    IN_PROCESS_SETTLE_SECONDS: z.coerce.number().min(0).default(10),
  }),
);
const stores = storesFromEnv();
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const deps: NotifyDeps = {
  orders: new OrderStore(doc, env.TABLE_NAME, { clock, retentionDays: env.RETENTION_DAYS }),
  // No SDK retries for SendEmail: see Mailer. Throttles are retried there, the rest by the claim protocol.
  mailer: new Mailer(new SESv2Client({ maxAttempts: 1 }), env.SES_CONFIGURATION_SET),
  clock,
  configFor: storeLookup(stores),
  sender: env.SENDER_ADDRESS,
  publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/$/, ''),
  linkSecret: secretValue(ENV.linkSecret, ENV.linkSecretArn),
  settleWindowMs: env.CLAIM_SETTLE_SECONDS * 1000,
  inProcessSettleMs: env.IN_PROCESS_SETTLE_SECONDS * 1000,
  onSent: countEmail,
  onMoneyMismatch: (mismatch) => logger.warn('receipt money does not reconcile', { ...mismatch }),
};

async function notifyHandler(input: NotifyInput, context: Context): Promise<NotifyResult> {
  // SDK and network failures are retried by the state machine as TransientFailure. The signal
  // is this invocation's own, aborted just before middy answers TimeoutError for it; middy's
  // signal is shared with every invocation in the process (adapters/invocation-signal.ts).
  const signal = invocationSignal(context);
  const result = await notify(input, deps, { signal }).catch((e: unknown) => {
    throw asTaskError(e);
  });
  logger.info('notified', { store: result.order.store, orderId: result.order.orderId, kind: input.kind, sent: result.sent });
  return result;
}

// EmailsSent is published per email (a single metric with its kind), so no flush middleware.
export const handler = middy(notifyHandler).use(injectLambdaContext(logger));
