/** Lambda entry: one step of an order's walk (invoked by the OrderStep state machine, functions/services/step.ts). */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { ENV, readEnv } from './adapters/env.js';
import { OrderLedger } from './adapters/order-ledger.js';
import { Mailer } from './adapters/mailer.js';
import { clock, secretValue, storeLookup, storesFromEnv } from './adapters/runtime-config.js';
import { asTaskError } from './adapters/transient.js';
import { invocationSignal } from './adapters/invocation-signal.js';
import { logger } from './adapters/observability.js';
import { EMAIL_SENT_LOG } from './adapters/log-metrics.js';
import { DEFAULT_CLAIM_SETTLE_SECONDS } from './services/notify.js';
import { step, type StepDeps, type StepInput, type StepResult } from './services/step.js';

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
const orders = new OrderLedger(doc, env.TABLE_NAME, { clock, retentionDays: env.RETENTION_DAYS });
// No SDK retries for SendEmail: see Mailer. Throttles are retried there, the rest by the claim protocol.
const mailer = new Mailer(new SESv2Client({ maxAttempts: 1 }), env.SES_CONFIGURATION_SET);
const configFor = storeLookup(stores);
const linkSecret = secretValue(ENV.linkSecret, ENV.linkSecretArn);
const deps: StepDeps = {
  orders,
  mailer,
  clock,
  configFor,
  sender: env.SENDER_ADDRESS,
  publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/$/, ''),
  linkSecret,
  settleWindowMs: env.CLAIM_SETTLE_SECONDS * 1000,
  inProcessSettleMs: env.IN_PROCESS_SETTLE_SECONDS * 1000,
  // One line per email handed to SES: the EmailsSent metric per kind is a metric filter on it (lib/monitoring.ts).
  onSent: (kind) => logger.info(EMAIL_SENT_LOG, { kind }),
  onMoneyMismatch: (mismatch) => logger.warn('receipt money does not reconcile', { ...mismatch }),
  // Ops read an order's walk in the logs too: states and causes, never personal data.
  onTransition: (order, t) => logger.info('transition', { store: order.store, orderId: order.orderId, ...t }),
};

async function stepHandler(input: StepInput, context: Context): Promise<StepResult> {
  // SDK and network failures are retried by the state machine as TransientFailure. The signal
  // is this invocation's own, aborted just before middy answers TimeoutError for it; middy's
  // signal is shared with every invocation in the process (adapters/invocation-signal.ts).
  const signal = invocationSignal(context);
  const result = await step(input, deps, { signal }).catch((e: unknown) => {
    throw asTaskError(e);
  });
  logger.info('stepped', { store: result.order.store, orderId: result.order.orderId, cause: input.cause, at: result.at, sent: result.sent, more: result.more });
  return result;
}

export const handler = middy(stepHandler).use(injectLambdaContext(logger));
