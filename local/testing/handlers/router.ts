import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ddb, pk, sfn, table } from './clients.js';

interface Message {
  type: string;
  store: string;
  orderId: string;
}

/** Test router: starts an order's execution, or records an event and completes the waiting task. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const m = JSON.parse(record.body) as Message;
    if (m.type === 'poison') {
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    const order = { store: m.store, orderId: m.orderId };
    if (m.type === 'order_created') {
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: process.env.STATE_MACHINE_ARN,
          name: `${m.store}-${m.orderId}`,
          input: JSON.stringify({ Payload: { order, steps: 0, wait: { seconds: 3600 } } }),
        }),
      );
      continue;
    }
    await ddb.send(new PutCommand({ TableName: table, Item: { pk: pk(order), sk: `EVENT#${m.type}` } }));
    const waiting = (await ddb.send(new GetCommand({ TableName: table, Key: { pk: pk(order), sk: 'AWAIT' } }))).Item;
    if (waiting?.phase === m.type) {
      await sfn
        .send(new SendTaskSuccessCommand({ taskToken: waiting.token, output: JSON.stringify({ Payload: { order, steps: 9, wait: { seconds: 3600 } } }) }))
        .catch((e: Error) => {
          if (e.name !== 'TaskTimedOut' && e.name !== 'TaskDoesNotExist') throw e;
        });
    }
  }
  return { batchItemFailures };
};
