import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EMAIL_SENT_LOG } from '../functions/adapters/log-metrics.js';
import { POWERTOOLS_NAMESPACE } from './handler-function.js';

/**
 * SES's own review thresholds are a 5% bounce rate and a 0.1% complaint rate; alarming a little
 * below them leaves room to pause optional mail before the account is put under review.
 */
export const SES_BOUNCE_RATE_THRESHOLD = 0.04;
export const SES_COMPLAINT_RATE_THRESHOLD = 0.0008;

/** Metric names the functions emit with Powertools Metrics (namespace `postpurchase`, see functions/adapters/observability.ts). */
export const APP_METRICS = {
  /** ingest: one per webhook accepted onto the queue (dimensions `service`, `source`). */
  webhooksAccepted: 'WebhooksAccepted',
  /** ingest: one per webhook refused (bad signature, unknown store…). */
  webhooksRejected: 'WebhooksRejected',
  /** ingest: new events the queue refused; nothing stored, the webhook answered 503 (the platform retries). */
  eventsNotQueued: 'EventsNotQueued',
  /**
   * notify: one per email handed to SES (dimension `kind`), from a metric filter on notify's
   * `email sent` log line (Monitoring's `emailSender`): Powertools Metrics for one counter was
   * 11.8 KB of notify's bundle.
   */
  emailsSent: 'EmailsSent',
} as const;

export interface MonitoringProps {
  readonly stateMachine: sfn.IStateMachine;
  readonly deadLetterQueue: sqs.IQueue;
  readonly eventQueue: sqs.IQueue;
  /**
   * SES events ses-events failed on for their whole retry span (lib/mailer.ts): a Send event
   * among them may mean an email sent twice.
   * @default - no alarm
   */
  readonly sesEventsDeadLetterQueue?: sqs.IQueue;
  /** Every function, by a short name used in alarm names. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  readonly httpApi: apigw.IHttpApi;
  /** Key for the alarm topic; CloudWatch is allowed to use it (granted here). */
  readonly encryptionKey: kms.IKey;
  /** @default - no email subscription */
  readonly alarmEmail?: string;
  /**
   * Receives the state changes of the composite SES reputation alarm (to pause and resume non-essential mail).
   * @default - no handler
   */
  readonly reputationHandler?: lambda.IFunction;
  /** @default - "<stack name>-operations" */
  readonly dashboardName?: string;
  /**
   * The function whose `email sent` log lines ({"message":"email sent","kind":…}) count as
   * EmailsSent per kind (a metric filter on its log group).
   * @default - no EmailsSent metric
   */
  readonly emailSender?: lambda.IFunction & { readonly logGroup: logs.ILogGroup };
}


