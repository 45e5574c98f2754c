import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { OrderStore } from '../../functions/adapters/order-store.js';
import { WorkflowClient, executionName, lateExecutionName } from '../../functions/adapters/workflow-client.js';
import { awaitPhase } from '../../functions/services/await-phase.js';
import { routeEvent } from '../../functions/services/route-event.js';
import { STORE, aStoreConfig, events } from '../support/builders.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { eventItem } from '../support/sdk.js';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const now = new Date('2026-11-23T10:00:00Z');

function deps() {
  const clock = { now: () => now };
  return {
    orders: new OrderStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'Orders', { clock, retentionDays: 30 }),
    workflow: new WorkflowClient(new SFNClient({ region: 'us-east-1' }), 'arn:aws:states:us-east-1:1:stateMachine:orders'),
    clock,
    configFor: () => aStoreConfig(),
    maxStepsPerExecution: 50,
  };
}

const receiptSent = { pk: 'x', sk: 'MAIL#receipt#order', kind: 'receipt', ref: 'order', status: 'sent', claimId: 'c', claimedAt: now.toISOString() };

describe('await: a waiting state registers its token', () => {
  beforeEach(() => {
    ddb.reset();
    sfn.reset();
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    ddb.on(BatchGetCommand).resolves({ Responses: { Orders: [] } });
    sfn.on(SendTaskSuccessCommand).resolves({});
    sfn.on(SendTaskFailureCommand).resolves({});
  });

  it('stores the token and keeps waiting while nothing has happened', async () => {
    ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed()), receiptSent, { sk: 'AWAIT', token: 't-1', phase: 'shipment', registeredAt: now.toISOString() }] });

    const outcome = await awaitPhase({ phase: 'shipment', taskToken: 't-1', order: { store: STORE, orderId: '1001' }, steps: 1 }, deps());

    expect(outcome).toBe('waiting');
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ sk: 'AWAIT', token: 't-1', phase: 'shipment', steps: 1 });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('moves on at once, handing over the next deadline, when the shipment already happened', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [eventItem(events.placed()), eventItem(events.shipped('2026-11-23T09:30:00Z')), receiptSent, { sk: 'AWAIT', token: 't-1', phase: 'shipment', registeredAt: now.toISOString(), steps: 1 }],
    });

    const outcome = await awaitPhase({ phase: 'shipment', taskToken: 't-1', order: { store: STORE, orderId: '1001' }, steps: 1 }, deps());

    expect(outcome).toBe('proceeded');
    const output = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!);
    expect(output).toMatchObject({ Payload: { order: { store: STORE, orderId: '1001' }, steps: 1 } });
    expect(output.Payload.wait.seconds).toBeGreaterThan(0);
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input).toMatchObject({ Key: { sk: 'AWAIT' }, ExpressionAttributeValues: { ':t': 't-1' } });
  });

  it('hands over to a fresh execution after too many loops, far from the history limit', async () => {
    const outcome = await awaitPhase(
      { phase: 'delivery', taskToken: 't-9', order: { store: STORE, orderId: '1001' }, steps: 50, execution: executionName(STORE, '1001') },
      deps(),
    );

    expect(outcome).toBe('continued');
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.name).toBe(`${executionName(STORE, '1001')}-c2`);
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input).toMatchObject({ taskToken: 't-9', error: 'ContinuedAsNew' });
  });
});

describe('router: events reach their order workflow', () => {
  beforeEach(() => {
    ddb.reset();
    sfn.reset();
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    ddb.on(BatchGetCommand).resolves({ Responses: { Orders: [] } });
    ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed())] });
  });

  it('starts one execution per order, named from store and order id, and treats a repeat as started', async () => {
    sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: 'arn:1', startDate: now }).rejects(Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' }));

    expect((await routeEvent(events.placed(), deps())).started).toBe('started');
    expect((await routeEvent(events.placed(), deps())).started).toBe('exists');
    const names = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);
    expect(names).toEqual([executionName(STORE, '1001'), executionName(STORE, '1001')]);
    expect(names[0]).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!)).toEqual({ Payload: { order: { store: STORE, orderId: '1001' }, steps: 0 } });
  });

  it('signals the waiting state with the interrupt a cancellation calls for', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [eventItem(events.placed()), eventItem(events.cancelled('2026-11-23T09:50:00Z')), receiptSent, { sk: 'AWAIT', token: 't-2', phase: 'shipment', registeredAt: now.toISOString() }],
    });
    sfn.on(SendTaskFailureCommand).resolves({});

    const result = await routeEvent(events.cancelled('2026-11-23T09:50:00Z'), deps());

    expect(result.signal).toBe('interrupted');
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input).toMatchObject({ taskToken: 't-2', error: 'OrderCancelled' });
  });

  describe('after the execution ended', () => {
    const refund: DomainEvent = { ...events.refunded('2026-11-23T09:55:00Z', false), eventId: 'rf-late' };
    (refund.data as { refundId?: string; amount?: string }).refundId = 'rf-late';
    (refund.data as { refundId?: string; amount?: string }).amount = '19.00';
    const ended = { sk: 'WALK#ENDED', at: '2026-11-20T10:00:00Z', execution: 'first' };
    // The reminder's wait timed out: its registration is left behind.
    const stale = { sk: 'AWAIT', token: 't-old', phase: 'feedback', execution: 'first', registeredAt: '2026-11-16T10:00:00Z' };

    it('starts a late walk named from the order and the event for an email now due, the same name on redelivery, and wakes no dead token', async () => {
      ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed()), eventItem(refund), receiptSent, ended, stale] });
      sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: 'arn:late', startDate: now }).rejects(Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' }));

      expect((await routeEvent(refund, deps())).started).toBe('started');
      expect((await routeEvent(refund, deps())).started).toBe('exists');
      const names = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);
      expect(names).toEqual([lateExecutionName(STORE, '1001', 'rf-late'), lateExecutionName(STORE, '1001', 'rf-late')]);
      expect(names[0]).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
      expect(names[0]).not.toBe(executionName(STORE, '1001'));
      expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    });

    it('starts nothing when the event makes nothing due', async () => {
      const refundSent = { sk: 'MAIL#refund#rf-late', kind: 'refund', ref: 'rf-late', status: 'sent', claimId: 'c', claimedAt: now.toISOString() };
      ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed()), eventItem(refund), receiptSent, refundSent, ended, stale] });
      await routeEvent(refund, deps());
      expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    });

    it('signals a late walk that is waiting instead of starting another', async () => {
      const waiting = { ...stale, token: 't-late', phase: 'shipment', execution: 'late', registeredAt: now.toISOString() };
      ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed()), eventItem(events.shipped('2026-11-10T10:00:00Z')), eventItem(refund), receiptSent, ended, waiting] });
      sfn.on(SendTaskSuccessCommand).resolves({});
      const result = await routeEvent(refund, deps());
      expect(result.signal).toBe('proceeded');
      expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    });
  });
});
