/**
 * The reviews Lambda entry's wiring: API Gateway HTTP API (payload v2) events through middy and
 * http-router to the feedback and review routes. Only answers given before any storage call
 * are used, so nothing here touches the network.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { httpEvent as event, lambdaContext as context, loadHttpEntry, type HttpEntryHandler } from '../support/http-entry.js';

let handler: HttpEntryHandler;

beforeAll(async () => {
  handler = await loadHttpEntry(() => import('../../functions/reviews.js'), { PHOTO_BUCKET: 'unit-test-photos' });
});

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
