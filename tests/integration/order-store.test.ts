/**
 * The email ledger of OrderStore against a real DynamoDB API (dynalite): claim, take-over,
 * release and settle are conditional writes, and only a server evaluates their conditions. Each
 * test reads the outcome back from the table, as the next notify attempt or SES event would.
 * Also the event puts of ingest and the router (enqueue first, then store), and a legacy item
 * still in the outbox index.
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderStore } from '../../functions/adapters/order-store.js';
import { keys } from '../../functions/adapters/keys.js';
import { startLocalTable, type LocalTable } from '../support/dynalite.js';
import { aStoreConfig, anOrder, events } from '../support/builders.js';
import { routeEvent } from '../../functions/services/route-event.js';
import type { WorkflowClient } from '../../functions/adapters/workflow-client.js';
import type { DomainEvent } from '../../functions/domain/events.js';

const STORE = 'acme-dev.myshopify.com';
const NOW = new Date('2026-11-23T09:00:05Z');
const RETENTION_DAYS = 30;
/** Epoch seconds at which an item written at NOW expires. */
const EXPIRES = NOW.getTime() / 1000 + RETENTION_DAYS * 86_400;

let table: LocalTable;
let orders: OrderStore;
let nextOrder = 0;
/** A fresh order id per test: the tests share one table. */
const anOrderId = () => `o-${++nextOrder}`;

beforeAll(async () => {
  table = await startLocalTable();
  orders = new OrderStore(table.doc, table.tableName, { clock: { now: () => NOW }, retentionDays: RETENTION_DAYS });
});

afterAll(async () => {
  await table?.close();
});

/** The raw ledger item, read strongly consistently. */
async function ledgerItem(orderId: string, kind = 'receipt', ref = 'order') {
  const res = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: keys.order(STORE, orderId), sk: keys.mailSk(kind, ref) }, ConsistentRead: true }));
  return res.Item;
}

/** Every item of the order's partition: a write that should have changed nothing shows here. */
async function partition(orderId: string) {
  const res = await table.doc.send(
    new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.order(STORE, orderId) }, ConsistentRead: true }),
  );
  return res.Items ?? [];
}

/** A store whose document client fails every command of one type, as a throttled or broken table would. */
function storeFailing(commandName: string, error: Error): OrderStore {
  const failing = {
    send: (command: { constructor: { name: string } }) => (command.constructor.name === commandName ? Promise.reject(error) : table.doc.send(command as never)),
  } as unknown as DynamoDBDocumentClient;
  return new OrderStore(failing, table.tableName, { clock: { now: () => NOW }, retentionDays: RETENTION_DAYS });
}

/**
 * A store behind a lagging replica: an eventually consistent read does not see the last writes
 * yet (here: sees nothing), as DynamoDB allows. Only strongly consistent reads see the ledger.
 */
function storeBehindLaggingReplica(): OrderStore {
  const lagging = {
    send: (command: { constructor: { name: string }; input: { ConsistentRead?: boolean } }) =>
      command.constructor.name === 'GetCommand' && command.input.ConsistentRead !== true ? Promise.resolve({ $metadata: {} }) : table.doc.send(command as never),
  } as unknown as DynamoDBDocumentClient;
  return new OrderStore(lagging, table.tableName, { clock: { now: () => NOW }, retentionDays: RETENTION_DAYS });
}

/**
 * A store whose server behaves as DynamoDB does where dynalite does not: it validates
 * ReturnValuesOnConditionCheckFailure, and with ALL_OLD a failed condition carries the old item,
 * in DynamoDB's wire format, as the document client leaves it (it unmarshalls outputs only, not
 * an error's Item: aws/aws-sdk-js-v3#6723).
 */
function storeAsOnAws(): OrderStore {
  const aws = {
    send: async (command: { input: { ReturnValuesOnConditionCheckFailure?: string; Key?: object; Item?: { pk: string; sk: string } } }) => {
      const mode = command.input.ReturnValuesOnConditionCheckFailure;
      if (mode !== undefined && mode !== 'ALL_OLD' && mode !== 'NONE') {
        throw Object.assign(new Error(`1 validation error detected: Value '${mode}' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`), {
          name: 'ValidationException',
          $metadata: {},
        });
      }
      try {
        return await table.doc.send(command as never);
      } catch (e) {
        if (mode === 'ALL_OLD' && (e as Error).name === 'ConditionalCheckFailedException') {
          const key = command.input.Key ?? { pk: command.input.Item!.pk, sk: command.input.Item!.sk };
          const old = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }));
          if (old.Item) Object.assign(e as object, { Item: marshall(old.Item) });
        }
        throw e;
      }
    },
  } as unknown as DynamoDBDocumentClient;
  return new OrderStore(aws, table.tableName, { clock: { now: () => NOW }, retentionDays: RETENTION_DAYS });
}

