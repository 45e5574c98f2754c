import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENTRY_NAMES } from '../../lib/handler-function.js';
import { SES_BOUNCE_RATE_THRESHOLD, SES_COMPLAINT_RATE_THRESHOLD } from '../../lib/monitoring.js';
import { functionFor, joinToText, onlyIdOf, resourcesOfType, synth, type Synthesized } from './support.js';

let s: Synthesized;
let alarmTopic: { Ref: string };
beforeAll(() => {
  s = synth();
  const [topicId] = resourcesOfType(s.json, 'AWS::SNS::Topic').find(([, t]) => t.Properties!.DisplayName === 'postpurchase alarms')!;
  alarmTopic = { Ref: topicId };
});

const alarmOn = (metricName: string, extra: Record<string, unknown> = {}) => ({
  MetricName: metricName,
  AlarmActions: [alarmTopic],
  OKActions: [alarmTopic],
  ...extra,
});

describe('alarms', () => {
  it('alarm on failed and timed-out workflow executions', () => {
    const stateMachine = { Ref: onlyIdOf(s.json, 'AWS::StepFunctions::StateMachine') };
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      s.template.hasResourceProperties(
        'AWS::CloudWatch::Alarm',
        alarmOn(metric, {
          Namespace: 'AWS/States',
          Dimensions: [{ Name: 'StateMachineArn', Value: stateMachine }],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        }),
      );
    }
  });

  it('alarm as soon as one message is in the dead-letter queue', () => {
    const [dlqId] = resourcesOfType(s.json, 'AWS::SQS::Queue').find(([, q]) => q.Properties!.RedrivePolicy === undefined)!;
    s.template.hasResourceProperties(
      'AWS::CloudWatch::Alarm',
      alarmOn('ApproximateNumberOfMessagesVisible', {
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
  });

  it('alarm on errors and throttles of every function', () => {
    for (const entry of ENTRY_NAMES) {
      const fn = { Ref: functionFor(s.json, entry)[0] };
      for (const metric of ['Errors', 'Throttles']) {
        s.template.hasResourceProperties(
          'AWS::CloudWatch::Alarm',
          alarmOn(metric, { Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: fn }], Threshold: 1 }),
        );
      }
    }
  });

  it('alarm on 5xx answers of the HTTP API', () => {
    s.template.hasResourceProperties(
      'AWS::CloudWatch::Alarm',
      alarmOn('5xx', { Namespace: 'AWS/ApiGateway', Dimensions: [{ Name: 'ApiId', Value: { Ref: onlyIdOf(s.json, 'AWS::ApiGatewayV2::Api') } }] }),
    );
  });

  it('alarm on SES reputation just below the review thresholds (4% bounces, 0.08% complaints)', () => {
    expect(SES_BOUNCE_RATE_THRESHOLD).toBe(0.04);
    expect(SES_COMPLAINT_RATE_THRESHOLD).toBe(0.0008);
    s.template.hasResourceProperties(
      'AWS::CloudWatch::Alarm',
      alarmOn('Reputation.BounceRate', { Namespace: 'AWS/SES', Threshold: 0.04, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }),
    );
    s.template.hasResourceProperties(
      'AWS::CloudWatch::Alarm',
      alarmOn('Reputation.ComplaintRate', { Namespace: 'AWS/SES', Threshold: 0.0008, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }),
    );
  });

  it('send every alarm and recovery to the alarm topic', () => {
    for (const [id, alarm] of resourcesOfType(s.json, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties!.AlarmActions, id).toEqual([alarmTopic]);
      expect(alarm.Properties!.OKActions, id).toEqual([alarmTopic]);
      expect(alarm.Properties!.AlarmDescription, id).toMatch(/OPERATIONS\.md#/);
    }
  });
});

describe('alarm topic', () => {
  it('is encrypted with a rotating key that CloudWatch may use, and mails the configured address', () => {
    s.template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'postpurchase alarms', KmsMasterKeyId: Match.anyValue() });
    s.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'AWS:SourceAccount': Match.anyValue() } },
          }),
        ]),
      },
    });
    s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: s.config.alarmEmail, TopicArn: alarmTopic });
  });
});

describe('pause of non-essential mail', () => {
  it('is driven by one composite alarm, in ALARM while either reputation alarm is', () => {
    const reputationAlarms = resourcesOfType(s.json, 'AWS::CloudWatch::Alarm')
      .filter(([, a]) => String(a.Properties!.MetricName).startsWith('Reputation.'))
      .map(([id]) => id);
    expect(reputationAlarms).toHaveLength(2);
    const [, composite] = resourcesOfType(s.json, 'AWS::CloudWatch::CompositeAlarm')[0]!;
    const rule = JSON.stringify(composite.Properties!.AlarmRule);
    for (const id of reputationAlarms) expect(rule).toContain(id);
    expect(rule).toMatch(/ALARM\(.* OR ALARM\(/);
  });

  it('routes state changes of the composite alarm to the ses-events function', () => {
    s.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [{ 'Fn::GetAtt': [onlyIdOf(s.json, 'AWS::CloudWatch::CompositeAlarm'), 'Arn'] }],
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionFor(s.json, 'ses-events')[0], 'Arn'] } })],
    });
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [functionFor(s.json, 'ses-events')[0], 'Arn'] },
    });
  });
});

describe('dashboard', () => {
  /** The dashboard body with deploy-time values replaced by placeholders, parsed. */
  const widgets = () => {
    const [, dashboard] = resourcesOfType(s.json, 'AWS::CloudWatch::Dashboard')[0]!;
    return (JSON.parse(joinToText(dashboard.Properties!.DashboardBody)) as { widgets: Array<{ properties: { title?: string; metrics?: unknown[] } }> })
      .widgets;
  };
  const widget = (title: string) => {
    const found = widgets().find((w) => w.properties.title?.startsWith(title));
    if (!found) throw new Error(`no widget titled "${title}"`);
    return JSON.stringify(found.properties.metrics);
  };

  it("counts EmailsSent per kind from notify's 'email sent' log lines (a metric filter on its log group)", () => {
    const filters = resourcesOfType(s.json, 'AWS::Logs::MetricFilter');
    expect(filters).toHaveLength(1);
    const [, filter] = filters[0]!;
    expect(filter.Properties).toMatchObject({
      FilterPattern: '{ $.message = "email sent" }',
      MetricTransformations: [{ MetricNamespace: 'postpurchase', MetricName: 'EmailsSent', MetricValue: '1', Dimensions: [{ Key: 'kind', Value: '$.kind' }], Unit: 'Count' }],
    });
    const [notifyLogs] = Object.entries(s.json.Resources).find(([id, r]) => r.Type === 'AWS::Logs::LogGroup' && id.startsWith('NotifyFunctionLogs'))!;
    expect(filter.Properties!.LogGroupName).toEqual({ Ref: notifyLogs });
  });

  it('shows webhooks accepted, executions, emails sent per kind, queue depths and SES rates', () => {
    expect(widget('Webhooks accepted')).toContain('MetricName=\\"WebhooksAccepted\\"');
    expect(widget('Order workflow executions')).toMatch(/ExecutionsStarted.*ExecutionsFailed/);
    expect(widget('Emails sent per kind')).toContain('Namespace=\\"postpurchase\\" MetricName=\\"EmailsSent\\"');
    expect(widget('Queues')).toContain('ApproximateNumberOfMessagesVisible');
    expect(widget('SES reputation')).toMatch(/Reputation\.BounceRate.*Reputation\.ComplaintRate/);
    expect(widgets().some((w) => (w as { type?: string }).type === 'alarm')).toBe(true);
  });
});
