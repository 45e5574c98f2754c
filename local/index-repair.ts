/**
 * Repairs what a SIGKILL can leave in dynalite's event-outbox index. dynalite writes an item's
 * index entries first and the item after, as two separate LevelDB writes (actions/putItem.js,
 * db.updateIndexes then itemDb.put). A kill between them leaves an index entry for a put that
 * never completed and was never answered: DynamoDB cannot hold such an entry, since a write it
 * did not acknowledge either happened whole or not at all. In the sparse outbox index such a
 * ghost would be swept for ever (functions/services/sweep-outbox.ts: its removal finds no item),
 * and a later retry of the same webhook stores the event under a fresh outbox key, leaving the
 * ghost behind.
 *
 * So on start, before anything reads the index, every entry whose item is missing, or carries
 * other index keys, is removed through the API (dynalite has no other way in): the entry's own
 * keys are written to the item and taken off again, which makes dynalite delete the entry.
 */
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';

export interface IndexRepairInput {
  client: DynamoDBClient;
  tableName: string;
  /** The table's key attributes (partition, sort). */
  tableKeys: readonly string[];
  indexName: string;
  /** The index's partition and sort key attributes. */
  indexKeys: readonly [string, string];
  /** The index partition to check (the outbox index has two: PENDING events, MAIL claims). */
  partition: AttributeValue;
}

/** Removes the index entries of `partition` that no item backs. Resolves with how many it removed. */
export async function removeOrphanIndexEntries(input: IndexRepairInput): Promise<number> {
  const { client, tableName, tableKeys, indexName } = input;
  const [ipk, isk] = input.indexKeys;
  let removed = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: indexName,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': ipk },
        ExpressionAttributeValues: { ':p': input.partition },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const entry of page.Items ?? []) {
      const key = Object.fromEntries(tableKeys.map((k) => [k, entry[k]!]));
      const item = (await client.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
      const backed = item && JSON.stringify(item[ipk]) === JSON.stringify(entry[ipk]) && JSON.stringify(item[isk]) === JSON.stringify(entry[isk]);
      if (backed) continue;
      if (!item) {
        // Write the entry's item as the index saw it, then delete it: dynalite drops the entry.
        await client.send(new PutItemCommand({ TableName: tableName, Item: entry }));
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: key }));
      } else {
        // The item exists under other index keys (a retry stored it afresh): point it at the
        // ghost's keys, then restore its own, which deletes the ghost's entry.
        const names = { '#p': ipk, '#s': isk };
        await client.send(new UpdateItemCommand({ TableName: tableName, Key: key, UpdateExpression: 'SET #p = :p, #s = :s', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':p': entry[ipk]!, ':s': entry[isk]! } }));
        await client.send(
          item[ipk] && item[isk]
            ? new UpdateItemCommand({ TableName: tableName, Key: key, UpdateExpression: 'SET #p = :p, #s = :s', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':p': item[ipk], ':s': item[isk] } })
            : new UpdateItemCommand({ TableName: tableName, Key: key, UpdateExpression: 'REMOVE #p, #s', ExpressionAttributeNames: names }),
        );
      }
      removed++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return removed;
}