const throttled = () => Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ProvisionedThroughputExceededException', $metadata: {} });

describe('ledger claim', () => {
  it('lets the first claimant win and records the claim with its time and expiry', async () => {
    const orderId = anOrderId();
    const before = Date.now();

    const result = await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });

    expect(result).toEqual({ claimed: true });
    const item = await ledgerItem(orderId);
    expect(item).toMatchObject({ itemType: 'mail', kind: 'receipt', ref: 'order', claimId: 'c-1', status: 'claimed', claimedAt: NOW.toISOString(), expiresAt: EXPIRES });
    // The settle window runs on real time, whatever the (possibly scaled) clock says.
    expect(item!.claimedAtMs).toBeGreaterThanOrEqual(before);
    expect(item!.claimedAtMs).toBeLessThanOrEqual(Date.now());
  });

  it('refuses a second claim of the same email and hands back the first claim, unchanged', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });

    const second = await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-2' });

    expect(second.claimed).toBe(false);
    expect(second.claimed === false && second.existing).toMatchObject({ claimId: 'c-1', status: 'claimed', kind: 'receipt', ref: 'order' });
    expect(await ledgerItem(orderId)).toMatchObject({ claimId: 'c-1', status: 'claimed' });
  });

  it('lets exactly one of many concurrent claimants win', async () => {
    const orderId = anOrderId();

    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: `c-${i}` })));

    const winners = results.flatMap((r, i) => (r.claimed ? [`c-${i}`] : []));
    expect(winners).toHaveLength(1);
    expect(await ledgerItem(orderId)).toMatchObject({ claimId: winners[0] });
    for (const r of results) if (!r.claimed) expect(r.existing.claimId).toBe(winners[0]);
  });

  it('keeps emails of other kinds and refs apart: each has its own line', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'shipping_confirmation', ref: 'f-1', claimId: 'c-1' });

    expect(await orders.claim(STORE, orderId, { kind: 'shipping_confirmation', ref: 'f-2', claimId: 'c-2' })).toEqual({ claimed: true });
    expect(await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'f-1', claimId: 'c-3' })).toEqual({ claimed: true });
    expect(await orders.claim(STORE, anOrderId(), { kind: 'shipping_confirmation', ref: 'f-1', claimId: 'c-4' })).toEqual({ claimed: true });
  });

  it('records a claim made as skipped (mail paused) with its reason, and it blocks later claims', async () => {
    const orderId = anOrderId();

    await orders.claim(STORE, orderId, { kind: 'feedback_request', ref: 'order', claimId: 'c-1', status: 'skipped', reason: 'non-essential mail paused' });

    expect(await orders.getLedger(STORE, orderId, 'feedback_request', 'order')).toMatchObject({ status: 'skipped', reason: 'non-essential mail paused' });
    const again = await orders.claim(STORE, orderId, { kind: 'feedback_request', ref: 'order', claimId: 'c-2' });
    expect(again.claimed === false && again.existing.status).toBe('skipped');
  });

  it('hands back the first claim from the failed write itself, as DynamoDB returns it', async () => {
    const orderId = anOrderId();
    const aws = storeAsOnAws();
    await aws.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });

    const second = await aws.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-2' });

    expect(second.claimed === false && second.existing).toMatchObject({ claimId: 'c-1', status: 'claimed' });
    // The settle window is counted from it (functions/services/notify.ts).
    expect(second.claimed === false && typeof second.existing.claimedAtMs).toBe('number');
  });

  it('reads the existing claim strongly consistently: a lagging replica cannot hide it', async () => {
    const orderId = anOrderId();
    const lagging = storeBehindLaggingReplica();
    await lagging.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });

    const second = await lagging.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-2' });

    expect(second.claimed === false && second.existing.claimId).toBe('c-1');
    expect(await lagging.getLedger(STORE, orderId, 'receipt', 'order')).toMatchObject({ claimId: 'c-1' });
  });

  it('fails when the claim cannot be written, rather than reporting someone else\'s claim', async () => {
    const orderId = anOrderId();

    await expect(storeFailing('PutCommand', throttled()).claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' })).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect(await partition(orderId)).toEqual([]);
  });

  it('has nothing in the ledger for an email never claimed', async () => {
    expect(await orders.getLedger(STORE, anOrderId(), 'receipt', 'order')).toBeUndefined();
  });
});

