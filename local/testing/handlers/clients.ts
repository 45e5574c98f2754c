/**
 * SDK clients for the runtime's test handlers, created once at module scope with no endpoint
 * configuration: they reach the local stand-ins only through the AWS_ENDPOINT_URL_* variables
 * the runtime sets, which is what these tests check.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';

export const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const sfn = new SFNClient({});
export const sqs = new SQSClient({});
export const ses = new SESv2Client({});
export const table = process.env.TABLE_NAME!;

export interface OrderRef {
  store: string;
  orderId: string;
}
export const pk = (o: OrderRef) => `ORDER#${o.store}#${o.orderId}`;
