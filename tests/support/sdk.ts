/** Helpers for unit tests that mock the AWS SDK (aws-sdk-client-mock): item shapes as DynamoDB returns them. */
import type { DomainEvent } from '../../functions/domain/events.js';
import { marshall } from '@aws-sdk/util-dynamodb';
import { keys } from '../../functions/adapters/keys.js';

export function eventItem(e: DomainEvent, orderId = '1001') {
  return { pk: keys.order(e.store, orderId), sk: keys.eventSk(e.occurredAt, e.eventId), itemType: 'event', event: e };
}

export function conditionalFailure(item?: Record<string, unknown>) {
  const err = new Error('The conditional request failed') as Error & { Item?: Record<string, unknown>; $metadata: object };
  err.name = 'ConditionalCheckFailedException';
  err.$metadata = {};
  // As DynamoDB returns it (ALL_OLD) and the document client leaves it: in wire format (aws/aws-sdk-js-v3#6723).
  if (item) err.Item = marshall(item, { removeUndefinedValues: true });
  return err;
}
