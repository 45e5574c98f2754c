/** Reads what the tracking page shows of taking part: the shopper's points and the merchant's responses to feedback. */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pointsCreditSchema, type PointsCredit } from '../domain/reviews/referrals.js';
import { keys } from './keys.js';

export interface FeedbackResponse {
  at: string;
  reply: string;
  outcome: string;
}

const pointsPk = (store: string, email: string) => `POINTS#${store}#${email.trim().toLowerCase()}`;

/** What the tracking page reads (the pages function needs only this): points and responses to feedback. */
export class ParticipationReader {
  constructor(
    protected readonly doc: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  async credits(store: string, email: string): Promise<PointsCredit[]> {
    const out: PointsCredit[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
          ExpressionAttributeValues: { ':pk': pointsPk(store, email), ':c': 'CREDIT#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const i of res.Items ?? []) {
        const parsed = pointsCreditSchema.safeParse(i);
        if (parsed.success) out.push(parsed.data);
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async feedbackResponses(store: string, orderId: string): Promise<FeedbackResponse[]> {
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :r)',
        ExpressionAttributeValues: { ':pk': keys.order(store, orderId), ':r': 'RESPONSE#' },
        ConsistentRead: true,
      }),
    );
    return (res.Items ?? []).map((i) => ({ at: String(i.at), reply: String(i.reply), outcome: String(i.outcome) }));
  }
}

