/**
 * The Lambda entry's wiring: API Gateway HTTP API (payload v2) events through middy and
 * http-router to the pages core. Only routes that answer before any storage call are used,
 * so nothing here touches the network.
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
    SENDER_ADDRESS: 'orders@example.com',
    PUBLIC_BASE_URL: 'https://pages.example.com',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ({ handler } = (await import('../../functions/pages.js')) as unknown as { handler: typeof handler });
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

describe('pages Lambda entry', () => {
  it('serves the lookup form on GET /track with the page headers', async () => {
    const res = await handler(event('GET', '/track', { headers: { 'Accept-Language': 'de-DE' } }), context);

    expect(res.statusCode).toBe(200);
    expect(res.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<html lang="de">');
  });

  it('routes by method and path, query string included', async () => {
    const res = await handler(event('GET', '/unsubscribe', { query: 't=forged.token' }), context);

    expect(res.statusCode).toBe(403);
  });

  it('reads a base64-encoded form body', async () => {
    const res = await handler(event('POST', '/track', { body: 'order=&email=', base64: true, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), context);

    expect(res.statusCode).toBe(400);
  });

  it('passes the path parameter of the ops route and checks the bearer token', async () => {
    const res = await handler(event('GET', '/stores/nope.example/feedback', { headers: { Authorization: `Bearer ${OPS}` } }), context);

    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body!)).toEqual({ message: 'Unknown store' });
    expect((await handler(event('GET', '/stores/nope.example/feedback'), context)).statusCode).toBe(401);
  });

  it('answers unknown paths and methods with the 404 page', async () => {
    for (const [method, path] of [['GET', '/'], ['GET', '/wp-admin'], ['DELETE', '/track']] as const) {
      const res = await handler(event(method, path), context);
      expect(res.statusCode).toBe(404);
      expect(res.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    }
  });
});