describe('ledger take-over of an unsettled claim', () => {
  it('moves the claim to the new claimant and restarts its settle window', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });
    const firstMs = (await ledgerItem(orderId))!.claimedAtMs as number;
    await new Promise((r) => setTimeout(r, 5));

    expect(await orders.takeOver(STORE, orderId, 'receipt', 'order', 'c-1', 'c-2')).toBe(true);

    const item = await ledgerItem(orderId);
    expect(item).toMatchObject({ claimId: 'c-2', status: 'claimed', claimedAt: NOW.toISOString() });
    expect(item!.claimedAtMs).toBeGreaterThan(firstMs);
    // The old claimant's release no longer applies: the line is the new claimant's.
    await orders.release(STORE, orderId, 'receipt', 'order', 'c-1');
    expect(await ledgerItem(orderId)).toMatchObject({ claimId: 'c-2' });
  });

  it('lets only one of two racing attempts take over the same stale claim', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });

    const [a, b] = await Promise.all([
      orders.takeOver(STORE, orderId, 'receipt', 'order', 'c-1', 'c-a'),
      orders.takeOver(STORE, orderId, 'receipt', 'order', 'c-1', 'c-b'),
    ]);

    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await ledgerItem(orderId)).toMatchObject({ claimId: a ? 'c-a' : 'c-b' });
  });

  it('refuses when the claim was settled meanwhile (SES Send event), leaving it sent', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });
    await orders.markSent(STORE, orderId, 'receipt', 'order', 'ses-1');

    expect(await orders.takeOver(STORE, orderId, 'receipt', 'order', 'c-1', 'c-2')).toBe(false);

    expect(await ledgerItem(orderId)).toMatchObject({ claimId: 'c-1', status: 'sent', messageId: 'ses-1' });
  });

  it('refuses when there is no claim, and creates none', async () => {
    const orderId = anOrderId();

    expect(await orders.takeOver(STORE, orderId, 'receipt', 'order', 'c-1', 'c-2')).toBe(false);

    expect(await partition(orderId)).toEqual([]);
  });

  it('fails when the table cannot be written, rather than reporting the claim as moved by someone else', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });

    await expect(storeFailing('UpdateCommand', throttled()).takeOver(STORE, orderId, 'receipt', 'order', 'c-1', 'c-2')).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
  });
});

describe('ledger release of a send that did not happen', () => {
  it('removes the claim, so the next attempt can claim and send', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });

    await orders.release(STORE, orderId, 'receipt', 'order', 'c-1');

    expect(await orders.getLedger(STORE, orderId, 'receipt', 'order')).toBeUndefined();
    expect(await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-2' })).toEqual({ claimed: true });
  });

  it('leaves a claim that another attempt holds', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-other' });

    await orders.release(STORE, orderId, 'receipt', 'order', 'c-1');

    expect(await ledgerItem(orderId)).toMatchObject({ claimId: 'c-other', status: 'claimed' });
  });

  it('never removes a settled line: a sent email stays sent', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });
    await orders.markSent(STORE, orderId, 'receipt', 'order', 'ses-1');

    await orders.release(STORE, orderId, 'receipt', 'order', 'c-1');

    expect(await ledgerItem(orderId)).toMatchObject({ status: 'sent', messageId: 'ses-1' });
  });

  it('fails when the delete cannot be made, so the attempt is retried instead of waiting out the claim', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });

    await expect(storeFailing('DeleteCommand', throttled()).release(STORE, orderId, 'receipt', 'order', 'c-1')).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
  });
});

