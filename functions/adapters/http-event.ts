/** API Gateway (payload v2) events to the pages' requests and back: shared by the pages and reviews entries. */
import type { Route } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { runRoute, type PageRoute, type PagesDeps } from '../domain/pages/http.js';
import type { PagesRequest, PagesResponse } from '../domain/pages/handle.js';

export function toPagesRequest(event: APIGatewayProxyEventV2): PagesRequest {
  const body = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: Object.fromEntries(new URLSearchParams(event.rawQueryString ?? '')),
    headers: event.headers ?? {},
    body,
    ...(event.body !== undefined ? { rawBody: event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8') } : {}),
    params: event.pathParameters,
  };
}

export function toResult(res: PagesResponse): APIGatewayProxyStructuredResultV2 {
  return { statusCode: res.status, headers: res.headers, body: res.body, ...(res.isBase64Encoded ? { isBase64Encoded: true } : {}) };
}

/** A page route as a middy http-router route: the event in, the route run with the entry's dependencies, the result out. */
export function lambdaRoute(route: PageRoute, deps: () => Promise<PagesDeps>): Route<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    method: route.method,
    path: route.path,
    handler: async (event: APIGatewayProxyEventV2) => toResult(await runRoute(route, toPagesRequest(event), await deps())),
  };
}
