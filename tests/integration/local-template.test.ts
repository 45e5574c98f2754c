import { StateMachine } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeApp, eventTypeFilter, loadTemplate, TemplateResolver, type CfnTemplate } from '../../local/template.js';
import { synthFixtureTemplate } from '../../local/testing/fixture-stack.js';

describe('template resolver', () => {
  let fixture: CfnTemplate;
  beforeAll(() => {
    fixture = synthFixtureTemplate();
  }, 60_000);

  it('turns the synthesized definition into plain ASL the interpreter validates', () => {
    const app = describeApp(fixture);
    const text = JSON.stringify(app.stateMachine.definition);

    expect(text).not.toMatch(/"Fn::|"Ref"/);
    expect(() => new StateMachine(app.stateMachine.definition)).not.toThrow();
    expect(app.stateMachine.definition.StartAt).toBe('SendReceipt');
  });

  it('maps every Task state to the handler entry of the function it invokes', () => {
    const app = describeApp(fixture);
    const taskStates = Object.entries(app.stateMachine.definition.States)
      .filter(([, s]) => s.Type === 'Task')
      .map(([name]) => name);

    expect(Object.keys(app.tasks).sort()).toEqual(taskStates.sort());
    expect(app.tasks.SendReceipt).toMatchObject({ integration: 'invoke', entry: 'notify' });
    expect(app.tasks.AwaitShipment).toMatchObject({ integration: 'waitForTaskToken', entry: 'await' });
  });

  it('resolves function ARNs to placeholders in the account and region of the context', () => {
    const app = describeApp(fixture, { region: 'eu-west-1', accountId: '111122223333' });
    const params = (app.stateMachine.definition.States.SendReceipt as unknown as { Parameters: { FunctionName: string } }).Parameters;

    expect(params.FunctionName).toBe(`arn:aws:lambda:eu-west-1:111122223333:function:${app.tasks.SendReceipt!.functionLogicalId}`);
  });

  it('collects routes, queues, the event source, the table and each function environment with local values', () => {
    const app = describeApp(fixture);
    const queueId = app.queues.find((q) => q.deadLetter)!.logicalId;
    const local = describeApp(fixture, { refs: { [queueId]: 'http://127.0.0.1:9/000000000000/Events' } });
    const ingest = Object.values(local.functions).find((f) => f.entry === 'ingest')!;

    expect(app.routes.map((r) => `${r.routeKey} ${r.entry}`)).toContain('POST /webhooks/{store} ingest');
    expect(app.eventSources).toEqual([expect.objectContaining({ entry: 'router', batchSize: 10, reportBatchItemFailures: true })]);
    expect(app.queues.find((q) => q.deadLetter)?.deadLetter?.maxReceiveCount).toBe(5);
    expect(app.table?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('gsi1');
    expect(ingest.env.QUEUE_URL).toBe('http://127.0.0.1:9/000000000000/Events');
    expect(ingest.env.TABLE_NAME).toBe(app.table?.TableName);
  });

  it('evaluates Sub, Select, Split, If, GetAtt and pseudo parameters', () => {
    const template: CfnTemplate = {
      Parameters: { Stage: { Type: 'String', Default: 'dev' } },
      Conditions: { IsDev: { 'Fn::Equals': [{ Ref: 'Stage' }, 'dev'] }, IsProd: { 'Fn::Not': [{ Condition: 'IsDev' }] } },
      Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'named-fn' } } },
    };
    const r = new TemplateResolver(template, { region: 'eu-central-1' });

    expect(r.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${Fn.Arn}/${!Literal}' })).toBe(
      'arn:aws:x:eu-central-1:000000000000:arn:aws:lambda:eu-central-1:000000000000:function:named-fn/${Literal}',
    );
    expect(r.resolve({ 'Fn::Sub': ['${A}-${Stage}', { A: { Ref: 'Fn' } }] })).toBe('named-fn-dev');
    expect(r.resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] })).toBe('b');
    expect(r.resolve({ 'Fn::If': ['IsProd', 'yes', { Ref: 'AWS::NoValue' }] })).toBeUndefined();
    expect(r.resolve({ list: [{ 'Fn::If': ['IsDev', 'kept', 'dropped'] }, { Ref: 'AWS::NoValue' }] })).toEqual({ list: ['kept'] });
    expect(r.resolve({ 'Fn::GetAtt': 'Fn.Arn' })).toBe('arn:aws:lambda:eu-central-1:000000000000:function:named-fn');
    expect(r.resolve({ 'Fn::Join': ['.', [{ Ref: 'AWS::URLSuffix' }, 'x']] })).toBe('amazonaws.com.x');
  });

  it('refuses a Task it could not run locally rather than letting it call AWS', () => {
    const template = structuredClone(fixture);
    const sm = Object.values(template.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine')!;
    const join = (sm.Properties!.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    join[1] = join[1].map((part) => (typeof part === 'string' ? part.replace(':states:::lambda:invoke"', ':states:::dynamodb:putItem"') : part));

    expect(() => describeApp(template)).toThrow(/SendReceipt uses arn:aws:states:::dynamodb:putItem/);
  });
});

describe("a subscription's filter policy, as SNS evaluates it on the SES event's body", () => {
  it('takes the listed types, or every type but an anything-but list, or every type without a policy', () => {
    expect(['Send', 'Delivery'].filter(eventTypeFilter('S', { eventType: ['Delivery'] }, 'MessageBody'))).toEqual(['Delivery']);
    expect(['Send', 'Delivery', 'Bounce'].filter(eventTypeFilter('S', { eventType: [{ 'anything-but': ['Delivery'] }] }, 'MessageBody'))).toEqual(['Send', 'Bounce']);
    expect(['Send', 'Delivery'].filter(eventTypeFilter('S', undefined, undefined))).toEqual(['Send', 'Delivery']);
  });

  it('refuses a policy it cannot evaluate rather than guess (attributes scope, other keys, other operators)', () => {
    expect(() => eventTypeFilter('S', { eventType: ['Delivery'] }, 'MessageAttributes')).toThrow(/message-body filter policy on eventType/);
    expect(() => eventTypeFilter('S', { eventType: ['Delivery'], mail: ['x'] }, 'MessageBody')).toThrow(/Subscription S/);
    expect(() => eventTypeFilter('S', { eventType: [{ prefix: 'Deliv' }] }, 'MessageBody')).toThrow(/not strings or one anything-but list/);
  });
});

describe('template resolver on the product stack', () => {
  it('resolves the app lib/ synthesizes: every task and route has a handler entry', async () => {
    const app = describeApp(await loadTemplate());

    expect(() => new StateMachine(app.stateMachine.definition, { validationOptions: { checkArn: false, checkPaths: false } })).not.toThrow();
    for (const [state, s] of Object.entries(app.stateMachine.definition.States)) {
      if (s.Type === 'Task') expect(app.tasks[state]?.entry, state).toMatch(/^(notify|referrals)$/);
    }
    expect(app.routes.find((r) => r.routeKey === 'POST /webhooks/shopify')?.entry).toBe('ingest');
    expect(app.eventSources.map((e) => e.entry)).toEqual(['router']);
    expect(app.sesEventsFunction?.entry).toBe('ses-events');
    // The SES events topic's subscriptions: Delivery to the function itself, every other event through the queue.
    const routes = (type: string) => app.sesEventRoutes.filter((r) => r.takes(type)).map((r) => r.via);
    expect(routes('Delivery')).toEqual(['function']);
    for (const type of ['Send', 'Bounce', 'Complaint', 'Reject', 'DeliveryDelay']) expect(routes(type), type).toEqual(['queue']);
  }, 120_000);
});