describe('ledger settlement: sent', () => {
  it('records the message id and time on the claim, and writes no MESSAGE# index item: SES events find the line by its ledger tag', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'shipping_confirmation', ref: 'f-1', claimId: 'c-1' });

    expect(await orders.markSent(STORE, orderId, 'shipping_confirmation', 'f-1', 'ses-1')).toBe(true);

    expect(await ledgerItem(orderId, 'shipping_confirmation', 'f-1')).toMatchObject({ status: 'sent', messageId: 'ses-1', sentAt: NOW.toISOString(), claimId: 'c-1' });
    const index = (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: keys.message('ses-1'), sk: keys.messageSk }, ConsistentRead: true }))).Item;
    expect(index).toBeUndefined();
    // The event's ledger tag (store, order, kind, ref) is what lets SES's delivery event find the line.
    await orders.noteDelivery('ses-1', 'delivered', '2026-11-23T09:01:00Z', { store: STORE, orderId, kind: 'shipping_confirmation', ref: 'f-1' });
    expect(await ledgerItem(orderId, 'shipping_confirmation', 'f-1')).toMatchObject({ deliveryStatus: 'delivered', deliveryAt: '2026-11-23T09:01:00Z' });
  });

  it('takes the send time SES reports when settling from its Send event', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });

    await orders.markSent(STORE, orderId, 'receipt', 'order', 'ses-1', '2026-11-23T09:00:06.123Z');

    expect(await ledgerItem(orderId)).toMatchObject({ sentAt: '2026-11-23T09:00:06.123Z' });
  });

  it('settles once: the second report (send call and Send event both arrive) changes nothing', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });
    await orders.markSent(STORE, orderId, 'receipt', 'order', 'ses-1');

    expect(await orders.markSent(STORE, orderId, 'receipt', 'order', 'ses-2', '2026-11-24T00:00:00Z')).toBe(false);

    expect(await ledgerItem(orderId)).toMatchObject({ messageId: 'ses-1', sentAt: NOW.toISOString() });
    const stray = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: keys.message('ses-2'), sk: keys.messageSk } }));
    expect(stray.Item).toBeUndefined();
  });

  it('does not turn a skipped line into a sent one', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });
    await orders.markSkipped(STORE, orderId, 'receipt', 'order', 'rejected by SES: bad address');

    expect(await orders.markSent(STORE, orderId, 'receipt', 'order', 'ses-1')).toBe(false);

    expect(await ledgerItem(orderId)).toMatchObject({ status: 'skipped' });
  });

  it('creates no line for an email that was never claimed (a stray or expired Send event)', async () => {
    const orderId = anOrderId();

    expect(await orders.markSent(STORE, orderId, 'receipt', 'order', 'ses-stray')).toBe(false);

    expect(await partition(orderId)).toEqual([]);
    const index = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: keys.message('ses-stray'), sk: keys.messageSk } }));
    expect(index.Item).toBeUndefined();
  });

  it('fails when the settlement cannot be written, so SES\'s event is redelivered', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });

    await expect(storeFailing('UpdateCommand', throttled()).markSent(STORE, orderId, 'receipt', 'order', 'ses-1')).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect(await ledgerItem(orderId)).toMatchObject({ status: 'claimed' });
  });
});

describe('delivery outcomes from SES events', () => {
  const line = (orderId: string) => ({ store: STORE, orderId, kind: 'receipt', ref: 'order' });

  it('notes each change of outcome once on the line the tag names, in order', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });
    await orders.markSent(STORE, orderId, 'receipt', 'order', 'ses-1');

    await orders.noteDelivery('ses-1', 'delivered', '2026-11-23T09:01:00Z', line(orderId));
    await orders.noteDelivery('ses-1', 'delivered', '2026-11-23T09:01:00Z', line(orderId)); // SNS delivered it twice
    await orders.noteDelivery('ses-1', 'complained', '2026-11-23T10:00:00Z', line(orderId));

    expect(await ledgerItem(orderId)).toMatchObject({
      deliveryStatus: 'complained',
      deliveryEvents: [
        { outcome: 'delivered', at: '2026-11-23T09:01:00Z' },
        { outcome: 'complained', at: '2026-11-23T10:00:00Z' },
      ],
    });
  });

  it("notes nothing on a line settled with another message, nor on a claim not settled yet, nor where there is no line (as when the MESSAGE# item did not exist)", async () => {
    const sentOther = anOrderId();
    await orders.claim(STORE, sentOther, { kind: 'receipt', ref: 'order', claimId: 'c-1' });
    await orders.markSent(STORE, sentOther, 'receipt', 'order', 'ses-kept');
    const unsettled = anOrderId();
    await orders.claim(STORE, unsettled, { kind: 'receipt', ref: 'order', claimId: 'c-1' });
    const absent = anOrderId();

    await orders.noteDelivery('ses-stray', 'bounced', '2026-11-23T09:01:00Z', line(sentOther));
    await orders.noteDelivery('ses-stray', 'bounced', '2026-11-23T09:01:00Z', line(unsettled));
    await orders.noteDelivery('ses-stray', 'bounced', '2026-11-23T09:01:00Z', line(absent));

    expect(await ledgerItem(sentOther)).not.toHaveProperty('deliveryStatus');
    expect(await ledgerItem(unsettled)).not.toHaveProperty('deliveryStatus');
    expect(await partition(absent)).toEqual([]);
  });

  it("finds an untagged email (the console's resend or reply) by the MESSAGE# item the console wrote", async () => {
    const orderId = anOrderId();
    const sk = keys.resend('r-1');
    await table.doc.send(new PutCommand({ TableName: table.tableName, Item: { pk: keys.order(STORE, orderId), sk, type: 'resend', kind: 'receipt', status: 'sent', messageId: 'ses-resend' } }));
    await table.doc.send(new PutCommand({ TableName: table.tableName, Item: { pk: keys.message('ses-resend'), sk: keys.messageSk, store: STORE, orderId, kind: 'receipt', ref: sk, itemSk: sk } }));

    await orders.noteDelivery('ses-resend', 'delivered', '2026-11-23T09:01:00Z');

    const item = (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: keys.order(STORE, orderId), sk }, ConsistentRead: true }))).Item;
    expect(item).toMatchObject({ deliveryStatus: 'delivered' });
  });
});

