import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/adapters/env.js';
import { DEFAULT_CLAIM_SETTLE_SECONDS } from '../../functions/services/notify.js';
import { ENTRY_METADATA_KEY, ENTRY_NAMES, LAMBDA_ENV_LIMIT_BYTES } from '../../lib/handler-function.js';
import { PAGE_ROUTES, REVIEW_ROUTES, WEBHOOK_ROUTES } from '../../lib/webhook-api.js';
import { CONSOLE_API_ROUTES, CONSOLE_PAGE_ROUTES } from '../../lib/console-api.js';
import {
  actionsOf,
  envOf,
  findDependencyCycle,
  functionFor,
  grantsOf,
  joinToText,
  onlyIdOf,
  resourcesOf,
  resourcesOfType,
  statementsOf,
  synth,
  type Synthesized,
} from './support.js';

let s: Synthesized;
beforeAll(() => {
  s = synth(); // config/dev.json, as `npm run synth` uses it
});

describe('order table', () => {
  it('keys items by pk/sk with the gsi1 lookup index, the outbox and the timers indexes, billed on demand', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        }),
        Match.objectLike({
          IndexName: 'outbox',
          KeySchema: [
            { AttributeName: 'outboxPk', KeyType: 'HASH' },
            { AttributeName: 'outboxSk', KeyType: 'RANGE' },
          ],
          // The sweeper queues the event itself from the index: it must be projected.
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['event'] },
        }),
        Match.objectLike({ IndexName: 'timers' }),
      ],
    });
  });

  it('expires personal data through TTL on expiresAt and keeps point-in-time recovery and KMS encryption', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('is retained when the stack is deleted', () => {
    s.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('order workflow', () => {
  const definition = () => {
    const [, sm] = resourcesOfType(s.json, 'AWS::StepFunctions::StateMachine')[0]!;
    return JSON.parse(joinToText(sm.Properties!.DefinitionString)) as {
      StartAt: string;
      TimeoutSeconds?: number;
      States: Record<string, { Type: string; Resource?: string }>;
    };
  };

  it('is one Express state machine with a fixed name the functions can address, that steps an order with notify', () => {
    s.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      StateMachineName: `${s.config.stackName}-orders`,
      TracingConfiguration: { Enabled: true },
    });
    expect(resourcesOfType(s.json, 'AWS::StepFunctions::StateMachine')).toHaveLength(1);
    const { StartAt, States, TimeoutSeconds } = definition();
    expect(StartAt).toBe('Step');
    expect(TimeoutSeconds).toBe(300);
    expect(Object.values(States).filter((st) => st.Type === 'Task' && /callback|waitForTaskToken/.test(st.Resource ?? ''))).toEqual([]);
  });

  it('holds each order\'s due time in a sparse timers index the poller reads every minute', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: 'timers', KeySchema: [{ AttributeName: 'timerPk', KeyType: 'HASH' }, { AttributeName: 'timerSk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['store', 'orderId'] } }),
      ]),
    });
    const [timersId] = functionFor(s.json, 'timers');
    const rules = resourcesOfType(s.json, 'AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties!.Targets).includes(timersId));
    expect(rules.map(([, r]) => r.Properties!.ScheduleExpression)).toEqual(['rate(1 minute)']);
  });

  it('logs to a log group with a retention', () => {
    s.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Destinations: [Match.anyValue()] }),
    });
  });
});

