import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ENV } from '../functions/adapters/env.js';
import { resolveWebhookSecrets, storesEnvJson, type StackConfig } from './config.js';
import { ConsoleRoutes } from './console-api.js';
import { ConsoleUserPool } from './console-auth.js';
import { EventOutbox } from './event-outbox.js';
import { ParticipationRedrive } from './participation-redrive.js';
import { EventQueue } from './event-queue.js';
import { CONSOLE_ASSET_FILES, HandlerFunction, type EntryName } from './handler-function.js';
import { Mailer } from './mailer.js';
import { Monitoring } from './monitoring.js';
import { acknowledge, wildcardResourceFinding } from './nag.js';
import { OrderTable } from './order-table.js';
import { OrderStepWorkflow } from './order-workflow.js';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { PhotoBucket } from './photo-bucket.js';
import { GeneratedSecret, WebhookSecrets } from './secrets.js';
import { WebhookApi } from './webhook-api.js';

export interface PostpurchaseStackProps extends StackProps {
  /** The validated configuration (see lib/config.ts). */
  readonly config: StackConfig;
}

/** Composes the constructs; each construct's bind/grant methods wire IAM and environment together. */
export class PostpurchaseStack extends Stack {
  readonly table: OrderTable;
  readonly events: EventQueue;
  readonly outbox: EventOutbox;
  readonly participationRedrive: ParticipationRedrive;
  readonly workflow: OrderStepWorkflow;
  /** Runs the timers poller every minute (functions/timers.ts). */
  readonly timersRule: events.Rule;
  readonly mailer: Mailer;
  readonly api: WebhookApi;
  readonly monitoring: Monitoring;
  readonly consoleUsers: ConsoleUserPool;
  readonly consoleRoutes: ConsoleRoutes;
  readonly photos: PhotoBucket;
  readonly functions: Readonly<Record<'ingest' | 'router' | 'notify' | 'timers' | 'referrals' | 'sesEvents' | 'pages' | 'reviews' | 'outbox' | 'console', HandlerFunction>>;
  /** The state machine's ARN as the functions receive it (built from its fixed name, see below). */
  readonly stateMachineArn: string;

