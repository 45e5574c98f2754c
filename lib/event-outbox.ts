import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENV } from '../functions/adapters/env.js';
import type { EventQueue } from './event-queue.js';

export interface EventOutboxProps {
  /** The sweeper function (entry `outbox`); it needs read/write access to the table. */
  readonly sweeper: lambda.Function;
  /** Where stranded events are queued. */
  readonly queue: EventQueue;
  /** The function that stores events and queues them first; the grace must outlast its invocations. */
  readonly producer: lambda.Function & { readonly timeout: Duration };
  /** @default Duration.minutes(1) */
  readonly schedule?: Duration;
}

/**
 * The drain of the legacy event outbox: earlier versions of ingest stored each event in the
 * table's sparse outbox index first and took it out once SQS accepted it; ingest now queues each
 * event before it stores it and writes nothing to the index. This schedule runs the sweeper,
 * which queues whatever an earlier version left there after the grace (twice the producer's
 * timeout, so an invocation under way is never swept), until nothing is left.
 */
export class EventOutbox extends Construct {
  readonly rule: events.Rule;
  readonly graceSeconds: number;

  constructor(scope: Construct, id: string, props: EventOutboxProps) {
    super(scope, id);
    this.graceSeconds = props.producer.timeout.toSeconds() * 2;
    props.sweeper.addEnvironment(ENV.outboxGraceSeconds, String(this.graceSeconds));
    props.queue.bindProducer(props.sweeper);
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'postpurchase: queues stored webhook events whose enqueue never happened',
      schedule: events.Schedule.rate(props.schedule ?? Duration.minutes(1)),
      // The next run retries anyway: no retries or dead letters for a missed run.
      targets: [new targets.LambdaFunction(props.sweeper, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });
  }
}
