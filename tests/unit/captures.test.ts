import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureWriter, capturedHeaders, readCapture, type Capture } from '../../local/captures.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'captures-'));
  dirs.push(d);
  return d;
};

const capture = (minute: number): Capture => ({
  capturedAt: `2026-12-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
  endpoint: 'generic',
  path: '/webhooks',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ type: 'order.placed', n: minute }),
});

describe('webhook captures', () => {
  it('keeps the newest captures only, so a long-running shop does not fill the disk', () => {
    const writer = new CaptureWriter(tempDir(), 3);
    const written = [1, 2, 3, 4, 5].map((m) => writer.write(capture(m)));
    const kept = readdirSync(writer.dir).sort();
    expect(kept).toHaveLength(3);
    expect(kept.map((f) => JSON.parse(readCapture(join(writer.dir, f)).body).n)).toEqual([3, 4, 5]);
    expect(written.slice(2).map((f) => f.slice(writer.dir.length + 1))).toEqual(kept);
  });

  it('never overwrites a capture taken in the same millisecond', () => {
    const writer = new CaptureWriter(tempDir());
    const a = writer.write(capture(7));
    const b = writer.write(capture(7));
    expect(a).not.toBe(b);
    expect(readdirSync(writer.dir)).toHaveLength(2);
  });

  it('keeps no signature header, in either of the names Shopify uses', () => {
    expect(capturedHeaders({ 'X-Shopify-Hmac-Sha256': 'sig', 'shopify-hmac-sha256': 'sig', 'webhook-signature': 'v1,x', 'X-Shopify-Topic': 'orders/create' })).toEqual({
      'x-shopify-topic': 'orders/create',
    });
  });
});
