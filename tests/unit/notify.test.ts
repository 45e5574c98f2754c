import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { OrderStore } from '../../functions/adapters/order-store.js';
import { Mailer, parseLedgerTag } from '../../functions/adapters/mailer.js';
import { settle, type NotifyDeps } from '../../functions/services/notify.js';
import { step } from '../../functions/services/step.js';
import { sendState } from '../support/send-state.js';
import { unpackContent } from '../../functions/adapters/console-store.js';
import { foldOrder } from '../../functions/domain/order-state.js';
import { trackingFingerprint } from '../../functions/domain/updates.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { STORE, aStoreConfig, events } from '../support/builders.js';
import { conditionalFailure, eventItem } from '../support/sdk.js';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const now = new Date('2026-11-23T09:00:05Z');

function deps(): NotifyDeps {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const clock = { now: () => now };
  return {
    orders: new OrderStore(doc, 'Orders', { clock, retentionDays: 30 }),
    mailer: new Mailer(new SESv2Client({ region: 'us-east-1' }), 'postpurchase'),
    clock,
    configFor: (s) => (s === STORE ? aStoreConfig() : undefined),
    sender: 'orders@acme.example',
    publicBaseUrl: 'https://pages.acme.example',
    linkSecret: async () => 'test-link-secret',
    settleWindowMs: 60_000,
    inProcessSettleMs: 0,
  };
}

const order = { store: STORE, orderId: '1001' };

