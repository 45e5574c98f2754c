/**
 * Per-store, per-day counters for the console's overview: one item per store and UTC day
 * (`STATS#<store>` / `DAY#<yyyy-mm-dd>`), each counter an attribute added to atomically (ADD),
 * so concurrent writers never lose an increment. Reading a month is one Query of at most 31
 * items, whatever the store's volume (ConsoleStore.dayCounters reads them; this class only
 * writes, so the functions that count do not carry the console's reads).
 *
 * Each increment follows the write that makes its fact true (a conditional one), without a
 * transaction (dynalite, the local stand-in, has none): a crash between the two can leave a
 * count short by one, never double.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Counters, Tally } from '../domain/console/tallies.js';
import { keys } from './keys.js';

const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException || (e as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

export class StoreStats {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: { retentionDays: number },
  ) {}

  /** Adds to a day's counters (creating the item); counters of 0 are left out. */
  async add(store: string, day: string, counters: Counters): Promise<void> {
    const entries = Object.entries(counters).filter(([, n]) => n !== 0);
    if (entries.length === 0) return;
    const names: Record<string, string> = { '#store': 'store', '#day': 'day', '#exp': 'expiresAt' };
    const values: Record<string, unknown> = { ':store': store, ':day': day, ':exp': Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + this.options.retentionDays * 86_400 };
    const adds = entries.map(([name, n], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = n;
      return `#c${i} :c${i}`;
    });
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.stats(store), sk: keys.statsDay(day) },
        UpdateExpression: `ADD ${adds.join(', ')} SET #store = :store, #day = :day, #exp = :exp`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** Applies an order's tally once: a marker in the order's partition, put only if absent, then the counters. */
  async applyOnce(store: string, orderId: string, tally: Tally): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: keys.order(store, orderId), sk: keys.tally(tally.key), itemType: 'tally', day: tally.day, expiresAt: Math.floor(Date.now() / 1000) + this.options.retentionDays * 86_400 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
    await this.add(store, tally.day, tally.counters);
    return true;
  }

}