describe('settling from SES\'s Send event behind a lagging replica', () => {
  it('still settles a claim the eventually consistent read does not see yet', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });
    const lagging = storeBehindLaggingReplica();

    expect(await lagging.isSettled(STORE, orderId, 'receipt', 'order')).toBe(false);
    expect(await lagging.markSent(STORE, orderId, 'receipt', 'order', 'ses-1')).toBe(true);
    expect(await ledgerItem(orderId)).toMatchObject({ status: 'sent', messageId: 'ses-1' });
  });

  it('reads a settled line as settled', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });
    expect(await orders.isSettled(STORE, orderId, 'receipt', 'order')).toBe(false);
    await orders.markSent(STORE, orderId, 'receipt', 'order', 'ses-1');
    expect(await orders.isSettled(STORE, orderId, 'receipt', 'order')).toBe(true);
    const skipped = anOrderId();
    await orders.claim(STORE, skipped, { kind: 'receipt', ref: 'order', claimId: 'c-1' });
    await orders.markSkipped(STORE, skipped, 'receipt', 'order', 'x');
    expect(await orders.isSettled(STORE, skipped, 'receipt', 'order')).toBe(true);
  });
});

describe('ledger settlement: skipped', () => {
  it('records why an email was not sent', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });

    await orders.markSkipped(STORE, orderId, 'receipt', 'order', 'rejected by SES: MessageRejected');

    expect(await ledgerItem(orderId)).toMatchObject({ status: 'skipped', reason: 'rejected by SES: MessageRejected', claimId: 'c-1' });
  });

  it('leaves a sent line sent', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });
    await orders.markSent(STORE, orderId, 'receipt', 'order', 'ses-1');

    await orders.markSkipped(STORE, orderId, 'receipt', 'order', 'rejected by SES: late');

    const item = await ledgerItem(orderId);
    expect(item).toMatchObject({ status: 'sent', messageId: 'ses-1' });
    expect(item).not.toHaveProperty('reason');
  });

  it('creates no line for an email that was never claimed', async () => {
    const orderId = anOrderId();

    await orders.markSkipped(STORE, orderId, 'receipt', 'order', 'rejected by SES: x');

    expect(await partition(orderId)).toEqual([]);
  });

  it('fails when the table cannot be written', async () => {
    const orderId = anOrderId();
    await orders.claim(STORE, orderId, { kind: 'receipt', ref: 'order', claimId: 'c-1' });

    await expect(storeFailing('UpdateCommand', throttled()).markSkipped(STORE, orderId, 'receipt', 'order', 'x')).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
  });
});

