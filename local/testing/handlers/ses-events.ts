import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { ddb, table } from './clients.js';

/** Test ses-events: appends each SES event type to the message's item. */
export const handler = async (event: SQSEvent): Promise<void> => {
  for (const r of event.Records) {
    const e = JSON.parse(r.body) as { eventType: string; mail: { messageId: string } };
    await ddb.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: `MESSAGE#${e.mail.messageId}`, sk: 'MESSAGE' },
        UpdateExpression: 'SET events = list_append(if_not_exists(events, :empty), :e)',
        ExpressionAttributeValues: { ':empty': [], ':e': [e.eventType] },
      }),
    );
  }
};
