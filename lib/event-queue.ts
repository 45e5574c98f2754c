import { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../functions/adapters/env.js';

export interface EventQueueProps {
  /**
   * The longest timeout a consumer may have. The visibility timeout is six times this, as
   * Lambda recommends for SQS event sources, so a batch is not redelivered while its retries run.
   * @default Duration.seconds(30)
   */
  readonly maxConsumerTimeout?: Duration;
  /**
   * Receives before a message moves to the dead-letter queue. A consumer that crashes (a
   * timeout, an out-of-memory kill) fails its whole batch of up to 10, so a healthy message
   * shares the receive count of every crash in the batches it was in: 10 lets it outlive nine
   * of them, where 5 dead-lettered messages that never failed themselves (fault matrix, dense
   * router crashes). A poison message still reaches the dead-letter queue and its alarm, after
   * 10 visibility timeouts (30 minutes at the default consumer timeout).
   * @default 10
   */
  readonly maxReceiveCount?: number;
  /** @default Duration.days(4) */
  readonly retentionPeriod?: Duration;
}

export interface EventConsumerOptions {
  /** @default 10 */
  readonly batchSize?: number;
  /** @default Duration.seconds(1) */
  readonly maxBatchingWindow?: Duration;
  /** Caps concurrent consumers, e.g. to stay under the Step Functions StartExecution quota. @default - no cap */
  readonly maxConcurrency?: number;
}

/**
 * Accepted webhook events between ingest (which answers the platform quickly) and the router.
 * SQS-managed encryption, TLS-only access, and a dead-letter queue kept for 14 days.
 */
export class EventQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly maxConsumerTimeout: Duration;
  readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: EventQueueProps = {}) {
    super(scope, id);
    this.maxConsumerTimeout = props.maxConsumerTimeout ?? Duration.seconds(30);
    this.maxReceiveCount = props.maxReceiveCount ?? 10;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      visibilityTimeout: Duration.seconds(this.maxConsumerTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: this.maxReceiveCount },
    });
  }

  /** Grants a function permission to send events and sets QUEUE_URL. */
  bindProducer(fn: lambda.Function): iam.Grant {
    fn.addEnvironment(ENV.queueUrl, this.queue.queueUrl);
    return this.queue.grantSendMessages(fn);
  }

  /**
   * Lets a function look at the dead letters (ReceiveMessage with no visibility timeout: a peek)
   * and move them back to the queue with SQS's redrive (StartMessageMoveTask), as
   * `npm run replay-dead-letters` does; sets DEAD_LETTER_QUEUE_URL and _ARN.
   */
  bindDeadLetterOperator(fn: lambda.Function): iam.Grant {
    fn.addEnvironment(ENV.deadLetterQueueUrl, this.deadLetterQueue.queueUrl);
    fn.addEnvironment(ENV.deadLetterQueueArn, this.deadLetterQueue.queueArn);
    // A move task reads and deletes from the dead-letter queue and sends to the source queue.
    const grant = this.deadLetterQueue.grantConsumeMessages(fn);
    this.deadLetterQueue.grant(fn, 'sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:GetQueueAttributes');
    this.queue.grantSendMessages(fn);
    return grant;
  }

  /** Subscribes a function to the queue with partial batch responses. */
  addConsumer(fn: lambda.Function, options: EventConsumerOptions = {}): SqsEventSource {
    const timeout = fn.timeout ?? Duration.seconds(3);
    if (timeout.toSeconds() > this.maxConsumerTimeout.toSeconds()) {
      throw new Error(
        `${fn.node.path}: its timeout (${timeout.toSeconds()} s) exceeds the queue's maxConsumerTimeout ` +
          `(${this.maxConsumerTimeout.toSeconds()} s); raise maxConsumerTimeout so the visibility timeout stays at least six times the function timeout`,
      );
    }
    const source = new SqsEventSource(this.queue, {
      batchSize: options.batchSize ?? 10,
      maxBatchingWindow: options.maxBatchingWindow ?? Duration.seconds(1),
      reportBatchItemFailures: true,
      maxConcurrency: options.maxConcurrency,
    });
    fn.addEventSource(source);
    return source;
  }
}
