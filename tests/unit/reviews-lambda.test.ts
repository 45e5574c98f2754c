/**
 * The reviews Lambda entry's wiring: API Gateway HTTP API (payload v2) events through middy and
 * http-router to the feedback and review routes. Only answers given before any storage call
 * are used, so nothing here touches the network.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { aStoreConfig } from '../support/builders.js';

const OPS = 'ops-token-0123456789abcdef';
let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

beforeAll(async () => {
  Object.assign(process.env, {
    TABLE_NAME: 'unit-test-table',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:unit',
    STORES: JSON.stringify([aStoreConfig()]),
    LINK_SIGNING_SECRET: 'lambda-test-secret-0123456789abcdef',
    OPS_TOKEN: OPS,
    PHOTO_BUCKET: 'unit-test-photos',
    SENDER_ADDRESS: 'orders@example.com',
    PUBLIC_BASE_URL: 'https://pages.example.com',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ({ handler } = (await import('../../functions/reviews.js')) as unknown as { handler: typeof handler });
});

function event(method: string, path: string, init: { query?: string; headers?: Record<string, string>; body?: string; base64?: boolean } = {}): APIGatewayProxyEventV2 {
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

const context = { functionName: 'pages', awsRequestId: 'req', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

describe('reviews Lambda entry', () => {
  it('serves the star click and refuses a forged link with 403', async () => {
    const res = await handler(event('GET', '/feedback', { query: 't=forged.token&rating=5' }), context);
    expect(res.statusCode).toBe(403);
    expect(res.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
  });

  it('refuses the merchant API without the bearer token, saying how to authenticate', async () => {
    const res = await handler(event('GET', '/stores/unit-store/reviews'), context);
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['WWW-Authenticate']).toBe('Bearer');
  });

  it('answers a review post with a forged link 403, whatever the form says', async () => {
    const res = await handler(event('POST', '/reviews', { body: 't=forged.token&lineItemId=li-1&rating=5&title=a&text=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), context);
    expect(res.statusCode).toBe(403);
  });
});
