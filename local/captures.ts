/**
 * Captures of the webhooks the local runtime received, one JSON file each, for `npm run replay`:
 * the raw body exactly as it arrived, the headers, and what the runtime answered. Signatures are
 * left out: a replay re-signs with the local secret (and Standard Webhooks needs a fresh
 * timestamp anyway), so a capture holds no secret material. It does hold the payload, which
 * for a real shop's order is personal data: captures stay under .local/, which git ignores.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

/** Headers that carry a signature: not captured, since a replay signs afresh. */
export const SIGNATURE_HEADERS = ['x-shopify-hmac-sha256', 'shopify-hmac-sha256', 'webhook-signature'] as const;

/** Connection-level headers that describe one HTTP exchange, not the webhook. */
const TRANSPORT_HEADERS = ['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'accept-encoding'];

export const captureSchema = z.object({
  capturedAt: z.iso.datetime(),
  /** Which endpoint received it: decides how a replay signs (Shopify HMAC or Standard Webhooks). */
  endpoint: z.enum(['shopify', 'generic']),
  path: z.string().startsWith('/'),
  /** Lower-cased names, signatures and transport headers removed. */
  headers: z.record(z.string(), z.string()),
  /** The body exactly as received (UTF-8). */
  body: z.string(),
  answer: z.object({ status: z.number().int(), body: z.unknown() }).optional(),
});
export type Capture = z.infer<typeof captureSchema>;

/** The headers worth keeping from a received request. */
export function capturedHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const drop = new Set<string>([...SIGNATURE_HEADERS, ...TRANSPORT_HEADERS]);
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (value === undefined || drop.has(key)) continue;
    kept[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/** What the capture is about, for its file name: the Shopify topic or the generic event type. */
export function captureLabel(capture: Pick<Capture, 'endpoint' | 'headers' | 'body'>): string {
  let label: string | undefined;
  if (capture.endpoint === 'shopify') label = capture.headers['x-shopify-topic'] ?? capture.headers['shopify-topic'];
  else {
    try {
      const type = (JSON.parse(capture.body) as { type?: unknown }).type;
      if (typeof type === 'string') label = type;
    } catch {
      /* not JSON: the runtime answered 400, the capture still records it */
    }
  }
  const safe = (label ?? 'webhook').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return safe || 'webhook';
}

/** Captures kept at most, by default: a long-running shop stays within a few megabytes. */
export const DEFAULT_MAX_CAPTURES = 1000;

/**
 * Writes captures as `<dir>/<time>-<topic>.json`, never overwriting one, and keeps the newest
 * `max`: the oldest are removed as new ones arrive (names sort by capture time).
 */
export class CaptureWriter {
  constructor(
    readonly dir: string,
    readonly max = DEFAULT_MAX_CAPTURES,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Returns the file written. */
  write(capture: Capture): string {
    const stem = `${capture.capturedAt.replace(/[:.]/g, '-')}-${captureLabel(capture)}`;
    let file = join(this.dir, `${stem}.json`);
    for (let n = 2; existsSync(file); n++) file = join(this.dir, `${stem}-${n}.json`);
    writeFileSync(file, `${JSON.stringify(capture, null, 2)}\n`, { flag: 'wx' });
    this.prune();
    return file;
  }

  private prune(): void {
    const files = readdirSync(this.dir).filter((f) => f.endsWith('.json')).sort();
    for (const old of files.slice(0, Math.max(0, files.length - this.max))) rmSync(join(this.dir, old), { force: true });
  }
}

/** A capture file, validated; the error names the file and the field. */
export function readCapture(file: string): Capture {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not a capture (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = captureSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: not a capture (${issue.path.join('.') || '(root)'}: ${issue.message})`);
  }
  return parsed.data;
}
