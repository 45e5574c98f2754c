import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { OrderStore } from '../../functions/adapters/order-store.js';
import { ledgerTag } from '../../functions/adapters/mailer.js';
import { handleAlarmChange, handleSesEvent, sesEventSchema } from '../../functions/services/ses-events.js';
import { STORE } from '../support/builders.js';

const ddb = mockClient(DynamoDBDocumentClient);
const orders = () =>
  new OrderStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'Orders', { clock: { now: () => new Date('2026-11-23T10:00:00Z') }, retentionDays: 30 });
const event = (eventType: string, extra: Record<string, unknown> = {}) =>
  sesEventSchema.parse({
    eventType,
    mail: { messageId: 'ses-1', timestamp: '2026-11-23T10:00:00Z', destination: ['zoe@example.com'], tags: { kind: ['receipt'], ledger: [ledgerTag(STORE, '1001', 'receipt', 'order')] } },
    ...extra,
  });

describe('SES events', () => {
  beforeEach(() => {
    ddb.reset();
    ddb.on(UpdateCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(GetCommand).resolves({ Item: { store: STORE, orderId: '1001', kind: 'receipt', ref: 'order' } });
  });

  it('settles the claim a Send event is tagged with, recording the message id', async () => {
    expect(await handleSesEvent(event('Send'), orders())).toBe('settled');
    const update = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update).toMatchObject({ Key: { pk: `ORDER#${STORE}#1001`, sk: 'MAIL#receipt#order' }, ConditionExpression: 'attribute_exists(pk) AND #s = :claimed' });
    expect(update.ExpressionAttributeValues?.[':m']).toBe('ses-1');
  });

  const ledgerLine = { pk: `ORDER#${STORE}#1001`, sk: 'MAIL#receipt#order' };

  it.each(['sent', 'skipped'])('reads the line first and makes no write when notify already settled it (%s)', async (status) => {
    ddb.on(GetCommand, { Key: ledgerLine }).resolves({ Item: { status } });

    expect(await handleSesEvent(event('Send'), orders())).toBe('already-settled');

    const read = ddb.commandCalls(GetCommand)[0]!.args[0].input;
    expect(read).toMatchObject({ Key: ledgerLine, ProjectionExpression: '#s' });
    // Eventually consistent: half the read units; a stale read can only show a settled line as claimed.
    expect(read.ConsistentRead).toBeUndefined();
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it.each([
    ['claimed', { Item: { status: 'claimed' } }],
    ['absent (or not yet visible to an eventually consistent read)', {}],
  ])('still makes the conditional write when the read shows the line %s', async (_, found) => {
    ddb.on(GetCommand, { Key: ledgerLine }).resolves(found);

    expect(await handleSesEvent(event('Send'), orders())).toBe('settled');

    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({ Key: ledgerLine, ConditionExpression: 'attribute_exists(pk) AND #s = :claimed' });
  });

  it('reports the claim as settled by someone else when the read was stale and the conditional write fails', async () => {
    ddb.on(GetCommand, { Key: ledgerLine }).resolves({ Item: { status: 'claimed' } });
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('condition'), { name: 'ConditionalCheckFailedException' }));

    expect(await handleSesEvent(event('Send'), orders())).toBe('already-settled');
  });

  it.each([
    ['Delivery', {}, 'delivered'],
    ['DeliveryDelay', {}, 'delayed'],
    ['Bounce', { bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'zoe@example.com' }] } }, 'bounced'],
    ['Complaint', { complaint: { complainedRecipients: [{ emailAddress: 'zoe@example.com' }] } }, 'complained'],
  ])('lands a %s event on the ledger line its tag names, for this message only, with no MESSAGE# look-up', async (type, extra, outcome) => {
    await handleSesEvent(event(type, extra), orders());

    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    const update = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.Key).toEqual(ledgerLine);
    expect(update.ConditionExpression).toMatch(/^messageId = :m AND /);
    expect(update.ExpressionAttributeValues).toMatchObject({ ':m': 'ses-1', ':o': outcome });
  });

  it("finds an untagged email (the console's resend) by the MESSAGE# item the console wrote", async () => {
    ddb.on(GetCommand, { Key: { pk: 'MESSAGE#ses-1', sk: 'MESSAGE' } }).resolves({ Item: { store: STORE, orderId: '1001', kind: 'receipt', ref: 'RESEND#r-1', itemSk: 'RESEND#r-1' } });
    const untagged = sesEventSchema.parse({ eventType: 'Delivery', mail: { messageId: 'ses-1', tags: { kind: ['receipt'], console: ['resend'] } } });

    expect(await handleSesEvent(untagged, orders())).toBe('delivered');

    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({ Key: { pk: `ORDER#${STORE}#1001`, sk: 'RESEND#r-1' }, ConditionExpression: expect.stringMatching(/^attribute_exists\(pk\) AND /) });
  });

  it('notes nothing for an untagged email nobody indexed', async () => {
    ddb.on(GetCommand).resolves({});
    const untagged = sesEventSchema.parse({ eventType: 'Bounce', mail: { messageId: 'ses-x' }, bounce: { bounceType: 'Transient' } });

    expect(await handleSesEvent(untagged, orders())).toBe('bounced');
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('suppresses a permanently bounced address for every store and notes the bounce on the timeline', async () => {
    const bounce = event('Bounce', { bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'Zoe@Example.com' }] } });
    expect(await handleSesEvent(bounce, orders())).toBe('bounced');
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ pk: 'SUPPRESS#*#zoe@example.com', reason: 'bounce' });
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input.ExpressionAttributeValues).toMatchObject({ ':o': 'bounced' });
  });

  it('does not suppress after a transient bounce', async () => {
    await handleSesEvent(event('Bounce', { bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'zoe@example.com' }] } }), orders());
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('suppresses a complaining address', async () => {
    await handleSesEvent(event('Complaint', { complaint: { complainedRecipients: [{ emailAddress: 'zoe@example.com' }] } }), orders());
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ pk: 'SUPPRESS#*#zoe@example.com', reason: 'complaint' });
  });

  it('pauses non-essential mail while the reputation alarm is in ALARM and resumes on OK', async () => {
    const change = (value: string) => ({ 'detail-type': 'CloudWatch Alarm State Change' as const, detail: { alarmName: 'SesReputationAtRisk', state: { value } } });
    expect(await handleAlarmChange(change('ALARM'), orders())).toBe('paused');
    expect(await handleAlarmChange(change('OK'), orders())).toBe('resumed');
    const writes = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    expect(writes).toEqual([
      expect.objectContaining({ pk: 'CONFIG#sending', sk: 'NON_ESSENTIAL_PAUSE', paused: true }),
      expect.objectContaining({ pk: 'CONFIG#sending', sk: 'NON_ESSENTIAL_PAUSE', paused: false }),
    ]);
  });
});
