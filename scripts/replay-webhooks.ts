/**
 * Re-posts webhooks captured by the local runtime (`.local/captures/*.json`, see
 * local/captures.ts) to a running instance, signed afresh with the local secret: Shopify's HMAC
 * for captures of POST /webhooks/shopify, Standard Webhooks (same webhook-id, a fresh
 * timestamp) for POST /webhooks. The body is sent byte for byte as it was received.
 *
 *   npm run replay -- .local/captures/2026-12-01T10-00-00-000Z-orders-create.json [more files…] [--url http://127.0.0.1:3000]
 *
 * Secrets: SHOPIFY_WEBHOOK_SECRET and WEBHOOK_SECRET, as for `npm start`, else its development
 * defaults. Typical use: a shop's webhooks were answered 401 unknown_store; restart with
 * `--shop`, then replay the captures. A replay of something already stored is answered
 * `duplicate` and changes nothing (events are deduplicated by their business ids).
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { signShopify, signStandardWebhook } from '../functions/domain/webhooks/signatures.js';
import { readCapture, SIGNATURE_HEADERS, type Capture } from '../local/captures.js';
import { DEV_SECRETS } from '../local/dev-secrets.js';

const USAGE = `Usage: npm run replay -- FILE... [--url http://127.0.0.1:3000]

  Re-posts captured webhooks (from npm start's capture directory, .local/captures by default) to
  a running instance, re-signed with SHOPIFY_WEBHOOK_SECRET / WEBHOOK_SECRET (or the development
  defaults). Exits 1 if any answer is not 2xx.`;

export interface ReplaySecrets {
  shopify: string;
  webhook: string;
}

export interface ReplayOptions {
  files: string[];
  url: string;
}

export function parseReplayArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ReplayOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return 'help';
  if (positionals.length === 0) throw new Error('name at least one capture file');
  const url = values.url ?? `http://127.0.0.1:${env.PORT ?? 3000}`;
  if (!/^https?:\/\/[^/]+/.test(url)) throw new Error(`--url must be an http(s) URL, got "${url}"`);
  return { files: positionals, url: url.replace(/\/+$/, '') };
}

export function secretsFromEnv(env: NodeJS.ProcessEnv = process.env): ReplaySecrets {
  return { shopify: env.SHOPIFY_WEBHOOK_SECRET || DEV_SECRETS.shopify, webhook: env.WEBHOOK_SECRET || DEV_SECRETS.webhook };
}

/** The request that replays a capture: its headers (signature replaced) and body. */
export function replayRequest(capture: Capture, secrets: ReplaySecrets, now: Date = new Date()): { path: string; headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(capture.headers)) {
    if (!(SIGNATURE_HEADERS as readonly string[]).includes(name)) headers[name] = value;
  }
  headers['content-type'] ??= 'application/json';
  if (capture.endpoint === 'shopify') {
    headers['x-shopify-hmac-sha256'] = signShopify(secrets.shopify, capture.body);
  } else {
    // Standard Webhooks accepts a timestamp within five minutes: a replay is signed now, under the
    // same webhook-id, so a generic event without eventId keeps the same id and deduplicates.
    const id = headers['webhook-id'] ?? `replay_${randomUUID()}`;
    const timestamp = String(Math.floor(now.getTime() / 1000));
    headers['webhook-id'] = id;
    headers['webhook-timestamp'] = timestamp;
    headers['webhook-signature'] = signStandardWebhook(secrets.webhook, id, timestamp, capture.body);
  }
  return { path: capture.path, headers, body: capture.body };
}

export interface ReplayResult {
  file: string;
  status: number;
  body: string;
}

/** Replays each file in order; a file that cannot be read or posted is reported with status 0. */
export async function replayCaptures(options: ReplayOptions, secrets: ReplaySecrets, log: (line: string) => void = () => {}): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for (const file of options.files) {
    let result: ReplayResult;
    try {
      const capture = readCapture(file);
      const req = replayRequest(capture, secrets);
      const answer = await fetch(`${options.url}${req.path}`, { method: 'POST', headers: req.headers, body: req.body });
      result = { file, status: answer.status, body: await answer.text() };
    } catch (e) {
      result = { file, status: 0, body: e instanceof Error ? e.message : String(e) };
    }
    log(`${result.status === 0 ? 'failed' : result.status} ${result.file}  ${result.body}`);
    results.push(result);
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const options = parseReplayArgs(process.argv.slice(2));
    if (options === 'help') {
      console.log(USAGE);
      process.exit(0);
    }
    const results = await replayCaptures(options, secretsFromEnv(), (line) => console.log(line));
    process.exit(results.every((r) => r.status >= 200 && r.status < 300) ? 0 : 1);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exit(2);
  }
}