describe('functions', () => {
  it('builds one function per entry, tagged with its entry for the local runtime', () => {
    const entries = resourcesOfType(s.json, 'AWS::Lambda::Function').map(([, f]) => f.Metadata?.[ENTRY_METADATA_KEY]);
    expect(entries.sort()).toEqual([...ENTRY_NAMES].sort());
  });

  it('runs every function on Node.js 22 or newer, arm64, with active tracing and JSON logs', () => {
    for (const [, fn] of resourcesOfType(s.json, 'AWS::Lambda::Function')) {
      const p = fn.Properties!;
      expect(p.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.TracingConfig).toEqual({ Mode: 'Active' });
      expect(p.LoggingConfig).toMatchObject({ LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } });
      expect(p.Environment.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'postpurchase', NODE_OPTIONS: '--enable-source-maps' });
    }
  });

  it('gives every function the variables its entry reads', () => {
    const expected: Record<(typeof ENTRY_NAMES)[number], string[]> = {
      ingest: [ENV.tableName, ENV.queueUrl, ENV.stores, ENV.retentionDays],
      router: [ENV.tableName, ENV.stateMachineArn, ENV.stores],
      notify: [ENV.tableName, ENV.stores, ENV.sender, ENV.configurationSet, ENV.publicBaseUrl, ENV.linkSecretArn, ENV.retentionDays, ENV.languages],
      timers: [ENV.tableName, ENV.stateMachineArn, ENV.retentionDays],
      referrals: [ENV.tableName, ENV.stores, ENV.sender, ENV.configurationSet, ENV.publicBaseUrl, ENV.linkSecretArn],
      'ses-events': [ENV.tableName],
      pages: [ENV.tableName, ENV.stores, ENV.linkSecretArn, ENV.opsTokenArn, ENV.stateMachineArn, ENV.languages],
      reviews: [ENV.tableName, ENV.stores, ENV.linkSecretArn, ENV.opsTokenArn, ENV.stateMachineArn, ENV.languages, ENV.sender, ENV.configurationSet, ENV.publicBaseUrl, ENV.photoBucket],
      outbox: [ENV.tableName, ENV.queueUrl, ENV.outboxGraceSeconds, ENV.retentionDays],
      console: [
        ENV.tableName, ENV.stores, ENV.stateMachineArn, ENV.sender, ENV.configurationSet, ENV.linkSecretArn, ENV.languages,
        ENV.consoleUserPoolId, ENV.consoleClientId, ENV.deadLetterQueueUrl, ENV.deadLetterQueueArn, ENV.publicBaseUrl,
      ],
    };
    for (const [entry, names] of Object.entries(expected)) {
      expect(Object.keys(envOf(s.json, entry as keyof typeof expected)), entry).toEqual(expect.arrayContaining(names));
    }
  });

  it('passes STORES as the validated config with each store’s webhook secret name', () => {
    const stores = JSON.parse(envOf(s.json, 'ingest')[ENV.stores] as string) as Array<{ storeId: string; webhookSecretName: string }>;
    expect(stores.map((x) => x.storeId)).toEqual(s.config.stores.map((x) => x.storeId));
    for (const store of stores) expect(store.webhookSecretName).toBe(`${s.config.stackName}/webhook/${store.storeId}`);
  });

  it('keeps every environment well under Lambda’s 4 KB limit', () => {
    for (const fn of Object.values(s.stack.functions)) expect(fn.environmentSizeEstimate()).toBeLessThan(LAMBDA_ENV_LIMIT_BYTES);
  });
});

