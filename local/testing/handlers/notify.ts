import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, pk, ses, table, type OrderRef } from './clients.js';

/** Test notify: claims (order, kind) in the ledger with a conditional write, then sends once. */
export const handler = async (event: { kind: string; order: OrderRef; steps: number }) => {
  const key = { pk: pk(event.order), sk: `MAIL#${event.kind}` };
  const claimed = await ddb
    .send(new PutCommand({ TableName: table, Item: { ...key, status: 'claimed' }, ConditionExpression: 'attribute_not_exists(pk)' }))
    .then(() => true)
    .catch((e: Error) => {
      if (e.name === 'ConditionalCheckFailedException') return false;
      throw e;
    });
  if (claimed) {
    const { MessageId } = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'orders@acme.test',
        Destination: { ToAddresses: ['shopper@example.com'] },
        ConfigurationSetName: process.env.SES_CONFIGURATION_SET,
        EmailTags: [
          { Name: 'kind', Value: event.kind },
          { Name: 'store', Value: event.order.store },
          { Name: 'orderId', Value: event.order.orderId },
          { Name: 'claim', Value: `${event.kind}-1` },
        ],
        Content: {
          Simple: {
            Subject: { Data: `${event.kind} for order ${event.order.orderId}` },
            Body: { Html: { Data: `<p>${event.kind}</p><a href="${process.env.PUBLIC_BASE_URL}/t/${event.order.orderId}">Track</a>` }, Text: { Data: event.kind } },
          },
        },
      }),
    );
    await ddb.send(new UpdateCommand({ TableName: table, Key: key, UpdateExpression: 'SET #s = :s, messageId = :m', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': 'sent', ':m': MessageId } }));
  }
  return { order: event.order, steps: event.steps + 1, wait: { seconds: 3600 } };
};