describe('notify: one email per order, kind and ref', () => {
  beforeEach(() => {
    ddb.reset();
    ses.reset();
    ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed())] });
    ddb.on(BatchGetCommand).resolves({ Responses: { Orders: [] } });
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
  });

  it('claims the receipt, sends it through SES with the configuration set and tags, and records the message id', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });

    const result = await sendState('receipt', order, deps());

    expect(result.sent).toBe(1);
    const claim = ddb.commandCalls(PutCommand).find((c) => String(c.args[0].input.Item?.sk).startsWith('MAIL#'))!;
    expect(claim.args[0].input).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)', Item: { sk: 'MAIL#receipt#order', status: 'claimed' } });
    const sent = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(sent.Destination?.ToAddresses).toEqual(['zoe@example.com']);
    expect(sent.ConfigurationSetName).toBe('postpurchase');
    expect(sent.Content?.Simple?.Subject?.Data).toContain('#1001');
    const tags = Object.fromEntries((sent.EmailTags ?? []).map((t) => [t.Name, t.Value]));
    expect(tags.kind).toBe('receipt');
    expect(parseLedgerTag(tags.ledger!)).toEqual({ store: STORE, orderId: '1001', kind: 'receipt', ref: 'order' });
    const marked = ddb.commandCalls(UpdateCommand).find((c) => c.args[0].input.ExpressionAttributeValues?.[':m'] === 'ses-1');
    expect(marked).toBeDefined();
    // The next waiting state (shipment) gets its deadline: the ship-by (Wednesday 17:00 Berlin)
    // is missed one second after it.
    expect(result.waitFor('shipment')).toBe((Date.parse('2026-11-25T16:00:01Z') - now.getTime()) / 1000);
  });

  it('sends nothing when the ledger already holds the receipt', async () => {
    ddb.on(PutCommand).rejects(conditionalFailure({ kind: 'receipt', ref: 'order', status: 'sent', messageId: 'ses-0', claimId: 'x', claimedAt: now.toISOString() }));

    const result = await sendState('receipt', order, deps());

    expect(result.sent).toBe(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('waits (ClaimPending) instead of sending again while an earlier attempt is unsettled', async () => {
    ddb.on(PutCommand).rejects(conditionalFailure({ kind: 'receipt', ref: 'order', status: 'claimed', claimId: 'x', claimedAt: now.toISOString(), claimedAtMs: Date.now() }));

    await expect(sendState('receipt', order, deps())).rejects.toMatchObject({ name: 'ClaimPending' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it("settle puts an outcome in place of the same email's line only (same kind and ref), and adds one it did not have", () => {
    const line = (kind: string, ref: string, status: string) => ({ kind, ref, status, claimId: `c-${kind}-${ref}`, claimedAt: now.toISOString() }) as never;
    const ledger = [line('receipt', 'order', 'sent'), line('shipping_confirmation', 'f-1', 'sent'), line('shipping_confirmation', 'f-2', 'claimed')];
    settle(ledger, line('shipping_confirmation', 'f-2', 'sent'));
    settle(ledger, line('feedback_request', 'order', 'sent'));
    expect(ledger.map((e: { kind: string; ref: string; status: string }) => `${e.kind}/${e.ref}:${e.status}`)).toEqual([
      'receipt/order:sent',
      'shipping_confirmation/f-1:sent',
      'shipping_confirmation/f-2:sent',
      'feedback_request/order:sent',
    ]);
  });

  it('a claim another attempt held when the order was read, settled since, is planned around at once: one claim, no loop', async () => {
    // Two wakes at once (a shipment and its delivery posted together): this walk read the
    // shipping confirmation as claimed by the other, which has sent it since.
    const mail = (kind: string, ref: string, status: string) => ({ pk: 'ORDER#x', sk: `MAIL#${kind}#${ref}`, kind, ref, status, claimId: `c-${kind}`, claimedAt: now.toISOString(), claimedAtMs: Date.now() });
    const position = { pk: 'ORDER#x', sk: 'POSITION', state: 'SendShippingConfirmation', steps: 4, version: 3, history: [] };
    ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed()), eventItem(events.shipped('2026-11-23T09:00:00Z')), mail('receipt', 'order', 'sent'), mail('shipping_confirmation', 'f-1', 'claimed'), position] });
    ddb.on(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)' }).rejects(conditionalFailure({ ...mail('shipping_confirmation', 'f-1', 'sent'), messageId: 'm-other' }));

    const result = await step({ order }, deps());

    const claims = ddb.commandCalls(PutCommand).filter((c) => c.args[0].input.Item?.sk === 'MAIL#shipping_confirmation#f-1');
    expect(claims).toHaveLength(1);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(result).toMatchObject({ at: 'AwaitDelivery', sent: 0, more: false });
  });

  it('takes over a claim left unsettled by a crashed attempt once the settle window passed, and sends it once', async () => {
    // The crashed attempt's claim is in the order's partition: the retry loads it with the events.
    const stale = { pk: 'ORDER#x', sk: 'MAIL#receipt#order', kind: 'receipt', ref: 'order', status: 'claimed', claimId: 'crashed', claimedAt: now.toISOString(), claimedAtMs: Date.now() - 120_000 };
    ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed()), stale] });
    ddb.on(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)' }).rejects(conditionalFailure(stale));
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });

    const result = await sendState('receipt', order, deps());

    expect(result.sent).toBe(1);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    const takeOver = ddb.commandCalls(UpdateCommand).find((c) => c.args[0].input.ConditionExpression === 'claimId = :old AND #s = :claimed')!;
    expect(takeOver.args[0].input.ExpressionAttributeValues).toMatchObject({ ':old': 'crashed' });
  });

  it('releases the claim and fails transiently when SES throttles, so a retry can send', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }));

    await expect(sendState('receipt', order, deps())).rejects.toMatchObject({ name: 'TransientFailure' });
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input).toMatchObject({ Key: { sk: 'MAIL#receipt#order' } });
  });

  it('marks the step boundaries of the protocol in order, naming the email (the fault-injection suite crashes there)', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-3' });
    const steps: unknown[] = [];

    await sendState('receipt', order, { ...deps(), checkpoint: async (step, detail) => void steps.push([step, detail]) });

    const where = { kind: 'receipt', ref: 'order', store: STORE, orderId: '1001' };
    expect(steps).toEqual([
      ['notify.afterClaim', where],
      ['notify.beforeRecord', where],
      ['notify.afterRecord', where],
    ]);
  });

  it('records on a delay notice claim what it told the shopper: the parcels, the promise missed and the new estimate', async () => {
    const shipped = events.shipped('2026-11-24T10:00:00Z', 'f-1', undefined, { estimatedDelivery: '2026-12-01T16:00:00Z' });
    const mail = (kind: string, ref: string) => ({ pk: 'ORDER#x', sk: `MAIL#${kind}#${ref}`, kind, ref, status: 'sent', claimId: `c-${kind}`, claimedAt: '2026-11-24T10:00:05Z', sentAt: '2026-11-24T10:00:05Z', messageId: `m-${kind}` });
    ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed()), eventItem(shipped), mail('receipt', 'order'), mail('shipping_confirmation', 'f-1')] });
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-4' });

    const result = await sendState('delay_notice', order, { ...deps(), clock: { now: () => new Date('2026-12-03T10:00:00Z') } });

    expect(result.sent).toBe(1);
    const claim = ddb.commandCalls(PutCommand).find((c) => String(c.args[0].input.Item?.sk) === 'MAIL#delay_notice#late:1')!;
    expect(claim.args[0].input.Item).toMatchObject({ status: 'claimed', what: 'delivery', shipmentIds: ['f-1'], missedPromise: '2026-12-01T16:00:00Z' });
    expect(Date.parse(String(claim.args[0].input.Item?.newEstimate))).toBeGreaterThan(Date.parse('2026-12-03T10:00:00Z'));
    expect(claim.args[0].input.Item).not.toHaveProperty('reported');
  });

  it('does not call SES once the invocation has run out of time, and leaves the claim to the retry', async () => {
    // middy aborts the signal when it answers TimeoutError; on Lambda the frozen code resumes later.
    const timedOut = new AbortController();
    timedOut.abort();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-late' });

    await expect(sendState('receipt', order, deps(), { signal: timedOut.signal })).rejects.toMatchObject({ name: 'TransientFailure' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand).some((c) => c.args[0].input.Item?.sk === 'MAIL#receipt#order')).toBe(true);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('keeps the claim when the outcome is unknown, for SES events to settle', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));

    await expect(sendState('receipt', order, deps())).rejects.toMatchObject({ name: 'TransientFailure' });
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('refuses an unknown store with a message that names it', async () => {
    await expect(step({ order: { store: 'nope.example', orderId: '1' } }, deps())).rejects.toThrow(/Unknown store "nope.example"/);
  });

  it('skips non-essential mail while sending is paused, and still sends essential mail', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [eventItem(events.placed()), eventItem(events.shipped('2026-11-01T10:00:00Z')), eventItem(events.status('2026-11-03T10:00:00Z', 'delivered'))],
    });
    ddb.on(GetCommand).resolves({ Item: { paused: true } });
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-9' });

    const feedback = await sendState('feedback_request', order, deps());
    expect(feedback.sent).toBe(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ sk: 'MAIL#feedback_request#order', status: 'skipped' });

    const receipt = await sendState('receipt', order, deps());
    expect(receipt.sent).toBe(1);
  });
});