describe('least privilege', () => {
  const stateMachineRef = () => ({ Ref: onlyIdOf(s.json, 'AWS::StepFunctions::StateMachine') });

  it('lets notify (order emails), referrals (referral rewards), the console (explicit resends and replies) and reviews (review emails) send email only as the sender identity through the configuration set', () => {
    const senders = ['notify', 'referrals', 'console', 'reviews'] as const;
    for (const entry of senders) {
      const [send] = grantsOf(statementsOf(s.json, entry), 'ses:SendEmail');
      expect(resourcesOf(send!).map((r) => JSON.stringify(r)), entry).toEqual(
        expect.arrayContaining([
          expect.stringContaining(`:identity/${s.config.sender.domain}`),
          expect.stringContaining(':configuration-set/'),
        ]),
      );
      expect(resourcesOf(send!), entry).toHaveLength(2);
    }
    for (const entry of ENTRY_NAMES.filter((e) => !(senders as readonly string[]).includes(e))) {
      expect(grantsOf(statementsOf(s.json, entry), 'ses:SendEmail'), entry).toEqual([]);
    }
  });

  it('does not let notify touch the events queue', () => {
    const sqsActions = statementsOf(s.json, 'notify').flatMap(actionsOf).filter((a) => a.startsWith('sqs:'));
    expect(sqsActions).toEqual([]);
  });

  it('allows states:StartExecution only on the order step machine, and only to those that wake orders: router, timers, pages and reviews (feedback), the console (stopped mail)', () => {
    const wakers: readonly string[] = ['router', 'timers', 'pages', 'reviews', 'console'];
    for (const entry of ENTRY_NAMES) {
      const starts = grantsOf(statementsOf(s.json, entry), 'states:StartExecution');
      if (wakers.includes(entry)) {
        expect(starts.flatMap(resourcesOf), entry).toEqual([stateMachineRef()]);
      } else {
        expect(starts, entry).toEqual([]);
      }
    }
  });

  it('lets no function settle task tokens: no execution waits on one (issue 15)', () => {
    for (const entry of ENTRY_NAMES) expect(grantsOf(statementsOf(s.json, entry), 'states:SendTaskSuccess'), entry).toEqual([]);
  });

  it('lets only ingest, the outbox sweeper and the console (replaying dead letters) send to the queue, ses-events to its dead-letter queue (a Delivery event failed past its retries); only router receives from it, the console from the dead-letter queue, ses-events from the SES events queue', () => {
    const [dlqId] = resourcesOfType(s.json, 'AWS::SQS::Queue').find(([id]) => id.startsWith('EventsDeadLetter'))!;
    const [sesQueueId] = resourcesOfType(s.json, 'AWS::SQS::Queue').find(([id]) => id.startsWith('MailerEventsQueue'))!;
    const [sesDlqId] = resourcesOfType(s.json, 'AWS::SQS::Queue').find(([id]) => id.startsWith('MailerEventsDeadLetter'))!;
    expect(grantsOf(statementsOf(s.json, 'ses-events'), 'sqs:SendMessage').flatMap(resourcesOf)).toEqual([{ 'Fn::GetAtt': [sesDlqId, 'Arn'] }]);
    for (const entry of ENTRY_NAMES) {
      const actions = statementsOf(s.json, entry).flatMap(actionsOf);
      expect(actions.includes('sqs:SendMessage'), entry).toBe(entry === 'ingest' || entry === 'outbox' || entry === 'console' || entry === 'ses-events');
      expect(actions.includes('sqs:ReceiveMessage'), entry).toBe(entry === 'router' || entry === 'console' || entry === 'ses-events');
    }
    const receive = grantsOf(statementsOf(s.json, 'console'), 'sqs:ReceiveMessage').flatMap(resourcesOf);
    expect(receive).toEqual([{ 'Fn::GetAtt': [dlqId, 'Arn'] }]);
    expect(grantsOf(statementsOf(s.json, 'ses-events'), 'sqs:ReceiveMessage').flatMap(resourcesOf)).toEqual([{ 'Fn::GetAtt': [sesQueueId, 'Arn'] }]);
  });

  it('lets only ingest read the webhook secrets, and only notify, pages, reviews and referrals (referral codes) the link-signing secret', () => {
    const secretRefs = (entry: (typeof ENTRY_NAMES)[number]) =>
      grantsOf(statementsOf(s.json, entry), 'secretsmanager:GetSecretValue')
        .flatMap(resourcesOf)
        .map((r) => (r as { Ref: string }).Ref);
    const webhookIds = resourcesOfType(s.json, 'AWS::SecretsManager::Secret')
      .filter(([, r]) => String(r.Properties!.Name).includes('/webhook/'))
      .map(([id]) => id);
    const linkId = resourcesOfType(s.json, 'AWS::SecretsManager::Secret').find(([, r]) => String(r.Properties!.Name).endsWith('/link-signing'))![0];
    expect(webhookIds).toHaveLength(s.config.stores.length);
    expect(secretRefs('ingest').sort()).toEqual([...webhookIds].sort());
    expect(secretRefs('notify')).toEqual([linkId]);
    expect(secretRefs('pages')).toContain(linkId);
    expect(secretRefs('reviews')).toContain(linkId);
    expect(secretRefs('referrals')).toEqual([linkId]);
    for (const entry of ['router', 'ses-events', 'timers'] as const) expect(secretRefs(entry), entry).toEqual([]);
  });

  it('uses Resource "*" only for actions without resource-level permissions', () => {
    const allowedOnStar = /^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|logs:(CreateLogDelivery|DeleteLogDelivery|DescribeLogGroups|DescribeResourcePolicies|GetLogDelivery|ListLogDeliveries|PutResourcePolicy|UpdateLogDelivery))$/;
    for (const [id, policy] of resourcesOfType(s.json, 'AWS::IAM::Policy')) {
      for (const statement of policy.Properties!.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>) {
        expect(actionsOf(statement as never).filter((a) => a.includes('*')), id).toEqual([]);
        if (resourcesOf(statement as never).includes('*')) {
          for (const action of actionsOf(statement as never)) expect(action, id).toMatch(allowedOnStar);
        }
      }
    }
  });

  it('lets each function write logs to its own log group only', () => {
    for (const entry of ENTRY_NAMES) {
      const [, fn] = functionFor(s.json, entry);
      const logWrites = grantsOf(statementsOf(s.json, entry), 'logs:PutLogEvents');
      expect(logWrites.flatMap(resourcesOf), entry).toEqual([{ 'Fn::GetAtt': [fn.Properties!.LoggingConfig.LogGroup.Ref, 'Arn'] }]);
    }
    s.template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });
});

