/**
 * Lambda entry: feedback and reviews behind the HTTP API (payload v2): the star click and the
 * comment, the review form and photo uploads, the public product reviews, snippet and Google feed,
 * referral pages, and the merchant API (moderation, replies, reward codes, responses to
 * feedback). Apart from the pages function because it carries the email renderer, the mailer
 * and the photo pipeline, which the tracking page does not need. A thin middy wrapper over the
 * route tables of functions/domain/pages/feedback-routes.ts and functions/services/review-routes.ts.
 * Also run every minute by a schedule (lib/participation-redrive.ts): that event re-drives the
 * participation emails a crash left claimed and unsent (functions/services/redrive-participation.ts),
 * here because this function already holds their renderer, mailer and grants.
 */
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpRouterHandler, { type Route } from '@middy/http-router';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context, ScheduledEvent } from 'aws-lambda';
import * as z from 'zod';
import { ENV, readEnv } from './adapters/env.js';
import { FeedbackStore } from './adapters/feedback-store.js';
import { logger } from './adapters/observability.js';
import { clock, secretValue, storeLookup, storesFromEnv } from './adapters/runtime-config.js';
import { documentClient, workflowDeps } from './adapters/wiring.js';
import { notFound, runRoute, type PagesDeps } from './domain/pages/http.js';
import { feedbackRoutes } from './domain/pages/feedback-routes.js';
import { lambdaRoute, toPagesRequest, toResult } from './adapters/http-event.js';
import { LANGUAGES, type Language } from './domain/i18n/index.js';
import { wakeOrder } from './services/signal.js';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { S3Client } from '@aws-sdk/client-s3';
import { Mailer } from './adapters/mailer.js';
import { S3PhotoService } from './adapters/photos.js';
import { ParticipationLedger, ReviewStore } from './adapters/review-store.js';
import { DEFAULT_CLAIM_SETTLE_SECONDS } from './services/notify.js';
import type { ParticipationDeps } from './services/participation.js';
import { redriveParticipation, type RedriveResult } from './services/redrive-participation.js';
import { participationHooks, reviewRoutes, type ReviewsDeps } from './services/review-routes.js';

// The ops token guards the merchant API: inline for local runs, by secret ARN on AWS.
const { opsToken: OPS_TOKEN, opsTokenArn: OPS_TOKEN_SECRET_ARN, languages: LANGUAGES_ENV } = ENV;

const env = readEnv(
  z.object({
    [ENV.tableName]: z.string().min(1),
    [ENV.stateMachineArn]: z.string().min(1),
    [ENV.retentionDays]: z.coerce.number().int().positive().default(400),
    // Optional: without a token the merchant API refuses everyone, which is the safe default.
    [OPS_TOKEN]: z.string().min(16, 'must be at least 16 characters').optional(),
    [OPS_TOKEN_SECRET_ARN]: z.string().min(1).optional(),
    // Reviews send their emails (rewards, replies, alerts) and store photos.
    [ENV.sender]: z.string().min(3),
    [ENV.configurationSet]: z.string().optional(),
    [ENV.publicBaseUrl]: z.url(),
    [ENV.photoBucket]: z.string().min(3).optional(),
    CLAIM_SETTLE_SECONDS: z.coerce.number().positive().default(DEFAULT_CLAIM_SETTLE_SECONDS),
    /** Comma-separated languages the pages are offered in; unset means every catalogue. */
    [LANGUAGES_ENV]: z
      .string()
      .transform((s) => s.split(',').map((l) => l.trim()).filter(Boolean))
      .pipe(z.array(z.enum(LANGUAGES as readonly [Language, ...Language[]])).min(1))
      .optional(),
  }),
);

const doc = documentClient();
const signalDeps = workflowDeps(env, doc);
const { orders } = signalDeps;
const feedback = new FeedbackStore(doc, env.TABLE_NAME, { retentionDays: env.RETENTION_DAYS });
const stores = storesFromEnv();
const linkSecret = secretValue(ENV.linkSecret, ENV.linkSecretArn);
const opsToken = env.OPS_TOKEN || env.OPS_TOKEN_SECRET_ARN ? secretValue(OPS_TOKEN, OPS_TOKEN_SECRET_ARN) : async () => undefined;