describe('notify: the update kinds, the details a claim records, the copy kept', () => {
  const mail = (kind: string, ref: string, extra: Record<string, unknown> = {}) => ({
    pk: 'ORDER#x',
    sk: `MAIL#${kind}#${ref}`,
    kind,
    ref,
    status: 'sent',
    claimId: `c-${kind}-${ref}`,
    claimedAt: '2026-11-24T10:00:05Z',
    sentAt: '2026-11-24T10:00:05Z',
    messageId: `m-${kind}-${ref}`,
    ...extra,
  });
  const claims = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item!).filter((i) => String(i.pk).startsWith('ORDER#') && String(i.sk).startsWith('MAIL#'));
  const shipped = events.shipped('2026-11-24T10:00:00Z');

  beforeEach(() => {
    ddb.reset();
    ses.reset();
    ddb.on(BatchGetCommand).resolves({ Responses: { Orders: [] } });
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-u' });
  });

  it('sends every update kind that is due in one call ("updates"), in the order of the update kinds, each once', async () => {
    const refund: DomainEvent = { eventId: 'refund-r1', store: STORE, source: 'generic', occurredAt: '2026-11-26T07:40:00Z', type: 'order.refunded', data: { orderId: '1001', full: false, refundId: 'r1', amount: '10.00' } };
    const ofd = events.status('2026-11-26T07:30:00Z', 'out_for_delivery');
    ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed()), eventItem(shipped), eventItem(ofd), eventItem(refund), mail('receipt', 'order'), mail('shipping_confirmation', 'f-1')] });

    const result = await sendState('updates', order, { ...deps(), clock: { now: () => new Date('2026-11-26T08:00:00Z') } });

    expect(result.sent).toBe(2);
    expect(claims().map((i) => i.sk)).toEqual(['MAIL#out_for_delivery#f-1', 'MAIL#refund#r1']);
    expect(ses.commandCalls(SendEmailCommand).map((c) => Object.fromEntries((c.args[0].input.EmailTags ?? []).map((t) => [t.Name, t.Value])).kind)).toEqual(['out_for_delivery', 'refund']);
  });

  it('records on a shipping confirmation claim the tracking details it states (a later change is news), and none on a receipt', async () => {
    ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed()), eventItem(shipped), mail('receipt', 'order')] });

    await sendState('shipping_confirmation', order, { ...deps(), clock: { now: () => new Date('2026-11-24T10:00:05Z') } });
    ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed())] });
    await sendState('receipt', order, deps());

    const [confirmation, receipt] = claims();
    expect(confirmation).toMatchObject({ sk: 'MAIL#shipping_confirmation#f-1', tracking: trackingFingerprint(foldOrder(STORE, '1001', [events.placed(), shipped]).shipments[0]!) });
    expect(receipt!.sk).toBe('MAIL#receipt#order');
    expect(receipt).not.toHaveProperty('tracking');
  });

  it('records on a delay notice claim that it passed on a platform report, and names no parcel for an order not yet shipped', async () => {
    const report = events.delayed('2026-11-24T08:00:00Z', { reason: 'backorder', newShipBy: '2026-12-02T16:00:00Z' });
    ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed()), eventItem(report), mail('receipt', 'order', { claimedAt: '2026-11-23T09:00:02Z', sentAt: '2026-11-23T09:00:02Z' })] });

    const result = await sendState('delay_notice', order, { ...deps(), clock: { now: () => new Date('2026-11-24T09:00:00Z') } });

    expect(result.sent).toBe(1);
    const [claim] = claims();
    expect(claim).toMatchObject({ sk: expect.stringMatching(/^MAIL#delay_notice#/), what: 'shipment', reported: true, newEstimate: '2026-12-02T16:00:00Z' });
    expect(claim).not.toHaveProperty('shipmentIds');
  });

  it('keeps the copy the merchant console shows and resends: the email exactly as SES got it', async () => {
    ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed())] });

    await sendState('receipt', order, deps());

    const sent = ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Content!.Simple!;
    const copy = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item!).find((i) => String(i.pk).startsWith('COPY#'))!;
    expect(copy).toMatchObject({ sk: 'MAIL#receipt#order', messageId: 'ses-u' });
    const content = unpackContent(copy.content)!;
    expect({ subject: content.subject, html: content.html, text: content.text }).toEqual({ subject: sent.Subject!.Data, html: sent.Body!.Html!.Data, text: sent.Body!.Text!.Data });
    expect(Object.keys(content.headers ?? {})).toEqual((sent.Headers ?? []).map((h) => h.Name));
  });
});
