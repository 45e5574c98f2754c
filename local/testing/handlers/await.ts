import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { ddb, pk, sfn, table, type OrderRef } from './clients.js';

/** Test await: registers the task token, and settles it at once if the event already happened. */
export const handler = async (event: { phase: string; taskToken: string; order: OrderRef; steps: number }): Promise<void> => {
  await ddb.send(new PutCommand({ TableName: table, Item: { pk: pk(event.order), sk: 'AWAIT', token: event.taskToken, phase: event.phase } }));
  const happened = (await ddb.send(new GetCommand({ TableName: table, Key: { pk: pk(event.order), sk: `EVENT#${event.phase}` } }))).Item;
  if (happened) {
    await sfn
      .send(new SendTaskSuccessCommand({ taskToken: event.taskToken, output: JSON.stringify({ Payload: { order: event.order, steps: event.steps, wait: { seconds: 3600 } } }) }))
      .catch(() => undefined);
  }
};
