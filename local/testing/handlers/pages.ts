import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Test pages: echoes what API Gateway passed. */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => ({
  statusCode: 200,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  cookies: ['seen=1; Path=/'],
  body: `<h1>${event.routeKey}</h1><p id="params">${JSON.stringify(event.pathParameters ?? {})}</p><p id="query">${event.rawQueryString}</p>`,
});