describe('event queue', () => {
  it('moves a message to the dead-letter queue after 10 receives, with a visibility timeout of six router timeouts', () => {
    const routerTimeout = functionFor(s.json, 'router')[1].Properties!.Timeout as number;
    s.template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 10 },
      VisibilityTimeout: routerTimeout * 6,
      SqsManagedSseEnabled: true,
    });
  });

  it('keeps dead letters for 14 days, encrypted', () => {
    s.template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
  });

  it('refuses requests without TLS on every queue (the events and SES events queues and their dead-letter queues)', () => {
    s.template.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      },
      resourcesOfType(s.json, 'AWS::SQS::Queue').length,
    );
  });

  it('runs the outbox sweeper every minute, with a grace of twice ingest\'s timeout, allowed to send to the event queue', () => {
    const [sweeperId] = functionFor(s.json, 'outbox');
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } })],
    });
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [sweeperId, 'Arn'] },
      Principal: 'events.amazonaws.com',
    });
    const ingestTimeout = functionFor(s.json, 'ingest')[1].Properties!.Timeout as number;
    expect(envOf(s.json, 'outbox')[ENV.outboxGraceSeconds]).toBe(String(ingestTimeout * 2));
    const queueId = resourcesOfType(s.json, 'AWS::SQS::Queue').find(([, q]) => q.Properties?.RedrivePolicy)![0];
    const send = grantsOf(statementsOf(s.json, 'outbox'), 'sqs:SendMessage');
    expect(send.flatMap(resourcesOf)).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
    expect(envOf(s.json, 'outbox')[ENV.queueUrl]).toEqual({ Ref: queueId });
  });

  it('runs the participation re-drive on the reviews function every minute, which may send through SES and read its claims in the outbox index', () => {
    const [reviewsId] = functionFor(s.json, 'reviews');
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [reviewsId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } })],
    });
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [reviewsId, 'Arn'] },
      Principal: 'events.amazonaws.com',
    });
    const statements = statementsOf(s.json, 'reviews');
    expect(grantsOf(statements, 'ses:SendEmail').length).toBeGreaterThan(0);
    // The index it queries (`<table>/index/*`) is in its table grant.
    const query = grantsOf(statements, 'dynamodb:Query').flatMap(resourcesOf);
    expect(JSON.stringify(query)).toContain('/index/*');
  });

  it('feeds the router in batches of 10 with partial batch failures', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionFor(s.json, 'router')[0] },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: Match.anyValue(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('HTTP API', () => {
  it('serves exactly the webhook and page routes', () => {
    const routeKeys = resourcesOfType(s.json, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!.RouteKey as string);
    const expected = [...WEBHOOK_ROUTES, ...PAGE_ROUTES, ...REVIEW_ROUTES, ...CONSOLE_API_ROUTES, ...CONSOLE_PAGE_ROUTES].map((r) => `${r.method} ${r.path}`);
    expect(routeKeys.sort()).toEqual(expected.sort());
  });

  it('throttles the default stage with the configured rate and burst, and writes access logs', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: s.config.api.rateLimit, ThrottlingBurstLimit: s.config.api.burstLimit },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('routeKey') },
    });
  });

  it('keeps query strings (signed tokens, emails) out of the access logs', () => {
    const [, stage] = resourcesOfType(s.json, 'AWS::ApiGatewayV2::Stage')[0]!;
    expect(stage.Properties!.AccessLogSettings.Format).not.toMatch(/path|querystring/i);
  });
});

