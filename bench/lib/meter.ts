/**
 * Metering for the cost model: small HTTP proxies in front of the local DynamoDB (dynalite) and
 * SQS stand-ins that count what the handlers ask of them. They are put in place by pointing
 * `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_SQS` at the proxy after the runtime started and
 * before any handler module is imported (the runtime imports them on first use), so the
 * handlers' SDK clients talk to the proxies without knowing.
 *
 * DynamoDB request units: the proxy adds `ReturnConsumedCapacity: "INDEXES"` to every request
 * and sums what dynalite reports (item sizes rounded up per 1 KB for writes, per 4 KB for reads,
 * halved for eventually consistent reads, the larger of old and new item for writes). Dynalite
 * does not report two things DynamoDB bills, which are estimated from item sizes here:
 * - a write whose condition fails: DynamoDB still consumes write units for the size of the
 *   existing item, at least 1 (dynalite answers an error without capacity; 1 is counted, as
 *   the items involved are all under 1 KB);
 * - writes to the global secondary indexes, by each index's projection (lib/index-writes.ts).
 */
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IndexWrites, type MeteredIndex } from './index-writes.js';
import { itemSize, type Json } from './item-size.js';

export interface DynamoUsage {
  rru: number;
  wru: number;
  /** Of which estimated (condition failures, index writes), not reported by dynalite. */
  estimatedWru: number;
  requests: Record<string, number>;
  conditionFailures: number;
  /** Of the estimated, the writes to each index, by the index's partition key attribute. */
  indexWru: Record<string, number>;
  /**
   * Queries of the indexes only scheduled functions read (the timers poller's shards, the outbox
   * sweeper's and the participation re-drive's partitions of the outbox index): on AWS they run
   * 1,440 times a day whatever the orders (the cost model bills them in its fixed line). Locally
   * the schedules run every few hundred real ms, so counting them per order would bill a
   * scaled-clock artifact: they are kept apart here.
   */
  scheduledRru?: number;
  /** Write units by item kind (`<action> <pk prefix>/<sk prefix>`, `!` for a failed condition), index writes included. */
  wruByItem?: Record<string, number>;
}

export interface SqsUsage {
  requests: Record<string, number>;
}


interface Exchange {
  action: string;
  request: Json;
  status: number;
  response: Json;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** A JSON-protocol proxy to `target` that lets `rewrite` change requests and `observe` see each exchange. */
async function jsonProxy(target: string, rewrite: (action: string, body: Json) => Json, observe: (e: Exchange) => void): Promise<{ url: string; server: Server }> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    void (async () => {
      const raw = (await readAll(req)).toString('utf8');
      const action = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      let body: Json = {};
      try {
        body = raw ? (JSON.parse(raw) as Json) : {};
      } catch {
        /* forwarded as is */
      }
      const out = raw ? JSON.stringify(rewrite(action, body)) : '';
      const headers = { ...req.headers, host: to.host, 'content-length': String(Buffer.byteLength(out)) };
      const upstream = request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers, agent }, (up) => {
        void readAll(up).then((buf) => {
          let response: Json = {};
          try {
            response = JSON.parse(buf.toString('utf8') || '{}') as Json;
          } catch {
            /* not JSON */
          }
          observe({ action, request: body, status: up.statusCode ?? 0, response });
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(buf);
        });
      });
      upstream.on('error', (e) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ __type: 'ProxyError', message: e.message }));
      });
      upstream.end(out);
    })().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** An item's kind for the breakdown: the key prefixes before their first '#' (ORDER/MAIL, ORDER/POSITION …). */
function itemKind(key: Json | undefined): string {
  const part = (v: unknown) => String((v as { S?: string } | undefined)?.S ?? '?').split('#')[0];
  return key ? `${part(key.pk)}/${part(key.sk)}` : 'batch';
}

