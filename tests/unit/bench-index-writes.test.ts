/**
 * The bench meter's estimate of global secondary index writes (bench/lib/index-writes.ts), which
 * dynalite does not report: by projection, as DynamoDB bills them (adding an entry one write,
 * moving it to a new key two, removing it one, an update of only unprojected attributes none).
 */
import { describe, expect, it } from 'vitest';
import { IndexWrites, parseUpdate, type MeteredIndex } from '../../bench/lib/index-writes.js';

const S = (s: string) => ({ S: s });
const timers: MeteredIndex = { name: 'timers', keys: ['timerPk', 'timerSk'], projection: ['store', 'orderId'] };
const outbox: MeteredIndex = { name: 'outbox', keys: ['outboxPk', 'outboxSk'], projection: ['event'] };
const lookup: MeteredIndex = { name: 'gsi1', keys: ['gsi1pk', 'gsi1sk'], projection: 'ALL' };
const key = { pk: S('ORDER#s#1'), sk: S('POSITION') };
const big = S('x'.repeat(3000));

const lease = (due: string) => ({
  Key: key,
  UpdateExpression: 'SET version = if_not_exists(version, :zero) + :one, timerPk = :shard, timerSk = :due, history = if_not_exists(history, :empty), #store = :store',
  ExpressionAttributeNames: { '#store': 'store' },
  ExpressionAttributeValues: { ':zero': { N: '0' }, ':one': { N: '1' }, ':shard': S('T#3'), ':due': S(due), ':empty': { L: [] }, ':store': S('s') },
});

describe('parseUpdate', () => {
  it('resolves names, keeps plain values, and sees computed and removed attributes', () => {
    const u = parseUpdate({
      UpdateExpression: 'SET #a = :a, b = list_append(if_not_exists(b, :none), :e), c = :c REMOVE d, #e ADD n :one',
      ExpressionAttributeNames: { '#a': 'alpha', '#e': 'echo' },
      ExpressionAttributeValues: { ':a': S('A'), ':c': S('C'), ':none': { L: [] }, ':e': { L: [] }, ':one': { N: '1' } },
    });
    expect(u.values).toEqual({ alpha: S('A'), c: S('C') });
    expect([...u.set].sort()).toEqual(['alpha', 'b', 'c', 'n']);
    expect([...u.removed].sort()).toEqual(['d', 'echo']);
  });
});

describe('IndexWrites', () => {
  it('bills an INCLUDE index by its small entry, not by the item: a big history costs the timer index 1 write, not 3', () => {
    const w = new IndexWrites([timers]);
    expect(w.write('UpdateItem', lease('2026-01-01T00:00:00Z#s#1'), 3)).toEqual({ timers: 1 });
  });

  it('moving an entry to a new key is a delete and a put; an update of unprojected attributes costs nothing', () => {
    const w = new IndexWrites([timers]);
    w.write('UpdateItem', lease('2026-01-01T00:00:00Z#s#1'), 1);
    expect(w.write('UpdateItem', lease('2026-01-02T00:00:00Z#s#1'), 1)).toEqual({ timers: 2 });
    const history = { Key: key, UpdateExpression: 'SET history = :h, version = :v', ExpressionAttributeValues: { ':h': big, ':v': { N: '3' } } };
    expect(w.write('UpdateItem', history, 3)).toEqual({});
    // The same due again (a save that keeps the deadline): no index write either.
    expect(w.write('UpdateItem', lease('2026-01-02T00:00:00Z#s#1'), 1)).toEqual({});
  });

  it('removing an index key deletes the entry once; removing it again, or from an item never indexed, costs nothing', () => {
    const w = new IndexWrites([timers, outbox]);
    w.write('UpdateItem', lease('2026-01-01T00:00:00Z#s#1'), 1);
    const rest = { Key: key, UpdateExpression: 'SET #state = :s REMOVE timerPk, timerSk', ExpressionAttributeNames: { '#state': 'state' }, ExpressionAttributeValues: { ':s': S('END') } };
    expect(w.write('UpdateItem', rest, 1)).toEqual({ timers: 1 });
    expect(w.write('UpdateItem', rest, 1)).toEqual({});
    const event = { pk: S('ORDER#s#1'), sk: S('EVENT#a') };
    expect(w.write('UpdateItem', { Key: event, UpdateExpression: 'SET routedAt = :n REMOVE outboxPk, outboxSk', ExpressionAttributeValues: { ':n': S('now') } }, 1)).toEqual({});
  });

  it('bills an outbox entry by the event it carries, at the put and at the removal', () => {
    const w = new IndexWrites([outbox]);
    const item = { pk: S('ORDER#s#1'), sk: S('EVENT#a'), outboxPk: S('PENDING'), outboxSk: { N: '1' }, event: big, other: big };
    expect(w.write('PutItem', { Item: item }, 7)).toEqual({ outbox: 3 });
    expect(w.write('UpdateItem', { Key: { pk: item.pk, sk: item.sk }, UpdateExpression: 'REMOVE outboxPk, outboxSk' }, 7)).toEqual({ outbox: 3 });
  });

  it('bills an ALL index by the whole item, and by what the table write consumed on an update', () => {
    const w = new IndexWrites([lookup]);
    const item = { pk: S('ORDER#s#1'), sk: S('META'), gsi1pk: S('LOOKUP#s#1'), gsi1sk: S('META'), note: big };
    expect(w.write('PutItem', { Item: item }, 3)).toEqual({ gsi1: 3 });
    expect(w.write('UpdateItem', { Key: { pk: item.pk, sk: item.sk }, UpdateExpression: 'SET note = :n', ExpressionAttributeValues: { ':n': S('short') } }, 3)).toEqual({ gsi1: 3 });
    expect(w.write('DeleteItem', { Key: { pk: item.pk, sk: item.sk } }, 3)).toEqual({ gsi1: 1 });
  });

  it('a put without the index keys over an indexed item removes its entry', () => {
    const w = new IndexWrites([outbox]);
    const keyOnly = { pk: S('ORDER#s#1'), sk: S('EVENT#a') };
    w.write('PutItem', { Item: { ...keyOnly, outboxPk: S('PENDING'), outboxSk: { N: '1' } } }, 1);
    expect(w.write('PutItem', { Item: keyOnly }, 1)).toEqual({ outbox: 1 });
  });
});
