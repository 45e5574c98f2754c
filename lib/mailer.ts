import { Stack, ArnFormat, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { Construct } from 'constructs';
import { ENV } from '../functions/adapters/env.js';
import { DEFAULT_CLAIM_SETTLE_SECONDS } from '../functions/services/notify.js';

/** The SES events the ses-events function settles the email ledger and suppressions from. */
export const MAIL_EVENT_TYPES: readonly ses.EmailSendingEvent[] = [
  ses.EmailSendingEvent.SEND,
  ses.EmailSendingEvent.DELIVERY,
  ses.EmailSendingEvent.BOUNCE,
  ses.EmailSendingEvent.COMPLAINT,
  ses.EmailSendingEvent.REJECT,
  ses.EmailSendingEvent.RENDERING_FAILURE,
  ses.EmailSendingEvent.DELIVERY_DELAY,
];

/** The `eventType` of SES's Delivery event, as published (the configuration set's `delivery`). */
export const DELIVERY_EVENT = 'Delivery';

export interface MailerProps {
  /** The From address of every email. */
  readonly senderAddress: string;
  /**
   * The verified domain identity that authorises the address.
   * @default - the address itself is the (email) identity
   */
  readonly domain?: string;
  /**
   * Create the domain identity here (Easy DKIM) instead of using one already verified.
   * @default false
   */
  readonly createIdentity?: boolean;
  /** Key for the events topic; SES must be allowed to use it (granted here). */
  readonly encryptionKey: kms.IKey;
  /**
   * Deliver only over TLS. Receipts carry names, addresses and order contents.
   * @default true
   */
  readonly requireTls?: boolean;
}

/**
 * Everything about sending: the SES configuration set (reputation metrics on, account
 * suppression list for bounces and complaints), its event destination (an encrypted SNS topic),
 * the sender identity, and `bindSender` to let a function send as that identity through that
 * configuration set and nothing else.
 */
export class Mailer extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly eventsTopic: sns.Topic;
  readonly identity: ses.IEmailIdentity;
  /** Set when the stack creates the domain identity: the CNAME records to publish. */
  readonly dkimRecords?: ses.DkimRecord[];
  readonly senderAddress: string;

  constructor(scope: Construct, id: string, props: MailerProps) {
    super(scope, id);
    this.senderAddress = props.senderAddress;

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      tlsPolicy: (props.requireTls ?? true) ? ses.ConfigurationSetTlsPolicy.REQUIRE : ses.ConfigurationSetTlsPolicy.OPTIONAL,
    });

    this.eventsTopic = new sns.Topic(this, 'EventsTopic', {
      displayName: 'postpurchase SES sending events',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    // SES publishes as its service principal and needs both sns:Publish and the topic key.
    // The two grants are made separately so that only the topic policy carries the
    // confused-deputy condition: SES documents aws:SourceAccount for topic policies, not for the
    // KMS request SNS makes on its behalf, where an unmatched condition would silently drop
    // every event. Without the topic grant, SES in another account cannot publish here anyway.
    const sesPrincipal = new iam.ServicePrincipal('ses.amazonaws.com');
    this.eventsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [sesPrincipal],
        actions: ['sns:Publish'],
        resources: [this.eventsTopic.topicArn],
        conditions: { StringEquals: { 'AWS:SourceAccount': Stack.of(this).account } },
      }),
    );
    props.encryptionKey.grant(sesPrincipal, 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.configurationSet.addEventDestination('ToTopic', {
      destination: ses.EventDestination.snsTopic(this.eventsTopic),
      events: [...MAIL_EVENT_TYPES],
    });

    const identityName = props.domain ?? props.senderAddress;
    if (props.createIdentity) {
      if (!props.domain) throw new Error('Mailer: createIdentity needs a domain');
      const identity = new ses.EmailIdentity(this, 'Identity', {
        identity: ses.Identity.domain(props.domain),
        configurationSet: this.configurationSet,
      });
      this.identity = identity;
      this.dkimRecords = identity.dkimRecords;
    } else {
      this.identity = ses.EmailIdentity.fromEmailIdentityName(this, 'Identity', identityName);
    }
  }

  /** ARN of the configuration set (SES authorises SendEmail against it as well as the identity). */
  get configurationSetArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /**
   * Lets a function send email as the sender identity through this configuration set only, and
   * sets SENDER_ADDRESS and SES_CONFIGURATION_SET.
   */
  bindSender(fn: lambda.Function): iam.Grant {
    fn.addEnvironment(ENV.sender, this.senderAddress);
    fn.addEnvironment(ENV.configurationSet, this.configurationSet.configurationSetName);
    return iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resourceArns: [this.identity.emailIdentityArn, this.configurationSetArn],
    });
  }

  /**
   * Delivers every sending event to a function, durably: topic → queue → function (Delivery
   * events directly, below). A Send event
   * settles the ledger claim of an email whose SendEmail answer was lost; if it were given up on
   * before the settle window (CLAIM_SETTLE_SECONDS) has passed, notify's retry would take the
   * claim over and send the email again. A Lambda subscription allows two retries within about
   * 3 minutes; the queue redelivers a failed event every visibility timeout (six times the
   * function's timeout) for at least twice the settle window, then keeps it in the dead-letter
   * queue (alarmed, lib/monitoring.ts) for 14 days.
   */
  addEventHandler(fn: lambda.Function, { settleWindow = Duration.seconds(DEFAULT_CLAIM_SETTLE_SECONDS) }: { settleWindow?: Duration } = {}): void {
    const visibility = (fn.timeout ?? Duration.seconds(3)).toSeconds() * 6;
    this.eventsDeadLetterQueue = new sqs.Queue(this, 'EventsDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.eventsQueue = new sqs.Queue(this, 'EventsQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      visibilityTimeout: Duration.seconds(visibility),
      // Receives 2…n are retries, one visibility timeout apart.
      deadLetterQueue: { queue: this.eventsDeadLetterQueue, maxReceiveCount: Math.ceil((2 * settleWindow.toSeconds()) / visibility) + 1 },
    });
    // The message is the SES event itself, not wrapped in an SNS envelope. Every event but
    // Delivery: a Send event settles a claim, a bounce or complaint suppresses an address.
    const eventType = (filter: sns.SubscriptionFilter) => ({ eventType: sns.FilterOrPolicy.filter(filter) });
    this.eventsTopic.addSubscription(
      new subscriptions.SqsSubscription(this.eventsQueue, { rawMessageDelivery: true, filterPolicyWithMessageBody: eventType(sns.SubscriptionFilter.stringFilter({ denylist: [DELIVERY_EVENT] })) }),
    );
    fn.addEventSource(new SqsEventSource(this.eventsQueue, { batchSize: 10, reportBatchItemFailures: true }));
    // Delivery events straight to the function: a delivery note (the timeline's "delivered", the
    // day's count) needs no retry span past a few minutes, and SNS's deliveries to Lambda are not
    // billed where the queue's receive and delete are (2 SQS requests an email). Lambda's own
    // asynchronous retries (two), then the same dead-letter queue.
    this.eventsTopic.addSubscription(new subscriptions.LambdaSubscription(fn, { filterPolicyWithMessageBody: eventType(sns.SubscriptionFilter.stringFilter({ allowlist: [DELIVERY_EVENT] })), deadLetterQueue: this.eventsDeadLetterQueue }));
    fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new destinations.SqsDestination(this.eventsDeadLetterQueue) });
  }

  /** The queue between the events topic and its handler, once {@link addEventHandler} made it. */
  eventsQueue?: sqs.Queue;
  /** Events the handler failed on for the whole retry span. */
  eventsDeadLetterQueue?: sqs.Queue;
}
