import {
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseReplayArgs, queueUrlFromArn, replayDeadLetters } from '../../scripts/replay-dead-letters.js';

const DLQ_ARN = 'arn:aws:sqs:eu-west-1:111111111111:Postpurchase-EventsDeadLetterQueueC3DB07E1-AbC123';
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/111111111111/Postpurchase-EventsDeadLetterQueueC3DB07E1-AbC123';
const SOURCE_URL = 'https://sqs.eu-west-1.amazonaws.com/111111111111/Postpurchase-EventsQueue7396B467-XyZ789';

const sqsMock = mockClient(SQSClient);
const quiet = () => undefined;

beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(ListQueuesCommand, { QueueNamePrefix: 'Postpurchase-EventsDeadLetterQueue' }).resolves({ QueueUrls: [DLQ_URL] });
  sqsMock.on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL, AttributeNames: ['QueueArn'] }).resolves({ Attributes: { QueueArn: DLQ_ARN } });
  sqsMock
    .on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL, AttributeNames: ['ApproximateNumberOfMessages'] })
    .resolves({ Attributes: { ApproximateNumberOfMessages: '3' } });
  sqsMock.on(ListDeadLetterSourceQueuesCommand).resolves({ queueUrls: [SOURCE_URL] });
  sqsMock.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
  sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
});

describe('replay dead letters', () => {
  it('finds the dead-letter queue by stack name and moves its messages back to their source queue', async () => {
    const result = await replayDeadLetters(parseReplayArgs(['--stack-name', 'Postpurchase', '--max-per-second', '10']), new SQSClient({ region: 'eu-west-1' }), quiet);

    expect(result).toMatchObject({ dlqArn: DLQ_ARN, sourceQueueUrls: [SOURCE_URL], messages: 3, taskHandle: 'task-1' });
    const start = sqsMock.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input;
    expect(start).toEqual({ SourceArn: DLQ_ARN, MaxNumberOfMessagesPerSecond: 10 });
  });

  it('uses the given ARN without looking the queue up', async () => {
    await replayDeadLetters(parseReplayArgs(['--dlq-arn', DLQ_ARN]), new SQSClient({ region: 'eu-west-1' }), quiet);
    expect(sqsMock.commandCalls(ListQueuesCommand)).toHaveLength(0);
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input.SourceArn).toBe(DLQ_ARN);
  });

  it('does not start a second task while one is running', async () => {
    sqsMock.on(ListMessageMoveTasksCommand).resolves({ Results: [{ Status: 'RUNNING', TaskHandle: 'task-0' }] });
    const result = await replayDeadLetters(parseReplayArgs(['--dlq-arn', DLQ_ARN]), new SQSClient({ region: 'eu-west-1' }), quiet);
    expect(result.taskHandle).toBe('task-0');
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  it('moves nothing on a dry run', async () => {
    await replayDeadLetters(parseReplayArgs(['--dlq-arn', DLQ_ARN, '--dry-run']), new SQSClient({ region: 'eu-west-1' }), quiet);
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  it('rejects a rate SQS would refuse, naming the flag', () => {
    expect(() => parseReplayArgs(['--max-per-second', '501'])).toThrow(/--max-per-second:/);
  });

  it('derives the queue URL from its ARN', () => {
    expect(queueUrlFromArn(DLQ_ARN)).toBe(DLQ_URL);
  });
});
