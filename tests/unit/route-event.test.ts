import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { OrderStore } from '../../functions/adapters/order-store.js';
import { WorkflowClient, executionName } from '../../functions/adapters/workflow-client.js';
import { routeEvent } from '../../functions/services/route-event.js';
import { STORE, aStoreConfig, events } from '../support/builders.js';
import { eventItem } from '../support/sdk.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { installCheckpointHook } from '../../functions/adapters/host-hooks.js';

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
  };
}

/** The order's items as its Query returns them: these events stored. */
const storedEvents = (...stored: DomainEvent[]) => ddb.on(QueryCommand).resolves({ Items: stored.map((e) => eventItem(e)) });
const queries = () => ddb.commandCalls(QueryCommand).length;

const leases = () => ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.Key?.sk === 'POSITION');

// Every test: the SDK answers anew; the order holds its placed event unless a test stores others.
beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ddb.on(PutCommand).resolves({});
  ddb.on(BatchGetCommand).resolves({ Responses: { Orders: [] } });
  ddb.on(QueryCommand).resolves({ Items: [eventItem(events.placed())] });
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:1', startDate: now });
});

describe('router: every event wakes its order', () => {

  it('wakes a placed order without a lease: no position write, a step named from the order, with the event as its cause', async () => {
    expect((await routeEvent(events.placed(), deps())).wake).toBe('started');
    expect(leases()).toEqual([]);
    const [start] = sfn.commandCalls(StartExecutionCommand);
    expect(start!.args[0].input.name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(start!.args[0].input.name!.startsWith(`${executionName(STORE, '1001')}-`)).toBe(true);
    expect(JSON.parse(start!.args[0].input.input!)).toEqual({ order: { store: STORE, orderId: '1001' }, cause: events.placed().eventId });
  });

  it('wakes an order already placed for any later event (a late refund included), each wake its own execution', async () => {
    storedEvents(events.placed(), events.refunded('2026-11-23T09:55:00Z', false));
    expect((await routeEvent(events.refunded('2026-11-23T09:55:00Z', false), deps())).wake).toBe('started');
    expect((await routeEvent(events.refunded('2026-11-23T09:55:00Z', false), deps())).wake).toBe('started');
    const names = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);
    expect(names).toHaveLength(2);
    expect(names[0]).not.toBe(names[1]);
    expect(leases()).toEqual([]);
  });

  it('leaves the message unacknowledged when the start fails (SQS delivers it again): nothing was written that a retry would repeat wrongly', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(routeEvent(events.placed(), deps())).rejects.toThrow('Rate exceeded');
    expect(leases()).toEqual([]);
  });

  it('starts nothing for an event that came before its order (the placed order\'s wake walks with it), and writes nothing to the event', async () => {
    storedEvents(events.shipped('2026-11-23T09:30:00Z'));
    expect((await routeEvent(events.shipped('2026-11-23T09:30:00Z'), deps())).wake).toBe('not-placed');
    expect(sfn.commandCalls(StartExecutionCommand)).toEqual([]);
    expect(eventItemWrites()).toEqual([]);
  });

  // Once SQS accepted an event it owns its delivery; for a stored event the router's only writes
  // are the order's (lookups, lease, tallies), and the order costs one Query.
  it.each([
    ['order.placed', () => events.placed()],
    ['a later event', () => events.refunded('2026-11-23T09:55:00Z', false)],
    ['a delivery status', () => events.status('2026-11-23T09:58:00Z', 'delivered')],
  ] as const)('writes nothing to the event item when it routes %s', async (_name, event) => {
    const routed = event();
    storedEvents(events.placed(), routed);
    expect(await routeEvent(routed, deps())).toEqual({ wake: 'started' });
    expect(eventItemWrites()).toEqual([]);
    expect(queries()).toBe(1);
    // The router sends nothing, so it looks up no suppression.
    expect(ddb.commandCalls(BatchGetCommand)).toEqual([]);
  });

  // Ingest queues first and stores after: a message may come before ingest's put, or without one
  // (the put failed, or ingest died between the send and the put).
  it('stores an event it does not find in the order with the conditional put, before the wake, and loads the order again', async () => {
    const calls: string[] = [];
    ddb.on(QueryCommand).callsFake(() => (calls.push('query'), { Items: [eventItem(events.placed())] }));
    ddb.on(PutCommand).callsFake((input: { Item?: { sk?: string } }) => (calls.push(String(input.Item?.sk).startsWith('EVENT#') ? 'put event' : 'put'), {}));
    sfn.on(StartExecutionCommand).callsFake(() => (calls.push('start'), { executionArn: 'arn:1', startDate: now }));
    const refund = events.refunded('2026-11-23T09:55:00Z', false);

    expect(await routeEvent(refund, deps(), { messageId: 'm-7' })).toEqual({ wake: 'started', stored: true });
    const [put] = eventItemWrites();
    expect(put).toContain('PutCommand');
    const input = ddb.commandCalls(PutCommand).find((c) => String(c.args[0].input.Item?.sk).startsWith('EVENT#'))!.args[0].input;
    expect(input).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)', Item: { sk: `EVENT#${refund.occurredAt}#${refund.eventId}`, itemType: 'event', event: refund, queuedAs: 'm-7' } });
    expect(input.Item).not.toHaveProperty('outboxPk');
    expect(calls.slice(0, 3)).toEqual(['query', 'put event', 'query']);
    expect(calls.indexOf('start')).toBeGreaterThan(2);
  });

  it('routes on when its put finds the event stored meanwhile (ingest was first)', async () => {
    ddb.on(PutCommand).callsFake((input: { Item?: { sk?: string } }) => {
      if (String(input.Item?.sk).startsWith('EVENT#')) throw new ConditionalCheckFailedException({ message: 'stored', $metadata: {} });
      return {};
    });
    expect(await routeEvent(events.refunded('2026-11-23T09:55:00Z', false), deps())).toEqual({ wake: 'started' });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });
});