describe('event store: enqueue first, then store; the router stores what it finds missing', () => {
  const placedEvent = () => {
    const orderId = anOrderId();
    return { orderId, event: events.placed(anOrder({ orderId, orderName: `#${orderId}` })) };
  };
  const storedItem = async (event: DomainEvent, orderId: string) =>
    (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: keys.order(event.store, orderId), sk: keys.eventSk(event.occurredAt, event.eventId) }, ConsistentRead: true }))).Item;

  it('stores an event once, outside the outbox index; a second put is a duplicate and changes nothing', async () => {
    const { orderId, event } = placedEvent();
    expect(await storedItem(event, orderId)).toBeUndefined();
    expect(await orders.putEvent(event, orderId)).toBe('new');
    const item = await storedItem(event, orderId);
    expect(item).toMatchObject({ itemType: 'event', event, receivedAt: NOW.toISOString(), expiresAt: EXPIRES });
    expect(item).not.toHaveProperty('outboxPk');
    expect(item).not.toHaveProperty('outboxSk');
    expect(await orders.putEvent(event, orderId)).toBe('duplicate');
    expect(await storedItem(event, orderId)).toEqual(item);
  });

  it('counts an item of an earlier version still in the outbox index as a stored event; the sweeper\'s removal takes it out (tests/integration/outbox.test.ts sweeps one)', async () => {
    const { orderId, event } = placedEvent();
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: keys.order(event.store, orderId), sk: keys.eventSk(event.occurredAt, event.eventId), itemType: 'event', event, outboxPk: 'PENDING', outboxSk: 1_000 },
      }),
    );
    expect(await orders.putEvent(event, orderId)).toBe('duplicate');
    await orders.markQueued([event]);
    const item = await storedItem(event, orderId);
    expect(item).toMatchObject({ itemType: 'event', event });
    expect(item).not.toHaveProperty('outboxPk');
  });

  it('the router stores an event it finds missing before it wakes the order: the step it starts sees it', async () => {
    // As after an ingest that died between the send and the put (or whose put failed): the
    // messages reach the router, the events are not stored.
    const placed = events.placed();
    const shipped = events.shipped('2026-11-23T08:30:00Z');
    const seenByStep: string[][] = [];
    const deps = {
      orders,
      clock: { now: () => NOW },
      configFor: () => aStoreConfig(),
      workflow: {
        // What the step execution the wake starts loads first: the order.
        startStep: async (store: string, orderId: string) => void seenByStep.push((await orders.load(store, orderId)).events.map((e) => e.eventId)),
      } as unknown as WorkflowClient,
    };

    expect(await routeEvent(placed, deps)).toEqual({ wake: 'started', stored: true });
    expect(await routeEvent(shipped, deps)).toEqual({ wake: 'started', stored: true });
    // A redelivered message (or ingest's put coming later) finds it stored: nothing more is written.
    expect(await routeEvent(shipped, deps)).toEqual({ wake: 'started' });
    expect(await orders.putEvent(shipped, '1001')).toBe('duplicate');

    const both = [placed.eventId, shipped.eventId].sort();
    expect(seenByStep.map((ids) => ids.sort())).toEqual([[placed.eventId], both, both]);
    const loaded = await orders.load(placed.store, '1001');
    expect(loaded.events.map((e) => e.eventId).sort()).toEqual(both);
  });

  it('keeps the id of the message the router stored an event from, which ingest reads strongly consistently; none for an event ingest stored', async () => {
    const fromRouter = placedEvent();
    const fromIngest = placedEvent();
    const deps = { orders, clock: { now: () => NOW }, configFor: () => aStoreConfig(), workflow: { startStep: async () => undefined } as unknown as WorkflowClient };

    expect(await routeEvent(fromRouter.event, deps, { messageId: 'msg-from-the-queue' })).toMatchObject({ stored: true });
    expect(await orders.putEvent(fromIngest.event, fromIngest.orderId)).toBe('new');
    // Ingest's put, after the router's: a failed condition, and the stored item unchanged.
    expect(await orders.putEvent(fromRouter.event, fromRouter.orderId)).toBe('duplicate');
    expect(await storedItem(fromRouter.event, fromRouter.orderId)).toMatchObject({ event: fromRouter.event, queuedAs: 'msg-from-the-queue' });

    expect(await orders.queuedAs(fromRouter.event, fromRouter.orderId)).toBe('msg-from-the-queue');
    expect(await storeBehindLaggingReplica().queuedAs(fromRouter.event, fromRouter.orderId)).toBe('msg-from-the-queue');
    expect(await orders.queuedAs(fromIngest.event, fromIngest.orderId)).toBeUndefined();
    expect(await orders.queuedAs(placedEvent().event, anOrderId())).toBeUndefined();
  });
});