describe('mail', () => {
  it('sends through a configuration set with reputation metrics and sending on', () => {
    s.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      ReputationOptions: { ReputationMetricsEnabled: true },
      SendingOptions: { SendingEnabled: true },
    });
  });

  it('publishes the sending events to an encrypted topic that feeds the ses-events function through a queue', () => {
    s.template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(['send', 'delivery', 'bounce', 'complaint', 'reject', 'renderingFailure', 'deliveryDelay']),
        SnsDestination: Match.anyValue(),
      }),
    });
    // Through a queue whose redeliveries outlast the claims' settle window: a Send event given
    // up on sooner leaves an accepted email's claim to be taken over and sent again.
    const queueOf = (arn: unknown) => resourcesOfType(s.json, 'AWS::SQS::Queue').find(([id]) => JSON.stringify(arn).includes(`"${id}"`));
    const [subscription] = resourcesOfType(s.json, 'AWS::SNS::Subscription').filter(([, r]) => r.Properties!.Protocol === 'sqs');
    // Every event but Delivery (a delivery note needs no such retry span).
    expect(subscription?.[1].Properties).toMatchObject({ RawMessageDelivery: true, FilterPolicyScope: 'MessageBody', FilterPolicy: { eventType: [{ 'anything-but': ['Delivery'] }] } });
    const queue = queueOf(subscription![1].Properties!.Endpoint)!;
    const [mapping] = resourcesOfType(s.json, 'AWS::Lambda::EventSourceMapping').filter(([, r]) => JSON.stringify(r.Properties!.FunctionName).includes(functionFor(s.json, 'ses-events')[0]));
    expect(JSON.stringify(mapping?.[1].Properties!.EventSourceArn)).toContain(`"${queue[0]}"`);
    expect(mapping![1].Properties!.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    const { VisibilityTimeout, RedrivePolicy } = queue[1].Properties as { VisibilityTimeout: number; RedrivePolicy: { maxReceiveCount: number } };
    expect((RedrivePolicy.maxReceiveCount - 1) * VisibilityTimeout).toBeGreaterThanOrEqual(2 * DEFAULT_CLAIM_SETTLE_SECONDS);
    // Delivery events straight to ses-events: Lambda's two asynchronous retries, then the same dead-letter queue.
    const direct = resourcesOfType(s.json, 'AWS::SNS::Subscription').filter(([, r]) => r.Properties!.Protocol === 'lambda');
    expect(direct).toHaveLength(1);
    const dlq = resourcesOfType(s.json, 'AWS::SQS::Queue').find(([id]) => id.startsWith('MailerEventsDeadLetter'))!;
    expect(direct[0]![1].Properties).toMatchObject({ FilterPolicyScope: 'MessageBody', FilterPolicy: { eventType: ['Delivery'] }, Endpoint: { 'Fn::GetAtt': [functionFor(s.json, 'ses-events')[0], 'Arn'] }, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq[0], 'Arn'] } } });
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: functionFor(s.json, 'ses-events')[0] }, MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq[0], 'Arn'] } } } });
    for (const [, topic] of resourcesOfType(s.json, 'AWS::SNS::Topic')) expect(topic.Properties!.KmsMasterKeyId).toBeDefined();
    // SES may publish to it only on behalf of this account, and may use its key.
    s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'AWS:SourceAccount': Match.anyValue() } },
          }),
        ]),
      },
    });
    s.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'ses.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
  });
});

describe('logs', () => {
  it('sets the configured retention on every log group', () => {
    const groups = resourcesOfType(s.json, 'AWS::Logs::LogGroup');
    expect(groups.length).toBe(ENTRY_NAMES.length + 2); // functions, workflow, API access logs
    for (const [id, group] of groups) expect(group.Properties!.RetentionInDays, id).toBe(s.config.logRetentionDays);
  });
});

describe('stack', () => {
  it('outputs what an operator needs after a deploy', () => {
    for (const name of [
      'ShopifyWebhookUrl',
      'GenericWebhookUrl',
      'PagesBaseUrl',
      'StateMachineArn',
      'DeadLetterQueueUrl',
      'DeadLetterQueueArn',
      'EventQueueArn',
      'WebhookSecretNames',
      'LinkSigningSecretName',
      'OpsTokenSecretName',
    ]) {
      s.template.hasOutput(name, { Value: Match.anyValue() });
    }
    s.template.hasOutput('ShopifyWebhookUrl', { Value: { 'Fn::Join': ['', [Match.anyValue(), '/webhooks/shopify']] } });
  });

  it('has no dependency cycle between resources (CloudFormation would refuse it)', () => {
    // The check itself finds one when there is one…
    expect(
      findDependencyCycle({
        Resources: {
          Fn: { Type: 'AWS::Lambda::Function', Properties: { Env: { Ref: 'Machine' } } },
          Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { Invokes: { 'Fn::GetAtt': ['Fn', 'Arn'] } } },
        },
      }),
    ).toEqual(['Fn', 'Machine', 'Fn']);
    // …and the stack has none, although the await function is both invoked by and signals the state machine.
    expect(findDependencyCycle(s.json)).toBeUndefined();
  });
});
