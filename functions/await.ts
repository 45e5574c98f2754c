/** Lambda entry: registers a waiting state's task token (invoked by the state machine with waitForTaskToken). */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import * as z from 'zod';
import { ENV, readEnv } from './adapters/env.js';
import { documentClient, workflowDeps } from './adapters/wiring.js';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { Mailer } from './adapters/mailer.js';
import type { LoadedOrder } from './adapters/order-store.js';
import { ParticipationLedger, ReviewStore } from './adapters/review-store.js';
import { clock, secretValue } from './adapters/runtime-config.js';
import { DEFAULT_CLAIM_SETTLE_SECONDS } from './services/notify.js';
import { creditReferral } from './services/participation.js';
import { asTaskError } from './adapters/transient.js';
import { logger } from './adapters/observability.js';
import { awaitPhase, type AwaitInput } from './services/await-phase.js';

const env = readEnv(
  z.object({
    [ENV.tableName]: z.string().min(1),
    [ENV.stateMachineArn]: z.string().min(1),
    [ENV.retentionDays]: z.coerce.number().int().positive().default(400),
    MAX_STEPS_PER_EXECUTION: z.coerce.number().int().min(2).default(400),
    // Referral rewards are sent from here, when a referred order is delivered.
    [ENV.sender]: z.string().min(3),
    [ENV.configurationSet]: z.string().optional(),
    [ENV.publicBaseUrl]: z.url(),
    CLAIM_SETTLE_SECONDS: z.coerce.number().positive().default(DEFAULT_CLAIM_SETTLE_SECONDS),
  }),
);
const base = workflowDeps(env);
const doc = documentClient();
const reviews = new ReviewStore(doc, env.TABLE_NAME, { retentionDays: env.RETENTION_DAYS });
const ledger = new ParticipationLedger(doc, env.TABLE_NAME, { retentionDays: env.RETENTION_DAYS });
// No SDK retries for SendEmail: the ledger claim keeps the referral reward to one email.
const mailer = new Mailer(new SESv2Client({ maxAttempts: 1 }), env.SES_CONFIGURATION_SET);
const linkSecret = secretValue(ENV.linkSecret, ENV.linkSecretArn);

/** A delivered order carrying someone's referral code credits them (functions/services/participation.ts). */
async function onDelivered(loaded: LoadedOrder): Promise<void> {
  const order = loaded.state.order!;
  const config = base.configFor(loaded.state.store);
  if (!config) return;
  const outcome = await creditReferral(
    {
      reviews,
      ledger,
      mailer,
      sender: env.SENDER_ADDRESS,
      publicBaseUrl: env.PUBLIC_BASE_URL,
      linkSecret: await linkSecret(),
      now: () => clock.now(),
      settleWindowMs: env.CLAIM_SETTLE_SECONDS * 1000,
      isSuppressed: async (store, email) => (await base.orders.suppressionOf(store, email)).suppressed,
      logger,
    },
    config,
    order,
  );
  if (outcome !== 'no_code') logger.info('referral', { store: config.storeId, orderId: order.orderId, outcome });
}

const deps = { ...base, maxStepsPerExecution: env.MAX_STEPS_PER_EXECUTION, onDelivered };

async function awaitHandler(input: AwaitInput): Promise<{ outcome: string }> {
  // SDK and network failures are retried by the state machine as TransientFailure.
  const outcome = await awaitPhase(input, deps).catch((e: unknown) => {
    throw asTaskError(e);
  });
  logger.info('awaiting', { store: input.order.store, orderId: input.order.orderId, phase: input.phase, outcome });
  return { outcome };
}

export const handler = middy(awaitHandler).use(injectLambdaContext(logger));