const CAPACITY_ACTIONS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems']);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/** Starts the DynamoDB meter and points the handlers' DynamoDB endpoint at it. */
export async function meterDynamoDb(options: {
  endpoint: string;
  /** The table's GSIs (dynalite reports no index writes). */
  indexes: MeteredIndex[];
  /** Indexes only scheduled functions query (their reads are kept apart: see DynamoUsage.scheduledRru). */
  scheduledIndexes?: readonly string[];
}): Promise<{ usage: () => DynamoUsage; close: () => Promise<void> }> {
  const indexWrites = new IndexWrites(options.indexes);
  const byName = new Map(options.indexes.map((i) => [i.name, i.keys]));
  const usage: DynamoUsage = { rru: 0, wru: 0, estimatedWru: 0, requests: {}, conditionFailures: 0, indexWru: {}, wruByItem: {}, scheduledRru: 0 };
  let item = '';
  const byItem = (units: number) => {
    usage.wruByItem![item] = (usage.wruByItem![item] ?? 0) + units;
  };
  const indexWrite = (keys: readonly string[], units: number) => {
    byItem(units);
    usage.wru += units;
    usage.estimatedWru += units;
    usage.indexWru[keys[0]!] = (usage.indexWru[keys[0]!] ?? 0) + units;
  };
  const { url, server } = await jsonProxy(
    options.endpoint,
    (action, body) => (CAPACITY_ACTIONS.has(action) ? { ...body, ReturnConsumedCapacity: 'INDEXES' } : body),
    ({ action, request: req, status, response }) => {
      const scheduled = action === 'Query' && typeof req.IndexName === 'string' && (options.scheduledIndexes ?? []).includes(req.IndexName);
      const counted = scheduled ? `Query (scheduled, ${String(req.IndexName)} index)` : action;
      usage.requests[counted] = (usage.requests[counted] ?? 0) + 1;
      item = `${action} ${itemKind((req.Key ?? req.Item) as Json | undefined)}`;
      if (status >= 400) {
        if (String(response.__type ?? '').endsWith('ConditionalCheckFailedException')) {
          usage.conditionFailures++;
          const units = Math.max(1, Math.ceil(itemSize(response.Item as Json | undefined) / 1024));
          item += ' !';
          byItem(units);
          usage.wru += units;
          usage.estimatedWru += units;
        }
        return;
      }
      const consumed = response.ConsumedCapacity as { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> | undefined;
      const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
      if (scheduled) usage.scheduledRru! += units;
      else if (READS.has(action)) usage.rru += units;
      else {
        usage.wru += units;
        byItem(units);
      }
      if (action === 'PutItem' || action === 'UpdateItem' || action === 'DeleteItem') {
        for (const [name, n] of Object.entries(indexWrites.write(action, req, units))) indexWrite(byName.get(name)!, n);
      }
    },
  );
  process.env.AWS_ENDPOINT_URL_DYNAMODB = url;
  return { usage: () => ({ ...usage, requests: { ...usage.requests }, indexWru: { ...usage.indexWru }, wruByItem: { ...usage.wruByItem } }), close: () => new Promise((r) => server.close(() => r())) };
}

/** Starts the SQS meter (API requests by action) and points the handlers' SQS endpoint at it. */
export async function meterSqs(options: { endpoint: string }): Promise<{ usage: () => SqsUsage; close: () => Promise<void> }> {
  const usage: SqsUsage = { requests: {} };
  const { url, server } = await jsonProxy(
    options.endpoint,
    (_action, body) => body,
    ({ action, request: req }) => {
      // SQS bills every 64 KB of payload in a request as one request.
      const bytes = Buffer.byteLength(JSON.stringify(req));
      usage.requests[action] = (usage.requests[action] ?? 0) + Math.max(1, Math.ceil(bytes / 65_536));
    },
  );
  process.env.AWS_ENDPOINT_URL_SQS = url;
  // The SQS client sends to the host of the QueueUrl it is given, so the queue URL the handlers
  // read must name the proxy too (the stand-in finds queues by name alone).
  const queueUrl = process.env.QUEUE_URL;
  if (queueUrl?.startsWith(options.endpoint)) process.env.QUEUE_URL = url + queueUrl.slice(options.endpoint.length);
  return { usage: () => ({ requests: { ...usage.requests } }), close: () => new Promise((r) => server.close(() => r())) };
}
