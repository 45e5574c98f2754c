import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { sqs } from './clients.js';

/** Test ingest: checks the local webhook secret header, then enqueues the body with the store from the path. */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const store = event.pathParameters?.store ?? event.headers['x-shopify-shop-domain'] ?? '';
  const secrets = JSON.parse(process.env.LOCAL_WEBHOOK_SECRETS ?? '{}') as Record<string, string[]>;
  if (!Object.hasOwn(secrets, store) || !secrets[store]!.includes(event.headers['x-test-secret'] ?? '')) return { statusCode: 401, body: '{"message":"bad signature"}' };
  const body = JSON.parse(event.body ?? '{}') as Record<string, unknown>;
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: JSON.stringify({ ...body, store }) }));
  return { statusCode: 202, body: JSON.stringify({ accepted: true, route: event.routeKey }) };
};
