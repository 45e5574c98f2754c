/**
 * Logs carry ids, never personal data: run the webhook and notify entries at INFO and check
 * that nothing they write contains the shopper's address, name or street, or a secret.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Context } from 'aws-lambda';
import { signStandardWebhook } from '../../functions/domain/webhooks/parse-webhook.js';
import { STORE, aStoreConfig, anOrder, events } from '../support/builders.js';
import { eventItem } from '../support/sdk.js';

const SECRET = `whsec_${Buffer.from('log-test-secret-0123456789').toString('base64')}`;
const LINK_SECRET = 'link-secret-for-the-log-test';
const written: string[] = [];

beforeAll(() => {
  Object.assign(process.env, {
    TABLE_NAME: 'Orders',
    QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/events',
    STORES: JSON.stringify([aStoreConfig()]),
    LOCAL_WEBHOOK_SECRETS: JSON.stringify({ [STORE]: [SECRET] }),
    SENDER_ADDRESS: 'orders@shop.example',
    PUBLIC_BASE_URL: 'https://pages.shop.example',
    LINK_SIGNING_SECRET: LINK_SECRET,
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  });
  const capture = (chunk: unknown) => (written.push(String(chunk)), true);
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write);
  vi.spyOn(console, 'info').mockImplementation((...a) => void written.push(a.join(' ')));
  vi.spyOn(console, 'log').mockImplementation((...a) => void written.push(a.join(' ')));
  vi.spyOn(console, 'warn').mockImplementation((...a) => void written.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void written.push(a.join(' ')));
});
afterAll(() => vi.restoreAllMocks());

const context = { functionName: 'f', awsRequestId: 'r-1' } as Context;
const order = anOrder();

describe('logs', () => {
  it('name the store, order and kind, and nothing personal or secret', async () => {
    mockClient(DynamoDBDocumentClient)
      .on(PutCommand).resolves({})
      .on(UpdateCommand).resolves({})
      .on(GetCommand).resolves({})
      .on(BatchGetCommand).resolves({ Responses: { Orders: [] } })
      // Placed and woken: its walk is at the receipt.
      .on(QueryCommand).resolves({ Items: [eventItem(events.placed(order)), { sk: 'POSITION', state: 'SendReceipt', steps: 1, version: 1, history: [] }] });
    mockClient(SQSClient).on(SendMessageBatchCommand).resolves({ Successful: [] });
    mockClient(SESv2Client).on(SendEmailCommand).resolves({ MessageId: 'ses-1' });

    const ingest = (await import('../../functions/ingest.js')).handler as unknown as (e: unknown, c: Context) => Promise<unknown>;
    const notify = (await import('../../functions/notify.js')).handler as unknown as (e: unknown, c: Context) => Promise<unknown>;
    const body = JSON.stringify({ type: 'order.placed', timestamp: order.placedAt, store: STORE, data: { order } });
    const ts = Math.floor(Date.now() / 1000);
    await ingest(
      {
        rawPath: '/webhooks',
        headers: { 'content-type': 'application/json', 'webhook-id': 'm1', 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(SECRET, 'm1', ts, body) },
        body,
        isBase64Encoded: false,
        requestContext: { http: { method: 'POST', path: '/webhooks' } },
      },
      context,
    );
    await notify({ order: { store: STORE, orderId: order.orderId }, cause: 'm1' }, context);

    const logs = written.join('\n');
    expect(logs).toContain('"message":"webhook"');
    expect(logs).toContain('"message":"stepped"');
    // Each move of the walk, for ops: states and counts.
    expect(logs).toContain('"message":"transition"');
    expect(logs).toContain('"from":"SendReceipt","to":"AwaitShipment"');
    expect(logs).toContain(order.orderId);
    for (const personal of [order.customer.email, 'Müller', 'Hauptstraße', SECRET, LINK_SECRET]) expect(logs).not.toContain(personal);
  });
});