  constructor(scope: Construct, id: string, props: PostpurchaseStackProps) {
    super(scope, id, { description: 'postpurchase: post-purchase notification workflows', ...props });
    const { config } = props;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    const fn = (name: EntryName, id: string, timeout: Duration, extra: { assetFiles?: readonly string[]; nodeModules?: string[] } = {}) =>
      new HandlerFunction(this, id, { entryName: name, timeout, logRetention, ...extra });
    const ingest = fn('ingest', 'IngestFunction', Duration.seconds(10));
    const router = fn('router', 'RouterFunction', Duration.seconds(30));
    const notify = fn('notify', 'NotifyFunction', Duration.seconds(30));
    const timers = fn('timers', 'TimersFunction', Duration.seconds(50));
    const referrals = fn('referrals', 'ReferralsFunction', Duration.seconds(15));
    const sesEvents = fn('ses-events', 'SesEventsFunction', Duration.seconds(30));
    const pages = fn('pages', 'PagesFunction', Duration.seconds(10));
    // Feedback, reviews and the merchant API; sharp decodes and re-encodes review photos (functions/adapters/photos.ts).
    const reviews = fn('reviews', 'ReviewsFunction', Duration.seconds(15), { nodeModules: ['sharp'] });
    const outbox = fn('outbox', 'OutboxFunction', Duration.seconds(60));
    const consoleFn = fn('console', 'ConsoleFunction', Duration.seconds(15), { assetFiles: CONSOLE_ASSET_FILES });
    this.functions = { ingest, router, notify, timers, referrals, sesEvents, pages, reviews, outbox, console: consoleFn };
    const all = Object.values(this.functions);

    this.table = new OrderTable(this, 'OrderTable');
    for (const f of all) this.table.bindTo(f, 'readWrite');

    this.events = new EventQueue(this, 'Events', { maxConsumerTimeout: router.timeout });
    this.events.bindProducer(ingest);
    this.events.addConsumer(router);
    this.outbox = new EventOutbox(this, 'Outbox', { sweeper: outbox, queue: this.events, producer: ingest });

    const webhookSecrets = new WebhookSecrets(this, 'WebhookSecrets', { secrets: resolveWebhookSecrets(config) });
    webhookSecrets.grantRead(ingest);
    const linkSecret = new GeneratedSecret(this, 'LinkSigningSecret', {
      secretName: `${config.stackName}/link-signing`,
      description: 'postpurchase: HMAC key of the signed links in emails (tracking, feedback, unsubscribe)',
      length: 64,
      rotationReason:
        'Links in emails already sent must keep verifying for their lifetime, so the key cannot be swapped by a rotation Lambda. ' +
        'Rotate by storing a JSON array (new key first, old key kept until its links expire), as docs/DEPLOY.md describes.',
    });
    linkSecret.bindReader(notify, ENV.linkSecretArn);
    linkSecret.bindReader(pages, ENV.linkSecretArn);
    // The console renders resent emails' links and keys its forms' CSRF tokens with it.
    linkSecret.bindReader(consoleFn, ENV.linkSecretArn);
    linkSecret.bindReader(reviews, ENV.linkSecretArn);
    // Referral codes are derived with the link key (functions/domain/reviews/referrals.ts).
    linkSecret.bindReader(referrals, ENV.linkSecretArn);
    const opsToken = new GeneratedSecret(this, 'OpsToken', {
      secretName: `${config.stackName}/ops-token`,
      description: "postpurchase: bearer token for a store's feedback view (GET /stores/{store}/feedback)",
      length: 40,
      rotationReason:
        'A bearer token handed to store staff; rotating it is a coordinated manual step (store a JSON array with the new and old tokens, hand out the new one, drop the old), described in docs/DEPLOY.md.',
    });
    opsToken.bindReader(pages, ENV.opsTokenArn);
    opsToken.bindReader(reviews, ENV.opsTokenArn);
    // The console moderates reviews through the merchant review API, which takes this token.
    opsToken.bindReader(consoleFn, ENV.opsTokenArn);

    // Every function writes items, and each item's TTL comes from the retention period.
    for (const f of all) f.addEnvironment(ENV.retentionDays, String(config.retentionDays));
    const storesJson = storesEnvJson(config);
    for (const f of [ingest, router, notify, timers, referrals, pages, reviews, consoleFn]) f.addEnvironment(ENV.stores, storesJson);
    for (const f of [notify, pages, reviews, consoleFn]) f.addEnvironment(ENV.languages, config.languages.join(','));
    this.events.bindDeadLetterOperator(consoleFn);

    const stateMachineName = `${config.stackName}-orders`;
    this.workflow = new OrderStepWorkflow(this, 'Workflow', { stepFunction: notify, referralFunction: referrals, logRetention, stateMachineName });
    // Whoever wakes an order starts a step. The machine gets a fixed name and the functions an
    // ARN built from it, as before: no reference from a function to the machine that invokes one.
    this.stateMachineArn = this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // The router after each event, the poller for each due timer, the pages and reviews after
    // feedback (the walk ends at once), the console after mail is stopped.
    for (const f of [router, timers, pages, reviews, consoleFn]) {
      f.addEnvironment(ENV.stateMachineArn, this.stateMachineArn);
      this.workflow.grantStart(f);
    }
    this.timersRule = new events.Rule(this, 'TimersSchedule', {
      description: 'postpurchase: wakes the orders whose timers are due (deadlines, claim settle ends, leases)',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // The next run finds what this one missed: no retries or dead letters for a missed run.
      targets: [new targets.LambdaFunction(timers, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });

    const topicKey = new kms.Key(this, 'TopicKey', {
      description: 'postpurchase: encrypts the SES events and alarm topics',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.mailer = new Mailer(this, 'Mailer', {
      senderAddress: config.sender.address,
      domain: config.sender.domain,
      createIdentity: config.sender.createIdentity,
      encryptionKey: topicKey,
    });
    this.mailer.bindSender(notify);
    // Explicit resends and replies to shoppers, recorded on the order.
    this.mailer.bindSender(consoleFn);
    // Review rewards, replies and alerts (reviews); referral rewards when a referred order is delivered (notify's step).
    this.mailer.bindSender(reviews);
    this.mailer.bindSender(referrals);
    // Participation emails a crash left claimed are re-sent by reviews (the step's referral rewards too).
    this.participationRedrive = new ParticipationRedrive(this, 'ParticipationRedrive', { sender: reviews });
    this.mailer.addEventHandler(sesEvents);

    this.api = new WebhookApi(this, 'Api', {
      ingestFunction: ingest,
      pagesFunction: pages,
      reviewsFunction: reviews,
      throttle: { rateLimit: config.api.rateLimit, burstLimit: config.api.burstLimit },
      accessLogRetention: logRetention,
      publicBaseUrl: config.publicBaseUrl,
    });
    for (const f of [notify, reviews, referrals, consoleFn]) f.addEnvironment(ENV.publicBaseUrl, this.api.baseUrl);

    this.consoleUsers = new ConsoleUserPool(this, 'ConsoleUsers', { storeIds: config.stores.map((s) => s.storeId) });
    this.consoleUsers.bindTo(consoleFn);
    this.consoleRoutes = new ConsoleRoutes(this, 'Console', { httpApi: this.api.httpApi, consoleFunction: consoleFn, users: this.consoleUsers });

    this.photos = new PhotoBucket(this, 'Photos', { retentionDays: config.retentionDays });
    this.photos.bindTo(reviews);

    this.monitoring = new Monitoring(this, 'Monitoring', {
      stateMachine: this.workflow.stateMachine,
      deadLetterQueue: this.events.deadLetterQueue,
      eventQueue: this.events.queue,
      sesEventsDeadLetterQueue: this.mailer.eventsDeadLetterQueue,
      functions: { Ingest: ingest, Router: router, Notify: notify, Timers: timers, Referrals: referrals, SesEvents: sesEvents, Pages: pages, Reviews: reviews, Outbox: outbox, Console: consoleFn },
      httpApi: this.api.httpApi,
      encryptionKey: topicKey,
      alarmEmail: config.alarmEmail,
      reputationHandler: sesEvents,
      dashboardName: `${config.stackName}-operations`,
      emailSender: notify,
    });

    const out = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    out('ShopifyWebhookUrl', this.api.shopifyWebhookUrl, 'Register in Shopify (Settings > Notifications > Webhooks, or the app) for orders and fulfillments');
    out('GenericWebhookUrl', this.api.genericWebhookUrl, 'Register with Standard Webhooks senders (other platforms)');
    out('PagesBaseUrl', this.api.baseUrl, 'Base URL of the tracking, feedback and unsubscribe pages');
    out('StateMachineArn', this.workflow.stateMachine.stateMachineArn, 'One short Express execution per wake of an order (an event, a due timer)');
    out('EventQueueUrl', this.events.queue.queueUrl, 'Accepted webhook events waiting for the router');
    out('EventQueueArn', this.events.queue.queueArn, 'Destination when replaying dead letters');
    out('DeadLetterQueueUrl', this.events.deadLetterQueue.queueUrl, 'Events that failed 5 times (see docs/OPERATIONS.md)');
    out('DeadLetterQueueArn', this.events.deadLetterQueue.queueArn, 'Source of npm run replay-dead-letters');
    out(
      'WebhookSecretNames',
      JSON.stringify(Object.fromEntries(resolveWebhookSecrets(config).map((s) => [s.storeId, s.secretName]))),
      "Store id -> Secrets Manager secret holding the platform's webhook signing key(s)",
    );
    out('LinkSigningSecretName', linkSecret.secretName, 'HMAC key of the signed links in emails');
    out('OpsTokenSecretName', opsToken.secretName, 'Bearer token of GET /stores/{store}/feedback');
    out('SesConfigurationSetName', this.mailer.configurationSet.configurationSetName, 'Every email is sent through it');
    out('AlarmTopicArn', this.monitoring.alarmTopic.topicArn, 'Subscribe more endpoints (chat, paging) here');
    out('DashboardName', this.monitoring.dashboard.dashboardName, 'CloudWatch dashboard');
    out('ConsoleUrl', `${this.api.baseUrl}/console`, 'The merchant console (sign in with a user of the console user pool)');
    out('ConsoleUserPoolId', this.consoleUsers.userPool.userPoolId, 'Create one user per merchant here and add it to store:<store id> (or ops): docs/DEPLOY.md');
    out('ConsoleClientId', this.consoleUsers.client.userPoolClientId, 'App client of the console sign-in (USER_PASSWORD_AUTH) and of the JWT authorizer');
    this.mailer.dkimRecords?.forEach((record, i) =>
      out(`DkimRecord${i + 1}`, `${record.name} CNAME ${record.value}`, 'Publish in DNS to verify the sender domain'),
    );

    this.acknowledgeWorkflowFindings();
  }

  /** OrderWorkflow's own grants, acknowledged here because its file belongs to the workflow. */
  private acknowledgeWorkflowFindings(): void {
    const sm = this.workflow.stateMachine;
    acknowledge(
      sm.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Resource "*" holds only the actions that have no resource-level permissions: X-Ray tracing (xray:Put*, xray:GetSampling*) and the CloudWatch Logs vended-delivery APIs (logs:*LogDelivery*, DescribeLogGroups, DescribeResourcePolicies, PutResourcePolicy) that Step Functions logging requires.',
    );
    for (const f of [this.functions.notify, this.functions.referrals]) {
      acknowledge(
        sm.role,
        wildcardResourceFinding(this, `${f.functionArn}:*`),
        `LambdaInvoke grants "<function arn>:*" so the workflow may invoke versions and aliases of the ${f.entryName} function; it is still that one function.`,
      );
    }
    acknowledge(
      sm,
      'AwsSolutions-SF1',
      'The workflow logs ERROR events (without execution data, which holds shopper details) and is traced with X-Ray; each execution\'s full history stays in Step Functions for 90 days. Logging ALL events would write every step of every order; the step function logs each transition of the walk itself, without personal data.',
    );
  }
}
