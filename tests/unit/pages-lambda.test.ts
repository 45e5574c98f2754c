/**
 * The Lambda entry's wiring: API Gateway HTTP API (payload v2) events through middy and
 * http-router to the pages core. Only routes that answer before any storage call are used,
 * so nothing here touches the network.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { httpEvent as event, lambdaContext as context, loadHttpEntry, OPS_TOKEN as OPS, type HttpEntryHandler } from '../support/http-entry.js';

let handler: HttpEntryHandler;

beforeAll(async () => {
  handler = await loadHttpEntry(() => import('../../functions/pages.js'));
});

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