const reviewStore = new ReviewStore(doc, env.TABLE_NAME, { retentionDays: env.RETENTION_DAYS });
const ledger = new ParticipationLedger(doc, env.TABLE_NAME, { retentionDays: env.RETENTION_DAYS });
// No SDK retries for SendEmail, as in notify: the ledger claim is what keeps each email to one.
const mailer = new Mailer(new SESv2Client({ maxAttempts: 1 }), env.SES_CONFIGURATION_SET);
const photos = env.PHOTO_BUCKET ? new S3PhotoService(new S3Client({ forcePathStyle: true }), env.PHOTO_BUCKET) : undefined;

function reviewsDeps(secret: string): ReviewsDeps {
  const participation: ParticipationDeps = {
    reviews: reviewStore,
    ledger,
    mailer,
    sender: env.SENDER_ADDRESS,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    linkSecret: secret,
    now: () => clock.now(),
    settleWindowMs: env.CLAIM_SETTLE_SECONDS * 1000,
    isSuppressed: async (store, email) => (await orders.suppressionOf(store, email)).suppressed,
    logger,
  };
  return { reviews: reviewStore, participation, ...(photos ? { photos } : {}) };
}

async function deps(): Promise<PagesDeps & { reviewsDeps: ReviewsDeps }> {
  // Both are cached by the Parameters utility; a rotation is picked up within its max age.
  const [secret, token] = await Promise.all([linkSecret(), opsToken()]);
  const r = reviewsDeps(secret);
  return {
    reviewsDeps: r,
    participation: participationHooks(r, () => secret),
    orders,
    feedback,
    stores,
    languages: env.LANGUAGES,
    linkSecret: secret,
    opsToken: token,
    now: () => clock.now(),
    onFeedback: async (store, orderId) => {
      const outcome = await wakeOrder(signalDeps, store, orderId);
      logger.info('feedback recorded', { store, orderId, workflow: outcome });
    },
    logger,
  };
}

type PagesRoute = Route<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;

const routes: PagesRoute[] = [
  ...feedbackRoutes.map((route) => lambdaRoute(route, deps)),
  // Reviews, rewards, referrals and the merchant API, bound per request to the same dependencies.
  ...reviewRoutes(undefined as never).map(
    ({ method, path }, i): PagesRoute => ({
      method,
      path,
      handler: async (event: APIGatewayProxyEventV2) => {
        const d = await deps();
        return toResult(await runRoute(reviewRoutes(d.reviewsDeps)[i]!, toPagesRequest(event), d));
      },
    }),
  ),
  // Last, so every unknown path or method gets the shopper-facing 404 page, not a bare error.
  { method: 'ANY', path: '/{proxy+}', handler: async (event: APIGatewayProxyEventV2) => toResult(notFound(toPagesRequest(event), { languages: env.LANGUAGES })) },
];

const http = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger))
  .use(httpHeaderNormalizer())
  .use(httpErrorHandler({ logger: (error: unknown) => logger.error('unhandled pages error', { error }) }))
  .handler(httpRouterHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>(routes));

const configFor = storeLookup(stores);

const redrive = middy<ScheduledEvent, RedriveResult>()
  .use(injectLambdaContext(logger))
  .handler(async () => {
    const result = await redriveParticipation({ ...reviewsDeps(await linkSecret()).participation, ledger, configFor });
    if (result.found > 0) logger.warn('re-drove participation emails left claimed past the settle window', { ...result });
    return result;
  });

const isScheduled = (event: unknown): event is ScheduledEvent => (event as Partial<ScheduledEvent>)?.['detail-type'] === 'Scheduled Event' && (event as Partial<ScheduledEvent>).source === 'aws.events';

export const handler = (event: APIGatewayProxyEventV2 | ScheduledEvent, context: Context): Promise<APIGatewayProxyResultV2 | RedriveResult> =>
  isScheduled(event) ? redrive(event, context) : http(event, context);
