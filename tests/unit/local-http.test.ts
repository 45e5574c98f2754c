/** The local HTTP API's Lambda events: shaped as API Gateway's JSON, own properties only. */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../local/http.js';

const route = { routeKey: 'GET /track', method: 'GET', path: '/track', functionLogicalId: 'Pages', entry: 'pages' };
const request = (url: string, rawHeaders: string[]) =>
  ({ url, method: 'GET', httpVersion: '1.1', rawHeaders, socket: { remoteAddress: '127.0.0.1' } }) as unknown as IncomingMessage;

describe('local API Gateway events', () => {
  it('keeps headers and query parameters named like Object members as ordinary values', () => {
    const event = apiGatewayEvent(
      request('/track?constructor=a&__proto__=b&t=x&t=y', ['Host', 'localhost', '__proto__', 'p', 'Constructor', 'c', 'toString', 's']),
      Buffer.alloc(0),
      { route },
    );

    expect(Object.hasOwn(event.headers, '__proto__')).toBe(true);
    expect(event.headers).toMatchObject({ __proto__: 'p', constructor: 'c', tostring: 's' });
    expect(Object.getPrototypeOf(event.headers)).toBe(Object.prototype);
    expect(event.queryStringParameters).toEqual(JSON.parse('{"constructor":"a","__proto__":"b","t":"x,y"}'));
  });
});
