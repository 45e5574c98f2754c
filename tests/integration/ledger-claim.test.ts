/**
 * The ledger claim against real servers: dynalite evaluates the conditional writes, the SES
 * stand-in counts what was accepted. Concurrent notify invocations for the same email (Step
 * Functions retrying a timed-out attempt while it still runs, two executions of one order after a
 * restart) must send it once; so must concurrent retries that take over a crashed attempt's claim.
 * A unit test reading the condition off a mock cannot show this: only a server that applies it can.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/keys.js';
import { Mailer } from '../../functions/adapters/mailer.js';
import { OrderStore } from '../../functions/adapters/order-store.js';
import type { NotifyDeps } from '../../functions/services/notify.js';
import { sendState } from '../support/send-state.js';
import { LocalSes } from '../../local/ses.js';
import { Outbox } from '../../local/outbox.js';
import { STORE, aStoreConfig, anOrder, events } from '../support/builders.js';
import { startLocalTable, type LocalTable } from '../support/dynalite.js';
import { eventItem } from '../support/sdk.js';

const TABLE = 'postpurchase-ledger-test';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let table: LocalTable;
let doc: DynamoDBDocumentClient;
let ses: LocalSes;
let outbox: Outbox;
let deps: NotifyDeps;

beforeAll(async () => {
  table = await startLocalTable(TABLE);
  doc = table.doc;
  outbox = new Outbox();
  ses = await LocalSes.start({ outbox });
  const clock = { now: () => new Date('2026-11-23T09:00:05Z') };
  deps = {
    orders: new OrderStore(doc, TABLE, { clock, retentionDays: 30 }),
    mailer: new Mailer(new SESv2Client({ endpoint: ses.url, region: 'us-east-1', credentials, maxAttempts: 1 }), undefined),
    clock,
    configFor: (s) => (s === STORE ? aStoreConfig() : undefined),
    sender: 'orders@acme.example',
    publicBaseUrl: 'https://pages.acme.example',
    linkSecret: async () => 'test-link-secret',
    settleWindowMs: 60_000,
    inProcessSettleMs: 0,
  };
}, 30_000);

afterAll(async () => {
  await ses?.close();
  await table?.close();
});

async function placeOrder(orderId: string): Promise<void> {
  const placed = events.placed(anOrder({ orderId, orderName: `#${orderId}` }));
  await doc.send(new PutCommand({ TableName: TABLE, Item: eventItem(placed, orderId) }));
}

const receiptsOf = (orderId: string) => outbox.list().filter((e) => e.subject.includes(`#${orderId}`));
const attempt = (orderId: string, d: NotifyDeps = deps) =>
  sendState('receipt', { store: STORE, orderId }, d).then(
    (r) => `sent ${r.sent}`,
    (e: Error) => e.name,
  );

describe('the ledger claim on a real DynamoDB API', () => {
  it('lets exactly one of eight concurrent notify invocations send the receipt', async () => {
    await placeOrder('L-1');

    const outcomes = await Promise.all(Array.from({ length: 8 }, () => attempt('L-1')));

    expect(receiptsOf('L-1')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'sent 1')).toHaveLength(1);
    // The others found the claim: settled already (sent 0) or still in flight (ClaimPending, retried later).
    expect(outcomes.every((o) => ['sent 1', 'sent 0', 'ClaimPending'].includes(o))).toBe(true);
    // A later retry of any of them finds the receipt sent.
    expect(await attempt('L-1')).toBe('sent 0');
    expect(receiptsOf('L-1')).toHaveLength(1);
  });

  it('lets exactly one of eight concurrent retries take over a crashed attempt’s claim, and sends once', async () => {
    await placeOrder('L-2');
    // The attempt that crashed between its claim and SES, long enough ago that the window is over.
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk: keys.order(STORE, 'L-2'), sk: keys.mailSk('receipt', 'order'), itemType: 'mail', kind: 'receipt', ref: 'order', status: 'claimed', claimId: 'crashed', claimedAt: '2026-11-23T09:00:01Z', claimedAtMs: Date.now() - 120_000 },
      }),
    );

    const outcomes = await Promise.all(Array.from({ length: 8 }, () => attempt('L-2')));

    expect(receiptsOf('L-2')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'sent 1')).toHaveLength(1);
    expect(await attempt('L-2')).toBe('sent 0');
    expect(receiptsOf('L-2')).toHaveLength(1);
  });

  it('does not take over a claim inside its settle window: the email waits rather than risk a second copy', async () => {
    await placeOrder('L-3');
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk: keys.order(STORE, 'L-3'), sk: keys.mailSk('receipt', 'order'), itemType: 'mail', kind: 'receipt', ref: 'order', status: 'claimed', claimId: 'in-flight', claimedAt: '2026-11-23T09:00:04Z', claimedAtMs: Date.now() },
      }),
    );

    expect(await attempt('L-3')).toBe('ClaimPending');
    expect(receiptsOf('L-3')).toHaveLength(0);
    // Past the window (here: a window of 0), the claim is taken over and the receipt goes out once.
    expect(await attempt('L-3', { ...deps, settleWindowMs: 0 })).toBe('sent 1');
    expect(receiptsOf('L-3')).toHaveLength(1);
  });
});
