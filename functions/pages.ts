/**
 * Lambda entry: the pages behind the email links (tracking, unsubscribe, the order lookup) and
 * the ops feedback summary, behind the HTTP API (payload v2). The star click, reviews and the
 * merchant API are the reviews function's (functions/reviews.ts). A thin middy wrapper: http-router
 * dispatches on the same route table the pure core uses (functions/domain/pages/handle.ts).
 */
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpRouterHandler, { type Route } from '@middy/http-router';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { ENV, readEnv } from './adapters/env.js';
import { FeedbackStore } from './adapters/feedback-store.js';
import { logger } from './adapters/observability.js';
import { clock, secretValue, storesFromEnv } from './adapters/runtime-config.js';
import { documentClient, workflowDeps } from './adapters/wiring.js';
import { notFound, pageRoutes, type PagesDeps } from './domain/pages/handle.js';
import { LANGUAGES, type Language } from './domain/i18n/index.js';
import { wakeOrder } from './services/signal.js';
import { lambdaRoute, toPagesRequest, toResult } from './adapters/http-event.js';
import { ParticipationReader } from './adapters/participation-reader.js';
import { trackExtras } from './services/track-extras.js';

export { toPagesRequest };

// The ops token guards GET /stores/{store}/feedback: inline for local runs, by secret ARN on AWS.
const { opsToken: OPS_TOKEN, opsTokenArn: OPS_TOKEN_SECRET_ARN, languages: LANGUAGES_ENV } = ENV;

const env = readEnv(
  z.object({
    [ENV.tableName]: z.string().min(1),
    [ENV.stateMachineArn]: z.string().min(1),
    [ENV.retentionDays]: z.coerce.number().int().positive().default(400),
    // Optional: without a token the summary endpoint refuses everyone, which is the safe default.
    [OPS_TOKEN]: z.string().min(16, 'must be at least 16 characters').optional(),
    [OPS_TOKEN_SECRET_ARN]: z.string().min(1).optional(),
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
// The tracking page shows the shopper's points and the merchant's responses to feedback.
const participation = { trackExtras: trackExtras(new ParticipationReader(doc, env.TABLE_NAME)) };

async function deps(): Promise<PagesDeps> {
  // Both are cached by the Parameters utility; a rotation is picked up within its max age.
  const [secret, token] = await Promise.all([linkSecret(), opsToken()]);
  return {
    orders,
    feedback,
    stores,
    languages: env.LANGUAGES,
    linkSecret: secret,
    opsToken: token,
    participation,
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
  ...pageRoutes.map((route) => lambdaRoute(route, deps)),
  // Last, so every unknown path or method gets the shopper-facing 404 page, not a bare error.
  { method: 'ANY', path: '/{proxy+}', handler: async (event: APIGatewayProxyEventV2) => toResult(notFound(toPagesRequest(event), { languages: env.LANGUAGES })) },
];

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger))
  .use(httpHeaderNormalizer())
  .use(httpErrorHandler({ logger: (error: unknown) => logger.error('unhandled pages error', { error }) }))
  .handler(httpRouterHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>(routes));
