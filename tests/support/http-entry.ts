/**
 * Driving an HTTP API (payload v2) Lambda entry in-process, as the pages and reviews entry tests
 * do: the environment its module scope reads at import, the event API Gateway sends, a context.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { aStoreConfig } from './builders.js';

export const OPS_TOKEN = 'ops-token-0123456789abcdef';

export type HttpEntryHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Sets the entry's environment (one store, a link secret, the ops token; `extra` on top), then imports it. */
export async function loadHttpEntry(load: () => Promise<unknown>, extra: Record<string, string> = {}): Promise<HttpEntryHandler> {
  Object.assign(process.env, {
    TABLE_NAME: 'unit-test-table',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:unit',
    STORES: JSON.stringify([aStoreConfig()]),
    LINK_SIGNING_SECRET: 'lambda-test-secret-0123456789abcdef',
    OPS_TOKEN,
    SENDER_ADDRESS: 'orders@example.com',
    PUBLIC_BASE_URL: 'https://pages.example.com',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...extra,
  });
  return ((await load()) as { handler: HttpEntryHandler }).handler;
}

export function httpEvent(method: string, path: string, init: { query?: string; headers?: Record<string, string>; body?: string; base64?: boolean } = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: init.query ?? '',
    headers: init.headers ?? {},
    body: init.body === undefined ? undefined : init.base64 ? Buffer.from(init.body).toString('base64') : init.body,
    isBase64Encoded: !!init.base64,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'pages.example.com',
      domainPrefix: 'pages',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
      requestId: 'req',
      routeKey: '$default',
      stage: '$default',
      time: '25/Nov/2026:12:00:00 +0000',
      timeEpoch: 0,
    },
  };
}

export const lambdaContext = { functionName: 'pages', awsRequestId: 'req', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