describe('router: what it writes for the event it routes', () => {
  const lookups = () => ddb.commandCalls(PutCommand).map((c) => String(c.args[0].input.Item?.sk)).filter((sk) => sk.startsWith('META'));

  it.each([
    ['order.placed', () => events.placed()],
    ['order.updated', () => ({ ...events.placed(), eventId: 'upd-1', type: 'order.updated' as const })],
  ] as const)('puts the order lookups (by order name, by email) for %s', async (_name, event) => {
    const routed = event() as DomainEvent;
    storedEvents(events.placed(), routed);
    await routeEvent(routed, deps());
    expect(lookups().sort()).toEqual(['META', 'META#EMAIL']);
  });

  it('puts no lookup for any other event', async () => {
    const shipped = events.shipped('2026-11-23T09:30:00Z');
    storedEvents(events.placed(), shipped);
    await routeEvent(shipped, deps());
    expect(lookups()).toEqual([]);
  });

  // An event's key is its occurrence and its id: one that shares only one of them is another event.
  it.each([
    ['the same id at another time', (e: DomainEvent) => ({ ...e, occurredAt: '2026-11-23T09:31:00Z' })],
    ['another id at the same time', (e: DomainEvent) => ({ ...e, eventId: 'another' })],
  ] as const)('stores an event it finds only %s of', async (_name, other) => {
    const shipped = events.shipped('2026-11-23T09:30:00Z');
    storedEvents(events.placed(), other(shipped));
    expect(await routeEvent(shipped, deps())).toMatchObject({ stored: true });
  });

  it("names the event's type at the wake's boundary (a fault plan picks an order's event there)", async () => {
    const seen: Array<{ step: string; eventType?: string }> = [];
    installCheckpointHook((step, detail) => void seen.push({ step, eventType: detail.eventType }));
    try {
      const shipped = events.shipped('2026-11-23T09:30:00Z');
      storedEvents(events.placed(), shipped);
      await routeEvent(shipped, deps());
    } finally {
      installCheckpointHook(undefined);
    }
    expect(seen).toEqual([{ step: 'wake.beforeStart', eventType: 'shipment.created' }]);
  });
});

/** Every write the router sent that names an event item (sk EVENT#…), whatever the command. */
function eventItemWrites(): string[] {
  const reads = new Set(['GetCommand', 'QueryCommand', 'BatchGetCommand']);
  return ddb
    .calls()
    .map((c) => c.args[0] as { constructor: { name: string }; input: unknown })
    .filter((command) => !reads.has(command.constructor.name) && JSON.stringify(command.input).includes('EVENT#'))
    .map((command) => `${command.constructor.name} ${JSON.stringify(command.input)}`);
}
