import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface ParticipationRedriveProps {
  /**
   * The function that sends participation emails (entry `reviews`): it already renders them,
   * may send through SES and reads the table, and answers a Scheduled Event with a re-drive.
   */
  readonly sender: lambda.Function;
  /** @default Duration.minutes(1) */
  readonly schedule?: Duration;
}

/**
 * Participation emails (review rewards, replies, referral rewards, alerts) follow a shopper's or
 * merchant's request, not the workflow, so nothing retries one whose sender died between its
 * ledger claim and SES. Each claim sits in the table's outbox index until it is settled; this
 * schedule has the sender re-drive those unsettled past the settle window
 * (functions/services/redrive-participation.ts).
 */
export class ParticipationRedrive extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: ParticipationRedriveProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'postpurchase: sends participation emails a crash left claimed and unsent',
      schedule: events.Schedule.rate(props.schedule ?? Duration.minutes(1)),
      // The next run retries anyway: no retries or dead letters for a missed run.
      targets: [new targets.LambdaFunction(props.sender, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });
  }
}
