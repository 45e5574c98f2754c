/**
 * Lambda entry: credits the referral of an order that has just entered its feedback window
 * (delivered, reported or assumed), invoked by the OrderStep machine after the step that got it
 * there. Its own entry so the step's bundle (notify) stays within budget without the participation
 * emails (functions/services/participation.ts). Idempotent: a participation email is claimed once.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import * as z from 'zod';
import { ENV, readEnv } from './adapters/env.js';
import { documentClient } from './adapters/wiring.js';
import { Mailer } from './adapters/mailer.js';
import { OrderStore } from './adapters/order-store.js';
import { ParticipationLedger, ReviewStore } from './adapters/review-store.js';
import { clock, secretValue, storeLookup, storesFromEnv } from './adapters/runtime-config.js';
import { DEFAULT_CLAIM_SETTLE_SECONDS } from './services/notify.js';
import { creditReferral } from './services/participation.js';
import { asTaskError } from './adapters/transient.js';
import { logger } from './adapters/observability.js';

const env = readEnv(
  z.object({
    [ENV.tableName]: z.string().min(1),
    [ENV.retentionDays]: z.coerce.number().int().positive().default(400),
    [ENV.sender]: z.string().min(3),
    [ENV.configurationSet]: z.string().optional(),
    [ENV.publicBaseUrl]: z.url(),
    CLAIM_SETTLE_SECONDS: z.coerce.number().positive().default(DEFAULT_CLAIM_SETTLE_SECONDS),
  }),
);
const doc = documentClient();
const orders = new OrderStore(doc, env.TABLE_NAME, { clock, retentionDays: env.RETENTION_DAYS });
const reviews = new ReviewStore(doc, env.TABLE_NAME, { retentionDays: env.RETENTION_DAYS });
const ledger = new ParticipationLedger(doc, env.TABLE_NAME, { retentionDays: env.RETENTION_DAYS });
// No SDK retries for SendEmail: the ledger claim keeps the referral reward to one email.
const mailer = new Mailer(new SESv2Client({ maxAttempts: 1 }), env.SES_CONFIGURATION_SET);
const configFor = storeLookup(storesFromEnv());
const linkSecret = secretValue(ENV.linkSecret, ENV.linkSecretArn);

export const referralInputSchema = z.object({ order: z.object({ store: z.string().min(1), orderId: z.string().min(1) }) });

async function referralsHandler(raw: unknown): Promise<{ outcome: string }> {
  const { order: key } = referralInputSchema.parse(raw);
  try {
    const loaded = await orders.load(key.store, key.orderId);
    const config = configFor(key.store);
    const order = loaded.state.order;
    if (!config || !order || loaded.state.cancelled || loaded.state.refunded === 'full') return { outcome: 'not_delivered' };
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
        isSuppressed: async (store, email) => (await orders.suppressionOf(store, email)).suppressed,
        logger,
      },
      config,
      order,
    );
    if (outcome !== 'no_code') logger.info('referral', { store: key.store, orderId: key.orderId, outcome });
    return { outcome };
  } catch (e) {
    // SDK and network failures are retried by the state machine as TransientFailure.
    throw asTaskError(e);
  }
}

export const handler = middy(referralsHandler).use(injectLambdaContext(logger));
