/**
 * Lambda entry: the merchant console (pages under /console, JSON under /console/api) behind
 * the HTTP API (payload v2). A thin middy wrapper around functions/services/console/handle.ts.
 */
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { accessTokenVerifier, CognitoSignIn } from './adapters/console-auth.js';
import { ConsoleStore } from './adapters/console-store.js';
import { ReviewApiModeration } from './adapters/review-moderation.js';
import { DeadLetterQueue } from './adapters/dead-letters.js';
import { ENV, readEnv } from './adapters/env.js';
import { Mailer } from './adapters/mailer.js';
import { logger } from './adapters/observability.js';
import { clock, secretValue, storesFromEnv } from './adapters/runtime-config.js';
import { documentClient, workflowDeps } from './adapters/wiring.js';
import { handleConsole } from './services/console/handle.js';
import type { ConsoleDeps, ConsoleRequest } from './services/console/deps.js';
import { wakeOrder } from './services/signal.js';

const env = readEnv(
  z.object({
    [ENV.tableName]: z.string().min(1),
    [ENV.stateMachineArn]: z.string().min(1),
    [ENV.retentionDays]: z.coerce.number().int().positive().default(400),
    [ENV.consoleUserPoolId]: z.string().min(1),
    [ENV.consoleClientId]: z.string().min(1),
    [ENV.consoleIssuer]: z.string().url().optional(),
    [ENV.sender]: z.string().min(3),
    [ENV.configurationSet]: z.string().min(1).optional(),
    [ENV.deadLetterQueueUrl]: z.string().min(1),
    [ENV.deadLetterQueueArn]: z.string().min(1),
    // Review moderation goes through the merchant review API, with the ops token.
    [ENV.publicBaseUrl]: z.url().optional(),
    [ENV.opsToken]: z.string().min(16).optional(),
    [ENV.opsTokenArn]: z.string().min(1).optional(),
  }),
);

const doc = documentClient();
const signalDeps = workflowDeps(env, doc);
const stores = storesFromEnv();
const linkSecret = secretValue(ENV.linkSecret, ENV.linkSecretArn);
const opsToken = env.OPS_TOKEN || env.OPS_TOKEN_SECRET_ARN ? secretValue(ENV.opsToken, ENV.opsTokenArn) : undefined;

const deps: ConsoleDeps = {
  ...(env.PUBLIC_BASE_URL && opsToken ? { moderation: new ReviewApiModeration(env.PUBLIC_BASE_URL, opsToken) } : {}),
  stores,
  configFor: signalDeps.configFor,
  verify: accessTokenVerifier({ userPoolId: env.CONSOLE_USER_POOL_ID, clientId: env.CONSOLE_CLIENT_ID, issuer: env.CONSOLE_ISSUER }),
  auth: new CognitoSignIn(new CognitoIdentityProviderClient({}), env.CONSOLE_CLIENT_ID),
  consoleStore: new ConsoleStore(doc, env.TABLE_NAME, { retentionDays: env.RETENTION_DAYS, now: () => clock.now() }),
  orders: signalDeps.orders,
  // No SDK retries of SendEmail (see adapters/mailer.ts): a retried 5xx could send twice.
  mailer: new Mailer(new SESv2Client({ maxAttempts: 1 }), env.SES_CONFIGURATION_SET),
  sender: env.SENDER_ADDRESS,
  secret: linkSecret,
  deadLetters: new DeadLetterQueue(new SQSClient({}), env.DEAD_LETTER_QUEUE_URL, env.DEAD_LETTER_QUEUE_ARN),
  wake: (store, orderId) => wakeOrder(signalDeps, store, orderId),
  now: () => clock.now(),
  logger: { info: (m, extra) => logger.info(m, extra ?? {}), warn: (m, extra) => logger.warn(m, extra ?? {}) },
};

export function toConsoleRequest(event: APIGatewayProxyEventV2WithJWTAuthorizer): ConsoleRequest {
  const body = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const claims = event.requestContext?.authorizer?.jwt?.claims as Record<string, unknown> | undefined;
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: Object.fromEntries(new URLSearchParams(event.rawQueryString ?? '')),
    headers: event.headers ?? {},
    cookies: event.cookies,
    body,
    ...(claims ? { authorizerClaims: claims } : {}),
  };
}

export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger))
  .use(httpHeaderNormalizer())
  .use(httpErrorHandler({ logger: (error: unknown) => logger.error('unhandled console error', { error }) }))
  .handler(async (event) => {
    const res = await handleConsole(toConsoleRequest(event), deps);
    return { statusCode: res.status, headers: res.headers, body: res.body, ...(res.cookies ? { cookies: res.cookies } : {}) };
  });
