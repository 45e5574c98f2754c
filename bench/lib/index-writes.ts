/**
 * The write units DynamoDB bills to global secondary indexes, which dynalite does not report:
 * estimated from the writes the meter sees, with each index's projection, as DynamoDB's
 * developer guide describes GSI write costs ("Provisioned throughput considerations for global
 * secondary indexes"): a table write that adds an item to an index costs one index write of the
 * index entry's size; one that changes an index key costs two (the old entry deleted, the new one
 * put); one that removes an index key costs one (the delete); one that changes only projected
 * attributes costs one; one that changes nothing projected costs none.
 *
 * An index entry is the table keys, the index keys and the projected attributes. The meter
 * follows every entry from the start of the run (it sees every write), so it knows an entry's
 * size when it is deleted, and whether an item is in an index at all: an update that removes
 * an index key from an item no longer in the index costs nothing (the router's removal of an
 * event already taken out of the outbox).
 */
import { itemSize, type Json } from './item-size.js';

export interface MeteredIndex {
  name: string;
  /** Partition and sort key attribute names. */
  keys: readonly string[];
  /** 'ALL', 'KEYS_ONLY', or the non-key attributes of an INCLUDE projection. */
  projection: 'ALL' | 'KEYS_ONLY' | readonly string[];
}

const TABLE_KEYS = ['pk', 'sk'];

const units = (entry: Json) => Math.max(1, Math.ceil(itemSize(entry) / 1024));

interface ParsedUpdate {
  /** Attributes assigned a plain value (`a = :v`). */
  values: Json;
  /** Every attribute assigned (plain or computed). */
  set: Set<string>;
  removed: Set<string>;
}

/** The assignments of an update expression, with names resolved (ADD and DELETE count as set). */
export function parseUpdate(req: Json): ParsedUpdate {
  const names = (req.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (req.ExpressionAttributeValues ?? {}) as Json;
  const expression = String(req.UpdateExpression ?? '');
  const out: ParsedUpdate = { values: {}, set: new Set(), removed: new Set() };
  const clauses = expression.split(/\b(SET|REMOVE|ADD|DELETE)\b/);
  for (let i = 1; i < clauses.length; i += 2) {
    const verb = clauses[i];
    // Split on commas outside parentheses (if_not_exists(a, :b), list_append(…)).
    const parts: string[] = [];
    let depth = 0;
    let cur = '';
    for (const c of clauses[i + 1] ?? '') {
      if (c === '(') depth++;
      if (c === ')') depth--;
      if (c === ',' && depth === 0) {
        parts.push(cur);
        cur = '';
      } else cur += c;
    }
    parts.push(cur);
    for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
      const resolve = (n: string) => (n.startsWith('#') ? (names[n] ?? n) : n);
      if (verb === 'REMOVE') {
        out.removed.add(resolve(part));
        continue;
      }
      const [lhs, rhs] = verb === 'SET' ? part.split(/=(.*)/s).map((s) => s.trim()) : part.split(/\s+(.*)/s).map((s) => s.trim());
      const name = resolve(lhs ?? '');
      out.set.add(name);
      if (verb === 'SET' && rhs && /^:[A-Za-z0-9_]+$/.test(rhs) && rhs in values) out.values[name] = values[rhs];
    }
  }
  return out;
}

export class IndexWrites {
  /** The entry each item has in each index, by `index|pk|sk`. */
  private readonly entries = new Map<string, Json>();

  constructor(private readonly indexes: readonly MeteredIndex[]) {}

  private project(index: MeteredIndex, item: Json): Json {
    if (index.projection === 'ALL') return { ...item };
    const keep = new Set([...TABLE_KEYS, ...index.keys, ...(index.projection === 'KEYS_ONLY' ? [] : index.projection)]);
    return Object.fromEntries(Object.entries(item).filter(([k]) => keep.has(k)));
  }

  private id(index: MeteredIndex, key: Json): string {
    return `${index.name}|${JSON.stringify(key.pk)}|${JSON.stringify(key.sk)}`;
  }

  private sameKeys(index: MeteredIndex, a: Json, b: Json): boolean {
    return index.keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
  }

  /** Whether an update changed a projected attribute (a computed value is taken as changed). */
  private changed(old: Json, next: Json, u: ParsedUpdate, projected: (name: string) => boolean): boolean {
    for (const name of u.set) if (projected(name) && (!(name in u.values) || JSON.stringify(old[name]) !== JSON.stringify(next[name]))) return true;
    for (const name of u.removed) if (projected(name) && name in old) return true;
    return false;
  }

  /**
   * Index write units of one successful table write, by index name. `tableUnits`: what the table
   * write itself consumed (an ALL projection's entry is the whole item, which an update does not show).
   */
  write(action: string, req: Json, tableUnits: number): Record<string, number> {
    const out: Record<string, number> = {};
    const add = (index: MeteredIndex, n: number) => {
      if (n > 0) out[index.name] = (out[index.name] ?? 0) + n;
    };
    for (const index of this.indexes) {
      if (action === 'PutItem') {
        const item = (req.Item ?? {}) as Json;
        const id = this.id(index, item);
        const old = this.entries.get(id);
        if (index.keys.every((k) => k in item)) {
          const entry = this.project(index, item);
          add(index, units(entry) + (old && !this.sameKeys(index, old, entry) ? units(old) : 0));
          this.entries.set(id, entry);
        } else if (old) {
          add(index, units(old));
          this.entries.delete(id);
        }
      } else if (action === 'DeleteItem') {
        const id = this.id(index, (req.Key ?? {}) as Json);
        const old = this.entries.get(id);
        if (old) add(index, units(old));
        this.entries.delete(id);
      } else if (action === 'UpdateItem') {
        const key = (req.Key ?? {}) as Json;
        const id = this.id(index, key);
        const old = this.entries.get(id);
        const u = parseUpdate(req);
        const projected = (name: string) => index.projection === 'ALL' || index.keys.includes(name) || (index.projection !== 'KEYS_ONLY' && index.projection.includes(name));
        const next: Json = { ...(old ?? key) };
        for (const [name, value] of Object.entries(u.values)) if (projected(name)) next[name] = value;
        for (const name of u.removed) delete next[name];
        const inIndex = index.keys.every((k) => k in next);
        if (!inIndex) {
          if (old) {
            add(index, units(old));
            this.entries.delete(id);
          }
          continue;
        }
        const size = index.projection === 'ALL' ? Math.max(tableUnits, units(next)) : units(next);
        if (!old) add(index, size);
        else if (!this.sameKeys(index, old, next)) add(index, units(old) + size);
        else if (this.changed(old, next, u, projected)) add(index, size);
        this.entries.set(id, next);
      }
    }
    return out;
  }
}
