/**
 * Per-store, per-day counters for the console's overview: one item per store and UTC day
 * (`STATS#<store>` / `DAY#<yyyy-mm-dd>`), each counter an attribute added to atomically (ADD),
 * so concurrent writers never lose an increment. Reading a month is one Query of at most 31
 * items, whatever the store's volume (ConsoleStore.dayCounters reads them; this class only
 * writes, so the functions that count do not carry the console's reads).
 *
 * Each increment follows the write that makes its fact true (a conditional one: an order's
 * milestones are the walk's position write, functions/services/step.ts), without a transaction (dynalite, the local stand-in, has none): a crash between the two can leave a
 * count short by one, never double.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Counters } from '../domain/console/tallies.js';
import { keys } from './keys.js';

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
}
