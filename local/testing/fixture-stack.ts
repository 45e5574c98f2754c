/**
 * A small stand-in for the product stack, for the local runtime's own tests: the real
 * OrderWorkflow construct with plain functions tagged like the product's, plus a table, a queue
 * with a dead-letter queue, an HTTP API and an SES configuration set. It lets the runtime be
 * tested against a synthesized template without depending on the product's handlers.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { OrderWorkflow } from './fixture-workflow.js';
import { ENTRY_METADATA_KEY, type CfnTemplate } from '../template.js';

export interface FixtureOptions {
  /** Extra environment for every function. */
  environment?: Record<string, string>;
}

/** Synthesizes the fixture stack and returns its template. */
export function synthFixtureTemplate(options: FixtureOptions = {}): CfnTemplate {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Fixture');

  const table = new dynamodb.Table(stack, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: 'expiresAt',
  });
  table.addGlobalSecondaryIndex({
    indexName: 'gsi1',
    partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
  });
  const dlq = new sqs.Queue(stack, 'EventsDlq');
  const queue = new sqs.Queue(stack, 'Events', {
    visibilityTimeout: Duration.seconds(30),
    deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
  });
  const configSet = new ses.ConfigurationSet(stack, 'Mail');

  const fn = (id: string, entry: string) => {
    const f = new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      timeout: Duration.seconds(10),
      environment: { TABLE_NAME: table.tableName, ...options.environment },
    });
    (f.node.defaultChild as lambda.CfnFunction).addMetadata(ENTRY_METADATA_KEY, entry);
    return f;
  };
  const ingest = fn('Ingest', 'ingest');
  const router = fn('Router', 'router');
  const notify = fn('Notify', 'notify');
  const awaitFn = fn('Await', 'await');
  const sesEvents = fn('SesEvents', 'ses-events');
  const pages = fn('Pages', 'pages');

  ingest.addEnvironment('QUEUE_URL', queue.queueUrl);
  notify.addEnvironment('SES_CONFIGURATION_SET', configSet.configurationSetName);
  router.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true }));

  const workflow = new OrderWorkflow(stack, 'Workflow', { notifyFunction: notify, awaitFunction: awaitFn });
  router.addEnvironment('STATE_MACHINE_ARN', workflow.stateMachine.stateMachineArn);

  const api = new apigw.HttpApi(stack, 'Api');
  api.addRoutes({ path: '/webhooks/shopify', methods: [apigw.HttpMethod.POST], integration: new HttpLambdaIntegration('IngestShopify', ingest) });
  api.addRoutes({ path: '/webhooks/{store}', methods: [apigw.HttpMethod.POST], integration: new HttpLambdaIntegration('IngestGeneric', ingest) });
  api.addRoutes({ path: '/t/{proxy+}', methods: [apigw.HttpMethod.GET], integration: new HttpLambdaIntegration('PagesT', pages) });
  api.addRoutes({ path: '/feedback/{token}', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST], integration: new HttpLambdaIntegration('PagesF', pages) });
  void sesEvents;

  return app.synth().getStackByName(stack.stackName).template as CfnTemplate;
}