/**
 * Alarms on everything that needs a human (all notify one encrypted SNS topic, also when they
 * recover), the SES reputation alarms that also pause non-essential mail, and one dashboard.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly bounceRateAlarm: cloudwatch.Alarm;
  readonly complaintRateAlarm: cloudwatch.Alarm;
  /** ALARM while either reputation alarm is: the one signal that pauses and resumes non-essential mail. */
  readonly reputationAtRiskAlarm: cloudwatch.CompositeAlarm;
  readonly dashboard: cloudwatch.Dashboard;
  /** Present when a reputation handler is given. */
  readonly reputationRule?: events.Rule;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.emailSender) {
      new logs.MetricFilter(this, 'EmailsSentFilter', {
        logGroup: props.emailSender.logGroup,
        metricNamespace: POWERTOOLS_NAMESPACE,
        metricName: APP_METRICS.emailsSent,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', EMAIL_SENT_LOG),
        metricValue: '1',
        dimensions: { kind: '$.kind' },
        unit: cloudwatch.Unit.COUNT,
      });
    }

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'postpurchase alarms',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    this.alarmTopic.grantPublish(
      new iam.ServicePrincipal('cloudwatch.amazonaws.com', {
        conditions: { StringEquals: { 'AWS:SourceAccount': stack.account } },
      }),
    );
    if (props.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const fiveMinutes = Duration.minutes(5);

    this.alarm('ExecutionsFailed', props.stateMachine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }), {
      threshold: 1,
      description: 'An order workflow execution failed. See docs/OPERATIONS.md#executions-failed.',
    });
    this.alarm('ExecutionsTimedOut', props.stateMachine.metricTimedOut({ period: fiveMinutes, statistic: 'Sum' }), {
      threshold: 1,
      description: 'An order workflow execution hit its overall timeout. See docs/OPERATIONS.md#executions-timed-out.',
    });
    this.alarm(
      'DeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
      {
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        description: 'Webhook events failed 5 times and wait in the dead-letter queue. See docs/OPERATIONS.md#dead-letters.',
      },
    );
    if (props.sesEventsDeadLetterQueue) {
      this.alarm('SesEventDeadLetters', props.sesEventsDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }), {
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        description: 'SES events failed for longer than twice the claim settle window. See docs/OPERATIONS.md#ses-event-dead-letters.',
      });
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarm(`${name}Errors`, fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }), {
        threshold: 1,
        description: `The ${name} function threw. See docs/OPERATIONS.md#function-errors.`,
      });
      this.alarm(`${name}Throttles`, fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }), {
        threshold: 1,
        description: `The ${name} function was throttled. See docs/OPERATIONS.md#function-throttles.`,
      });
    }
    const api5xx = new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      dimensionsMap: { ApiId: props.httpApi.apiId },
      period: fiveMinutes,
      statistic: 'Sum',
    });
    this.alarm('Api5xx', api5xx, {
      threshold: 1,
      description: 'The HTTP API answered 5xx (platforms retry webhooks, shoppers see an error). See docs/OPERATIONS.md#api-5xx.',
    });

    // Account-level reputation, as SES's review sees it. Published irregularly: keep the last
    // state through gaps rather than flapping to INSUFFICIENT_DATA and back.
    this.bounceRateAlarm = this.alarm('SesBounceRate', sesReputation('Reputation.BounceRate'), {
      threshold: SES_BOUNCE_RATE_THRESHOLD,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      description: 'SES bounce rate at 4% or more (review at 5%): non-essential mail is paused. See docs/OPERATIONS.md#ses-reputation.',
    });
    this.complaintRateAlarm = this.alarm('SesComplaintRate', sesReputation('Reputation.ComplaintRate'), {
      threshold: SES_COMPLAINT_RATE_THRESHOLD,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      description: 'SES complaint rate at 0.08% or more (review at 0.1%): non-essential mail is paused. See docs/OPERATIONS.md#ses-reputation.',
    });

    // One signal for the pause: with the two alarms wired separately, the complaint alarm
    // returning to OK would resume mail while the bounce alarm is still in ALARM.
    this.reputationAtRiskAlarm = new cloudwatch.CompositeAlarm(this, 'SesReputationAtRisk', {
      alarmRule: cloudwatch.AlarmRule.anyOf(
        cloudwatch.AlarmRule.fromAlarm(this.bounceRateAlarm, cloudwatch.AlarmState.ALARM),
        cloudwatch.AlarmRule.fromAlarm(this.complaintRateAlarm, cloudwatch.AlarmState.ALARM),
      ),
      alarmDescription: 'SES bounce or complaint rate near the review threshold: non-essential mail is paused while this is in ALARM.',
    });

    if (props.reputationHandler) {
      this.reputationRule = new events.Rule(this, 'ReputationAlarmStateChange', {
        description: 'SES reputation at risk (composite alarm): pause non-essential mail on ALARM, resume on OK',
        eventPattern: {
          source: ['aws.cloudwatch'],
          detailType: ['CloudWatch Alarm State Change'],
          resources: [this.reputationAtRiskAlarm.alarmArn],
        },
        targets: [new targets.LambdaFunction(props.reputationHandler, { retryAttempts: 8, maxEventAge: Duration.hours(6) })],
      });
    }

    this.dashboard = this.buildDashboard(props);
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    options: {
      threshold: number;
      description: string;
      comparisonOperator?: cloudwatch.ComparisonOperator;
      treatMissingData?: cloudwatch.TreatMissingData;
    },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: options.threshold,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      comparisonOperator: options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    const action = new actions.SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }

  private buildDashboard(props: MonitoringProps): cloudwatch.Dashboard {
    const period = Duration.minutes(5);
    const appSearch = (metricName: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('Namespace="${POWERTOOLS_NAMESPACE}" MetricName="${metricName}"', 'Sum', ${period.toSeconds()})`,
        label,
        period,
        usingMetrics: {},
      });

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.days(1),
    });
    const sm = props.stateMachine;
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Webhooks accepted',
        width: 8,
        left: [appSearch(APP_METRICS.webhooksAccepted, 'accepted'), appSearch(APP_METRICS.webhooksRejected, 'rejected')],
        right: [
          new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName: '4xx', dimensionsMap: { ApiId: props.httpApi.apiId }, statistic: 'Sum', period, label: 'API 4xx' }),
          new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName: '5xx', dimensionsMap: { ApiId: props.httpApi.apiId }, statistic: 'Sum', period, label: 'API 5xx' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Order workflow executions',
        width: 8,
        left: [
          sm.metricStarted({ period, statistic: 'Sum', label: 'started' }),
          sm.metricSucceeded({ period, statistic: 'Sum', label: 'succeeded' }),
          sm.metricFailed({ period, statistic: 'Sum', label: 'failed' }),
          sm.metricTimedOut({ period, statistic: 'Sum', label: 'timed out' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Emails sent per kind',
        width: 8,
        left: [appSearch(APP_METRICS.emailsSent, '')],
        stacked: true,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Queues',
        width: 8,
        left: [
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: 'dead letters' }),
          props.eventQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: 'events waiting' }),
        ],
        right: [props.eventQueue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum', label: 'oldest event (s)' })],
      }),
      new cloudwatch.GraphWidget({
        title: 'SES reputation (alarm lines at 4% bounces, 0.08% complaints)',
        width: 8,
        left: [sesReputation('Reputation.BounceRate', 'bounce rate')],
        right: [sesReputation('Reputation.ComplaintRate', 'complaint rate')],
        leftAnnotations: [{ value: SES_BOUNCE_RATE_THRESHOLD, label: 'bounce alarm' }],
        rightAnnotations: [{ value: SES_COMPLAINT_RATE_THRESHOLD, label: 'complaint alarm' }],
      }),
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        width: 8,
        left: Object.entries(props.functions).map(([name, fn]) => fn.metricErrors({ period, statistic: 'Sum', label: name })),
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 24, alarms: this.alarms }),
    );
    return dashboard;
  }
}

function sesReputation(metricName: string, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SES',
    metricName,
    statistic: 'Maximum',
    period: Duration.minutes(15),
    label,
  });
}
