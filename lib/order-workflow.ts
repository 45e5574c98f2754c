import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

/** Error names the await function and the router use to steer the workflow (see functions/domain/lifecycle.ts). */
export const WorkflowErrors = {
  cancelled: 'OrderCancelled',
  closed: 'OrderClosed',
  delayed: 'OrderDelayed',
  shipmentCreated: 'ShipmentCreated',
  continuedAsNew: 'ContinuedAsNew',
  claimPending: 'ClaimPending',
  transient: 'TransientFailure',
} as const;

export interface OrderWorkflowProps {
  /** Sends one kind of email for an order, once (claims it in the ledger first). */
  readonly notifyFunction: lambda.IFunction;
  /** Registers the task token of a waiting state and settles it at once if the event already happened. */
  readonly awaitFunction: lambda.IFunction;
  /**
   * Hard ceiling on one execution; every wait inside has its own, shorter deadline.
   * @default Duration.days(180)
   */
  readonly executionTimeout?: Duration;
  /**
   * How long a send waits for an unsettled ledger claim to be settled by SES's own events.
   * @default Duration.minutes(5) between checks, for up to about an hour
   */
  readonly claimSettleInterval?: Duration;
  /** @default - logs all events at ERROR level to a new log group */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * One Standard execution per order, named from store and order id so a repeated start is
 * idempotent. The lifecycle reads top to bottom; every waiting state is a callback task with a
 * deadline taken from the state input. The happy path (receipt, one shipment, delivery,
 * feedback given) takes 7 state transitions: events steer the waits through Catch clauses
 * rather than Choice states, which would bill a transition each.
 *
 * State data between states is `{ Payload: { order: { store, orderId }, steps, wait: { seconds } } }`.
 * The deadline path `$.Payload.wait.seconds` is deliberately the same in a task's raw input and
 * in its Parameters, so it resolves the same under AWS and under a local ASL interpreter.
 */
export class OrderWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: OrderWorkflowProps) {
    super(scope, id);
    const settle = props.claimSettleInterval ?? Duration.minutes(5);

    const send = (name: string, kind: string, next?: string) => {
      const task = new tasks.LambdaInvoke(this, name, {
        stateName: name,
        lambdaFunction: props.notifyFunction,
        payload: sfn.TaskInput.fromObject({
          kind,
          // The phase of the waiting state that follows, so the result carries its deadline.
          next: next ?? 'none',
          'order.$': '$.Payload.order',
          'steps.$': '$.Payload.steps',
        }),
        resultSelector: { 'Payload.$': '$.Payload' },
        taskTimeout: sfn.Timeout.duration(Duration.seconds(60)),
        retryOnServiceExceptions: true,
      });
      // A claim whose send outcome is not yet known waits for SES's events to settle it.
      task.addRetry({ errors: [WorkflowErrors.claimPending], interval: settle, maxAttempts: 12, backoffRate: 1 });
      task.addRetry({
        errors: [WorkflowErrors.transient, 'Lambda.Unknown', 'Sandbox.Timedout', 'States.Timeout'],
        interval: Duration.seconds(5),
        maxAttempts: 8,
        backoffRate: 2,
        maxDelay: Duration.minutes(10),
        jitterStrategy: sfn.JitterType.FULL,
      });
      return task;
    };

    const wait = (name: string, phase: string) => {
      const task = new tasks.LambdaInvoke(this, name, {
        stateName: name,
        lambdaFunction: props.awaitFunction,
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: sfn.TaskInput.fromObject({
          phase,
          taskToken: sfn.JsonPath.taskToken,
          'order.$': '$.Payload.order',
          'steps.$': '$.Payload.steps',
          'wait.$': '$.Payload.wait',
          'execution.$': '$$.Execution.Name',
        }),
        taskTimeout: sfn.Timeout.at('$.Payload.wait.seconds'),
        // On success the signaller's output replaces the state data (the default ResultPath):
        // it hands over the next deadline.
        retryOnServiceExceptions: true,
      });
      task.addRetry({
        errors: [WorkflowErrors.transient, 'Lambda.Unknown', 'Sandbox.Timedout'],
        interval: Duration.seconds(5),
        maxAttempts: 8,
        backoffRate: 2,
        maxDelay: Duration.minutes(10),
        jitterStrategy: sfn.JitterType.FULL,
      });
      return task;
    };

    const sendReceipt = send('SendReceipt', 'receipt', 'shipment');
    const awaitShipment = wait('AwaitShipment', 'shipment');
    const sendShipmentDelay = send('SendShipmentDelayNotice', 'delay_notice', 'shipment');
    const sendShippingConfirmation = send('SendShippingConfirmation', 'shipping_confirmation', 'delivery');
    const awaitDelivery = wait('AwaitDelivery', 'delivery');
    const sendDeliveryDelay = send('SendDeliveryDelayNotice', 'delay_notice', 'delivery');
    const awaitFeedbackWindow = wait('AwaitFeedbackWindow', 'feedback_window');
    const sendFeedbackRequest = send('SendFeedbackRequest', 'feedback_request', 'feedback');
    const awaitFeedback = wait('AwaitFeedback', 'feedback');
    const sendFeedbackReminder = send('SendFeedbackReminder', 'feedback_reminder');
    const sendCancellation = send('SendCancellation', 'cancellation');
    const closed = new sfn.Succeed(this, 'OrderClosed', { stateName: 'OrderClosed', comment: 'Refunded in full or otherwise closed: nothing more to send.' });
    const continued = new sfn.Succeed(this, 'ContinuedAsNew', {
      stateName: 'ContinuedAsNew',
      comment: 'A fresh execution took over to stay far from the history limit; the ledger makes it resume where this one stopped.',
    });

    const keep = { resultPath: sfn.JsonPath.DISCARD };
    const common = (task: tasks.LambdaInvoke) =>
      task
        .addCatch(sendCancellation, { errors: [WorkflowErrors.cancelled], ...keep })
        .addCatch(closed, { errors: [WorkflowErrors.closed], ...keep })
        .addCatch(continued, { errors: [WorkflowErrors.continuedAsNew], ...keep });

    common(awaitShipment).addCatch(sendShipmentDelay, { errors: [WorkflowErrors.delayed, 'States.Timeout'], ...keep });
    sendShipmentDelay.next(awaitShipment);

    common(awaitDelivery)
      .addCatch(sendShippingConfirmation, { errors: [WorkflowErrors.shipmentCreated], ...keep })
      .addCatch(sendDeliveryDelay, { errors: [WorkflowErrors.delayed, 'States.Timeout'], ...keep });
    sendDeliveryDelay.next(awaitDelivery);

    // The feedback window ends by its deadline (Timeout) or by an early proceed after a restart.
    common(awaitFeedbackWindow).addCatch(sendFeedbackRequest, { errors: ['States.Timeout'], ...keep });
    common(awaitFeedback).addCatch(sendFeedbackReminder, { errors: ['States.Timeout'], ...keep });

    const definition = sfn.Chain.start(sendReceipt)
      .next(awaitShipment)
      .next(sendShippingConfirmation)
      .next(awaitDelivery)
      .next(awaitFeedbackWindow)
      .next(sendFeedbackRequest)
      .next(awaitFeedback);

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: props.executionTimeout ?? Duration.days(180),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
      comment: 'postpurchase: one execution per order, from receipt to feedback',
    });
  }

  /** Lets a function start order executions (and continue one as new). */
  grantStart(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }

  /** Lets a function settle the task tokens of waiting states. */
  grantTaskResponse(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantTaskResponse(grantee);
  }
}
