/**
 * Moves the dead letters of the events queue back to the queue they came from, with SQS's own
 * redrive (StartMessageMoveTask), after the cause of their failure is fixed.
 *
 *   npm run replay-dead-letters -- --stack-name Postpurchase [--max-per-second 10] [--wait]
 *   npm run replay-dead-letters -- --dlq-arn arn:aws:sqs:eu-west-1:123456789012:Postpurchase-EventsDeadLetterQueue… [--dry-run]
 *
 * Without --dlq-arn the dead-letter queue is found by stack name: CloudFormation names it
 * "<stack>-EventsDeadLetterQueue…" (the DeadLetterQueueArn stack output holds the same ARN).
 * Credentials and region come from the usual AWS SDK sources (AWS_PROFILE, AWS_REGION…).
 * Replaying is safe: the router is idempotent (executions are named per order; waking an order
 * re-reads its stored events).
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import * as z from 'zod';

/** Prefix of the construct path the stack gives the queue (lib/event-queue.ts: Events/DeadLetterQueue). */
const DLQ_LOGICAL_PREFIX = 'EventsDeadLetterQueue';

export const replayOptionsSchema = z.strictObject({
    dlqArn: z.string().regex(/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:.+$/, 'must be an SQS queue ARN').optional(),
    stackName: z.string().min(1).default('Postpurchase'),
    /** SQS allows 1 to 500; unset lets SQS choose (it ramps up on its own). */
    maxPerSecond: z.coerce.number().int().min(1).max(500).optional(),
    region: z.string().optional(),
    wait: z.boolean().default(false),
    dryRun: z.boolean().default(false),
});
export type ReplayOptions = z.infer<typeof replayOptionsSchema>;

export function parseReplayArgs(argv: string[]): ReplayOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      'dlq-arn': { type: 'string' },
      'stack-name': { type: 'string' },
      'max-per-second': { type: 'string' },
      region: { type: 'string' },
      wait: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log('Usage: replay-dead-letters [--stack-name <name> | --dlq-arn <arn>] [--max-per-second <1-500>] [--region <r>] [--wait] [--dry-run]');
    process.exit(0);
  }
  const parsed = replayOptionsSchema.safeParse({
    dlqArn: values['dlq-arn'],
    stackName: values['stack-name'],
    maxPerSecond: values['max-per-second'],
    region: values.region,
    wait: values.wait,
    dryRun: values['dry-run'],
  });
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `--${String(i.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`).join('\n'));
  }
  return parsed.data;
}

export interface ReplayResult {
  readonly dlqArn: string;
  readonly sourceQueueUrls: string[];
  readonly messages: number;
  readonly taskHandle?: string;
  readonly status?: string;
}

/** Finds the dead-letter queue of a stack's events queue by the name CloudFormation gave it. */
export async function findDeadLetterQueueArn(sqs: SQSClient, stackName: string): Promise<string> {
  const prefix = `${stackName}-${DLQ_LOGICAL_PREFIX}`;
  const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
  if (QueueUrls.length !== 1) {
    throw new Error(
      `Expected one queue named ${prefix}…, found ${QueueUrls.length}${QueueUrls.length ? `: ${QueueUrls.join(', ')}` : ''}. ` +
        'Pass --dlq-arn with the DeadLetterQueueArn output of the stack.',
    );
  }
  return queueArnOf(sqs, QueueUrls[0]!);
}

async function queueArnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  if (!Attributes?.QueueArn) throw new Error(`No QueueArn for ${queueUrl}`);
  return Attributes.QueueArn;
}

/** `arn:aws:sqs:<region>:<account>:<name>` → `https://sqs.<region>.amazonaws.com/<account>/<name>` */
export function queueUrlFromArn(arn: string): string {
  const [, partition, , region, account, name] = arn.split(':');
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

export async function replayDeadLetters(options: ReplayOptions, sqs: SQSClient, log: (line: string) => void = console.log): Promise<ReplayResult> {
  const dlqArn = options.dlqArn ?? (await findDeadLetterQueueArn(sqs, options.stackName));
  const dlqUrl = queueUrlFromArn(dlqArn);

  const { queueUrls: sourceQueueUrls = [] } = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }));
  if (sourceQueueUrls.length === 0) {
    throw new Error(`${dlqArn} is not the dead-letter queue of any queue: nothing to move the messages back to.`);
  }
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  const messages = Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  log(`Dead-letter queue ${dlqArn}: about ${messages} message(s); they go back to ${sourceQueueUrls.join(', ')}.`);

  const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }));
  const running = Results.find((t) => t.Status === 'RUNNING');
  if (running) {
    log(`A move task is already running (${running.ApproximateNumberOfMessagesMoved ?? 0} moved so far); not starting another.`);
    return { dlqArn, sourceQueueUrls, messages, taskHandle: running.TaskHandle, status: 'RUNNING' };
  }
  if (messages === 0 || options.dryRun) {
    log(messages === 0 ? 'Nothing to replay.' : 'Dry run: no messages moved.');
    return { dlqArn, sourceQueueUrls, messages };
  }

  // Without DestinationArn, SQS returns each message to the queue it was dead-lettered from.
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: options.maxPerSecond }),
  );
  log(`Started move task ${TaskHandle}.`);
  if (!options.wait) return { dlqArn, sourceQueueUrls, messages, taskHandle: TaskHandle, status: 'RUNNING' };

  for (;;) {
    await new Promise((r) => setTimeout(r, 5_000));
    const { Results: tasks = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }));
    const task = tasks[0];
    log(`  ${task?.Status ?? 'UNKNOWN'}: ${task?.ApproximateNumberOfMessagesMoved ?? 0} of ${task?.ApproximateNumberOfMessagesToMove ?? messages} moved`);
    if (task && task.Status !== 'RUNNING') {
      if (task.Status === 'FAILED') throw new Error(`Move task failed: ${task.FailureReason ?? 'no reason given'}`);
      return { dlqArn, sourceQueueUrls, messages, taskHandle: TaskHandle, status: task.Status };
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const options = parseReplayArgs(process.argv.slice(2));
    await replayDeadLetters(options, new SQSClient(options.region ? { region: options.region } : {}));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
