/**
 * A new user's first run, as a child process: `npm start -- --shop <theirs>` (local/cli.ts, the
 * npm start script) with its own data directory, port and capture directory; a webhook signed
 * for that shop gets its receipt; the capture it keeps is replayed with `npm run replay`
 * (scripts/replay-webhooks.ts, also a child process) into a second instance that uses another
 * secret, which proves the replay re-signs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signShopify, signStandardWebhook } from '../../functions/domain/webhooks/parse-webhook.js';
import { DEV_SECRETS } from '../../local/dev-secrets.js';
import type { Email } from '../../local/outbox.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const SHOP = 'some-shop.myshopify.com';
const work = mkdtempSync(join(tmpdir(), 'connect-shop-'));
const children: ChildProcess[] = [];

/** The child's environment: none of the developer's own secrets or shops leak into the run. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['SHOPIFY_WEBHOOK_SECRET', 'WEBHOOK_SECRET', 'SHOPIFY_SHOP', 'PORT', 'TIME_SCALE', 'LINK_SIGNING_SECRET', 'OPS_TOKEN']) delete env[k];
  return { ...env, ...extra };
}

/** Starts `npm start` (its script, tsx local/cli.ts) and resolves with its URL and everything it printed so far. */
async function npmStart(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ url: string; output: () => string; stop: () => Promise<void> }> {
  const child = spawn(TSX, ['local/cli.ts', '--port', '0', '--data-dir', join(work, name, 'data'), '--captures', join(work, name, 'captures'), ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /postpurchase local runtime {2}(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m && output.includes('Try: curl')) {
        clearInterval(timer);
        resolve(m[1]!);
      }
    }, 50);
    child.on('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return { url, output: () => output, stop };
}

async function outbox(url: string): Promise<Email[]> {
  return ((await (await fetch(`${url}/_local/outbox`)).json()) as { emails: Email[] }).emails;
}

async function waitForEmail(url: string, orderId: string, kind: string, timeoutMs = 60_000): Promise<Email> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await outbox(url)).find((e) => e.orderId === orderId && e.kind === kind);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${kind} for order ${orderId}; outbox: ${JSON.stringify((await outbox(url)).map((e) => [e.kind, e.orderId]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A Shopify orders/create body (the repository's REST fixture) for a fresh order placed now. */
function shopifyOrder(orderId: string): string {
  const now = new Date().toISOString();
  return readFileSync(join(ROOT, 'tests/fixtures/shopify/orders-create.json'), 'utf8')
    .replaceAll('5781132443843', orderId)
    .replace(/"created_at": "[^"]*"/, `"created_at": "${now}"`)
    .replace(/"processed_at": "[^"]*"/, `"processed_at": "${now}"`);
}

function postShopify(url: string, shop: string, body: string, secret: string): Promise<Response> {
  return fetch(`${url}/webhooks/shopify`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': shop,
      'x-shopify-webhook-id': `wh-${Date.now()}`,
      'x-shopify-event-id': `ev-${Date.now()}`,
      'x-shopify-hmac-sha256': signShopify(secret, body),
    },
  });
}

function postGeneric(url: string, body: string, secret: string): Promise<Response> {
  const id = `msg_${Date.now()}`;
  const ts = Math.floor(Date.now() / 1000);
  return fetch(`${url}/webhooks`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(secret, id, ts, body) },
  });
}

function replay(files: string[], url: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, ['scripts/replay-webhooks.ts', '--url', url, ...files], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('connecting your own shop to npm start', () => {
  const orderId = String(7_100_000_000_000 + (Date.now() % 1_000_000));
  const genericOrderId = `CONNECT-${Date.now()}`;
  let captures: string[] = [];
  let sentBody = '';

  it('accepts a webhook signed for the shop named by --shop, with the local secret, and sends its receipt', async () => {
    const first = await npmStart('first', ['--shop', SHOP], cleanEnv());
    try {
      // The banner names the shop and the secret it is verified with, with its development value.
      const shopLine = first.output().split('\n').find((l) => l.includes(SHOP)) ?? '';
      expect(shopLine).toContain(`verified with SHOPIFY_WEBHOOK_SECRET (development default ${DEV_SECRETS.shopify})`);

      sentBody = shopifyOrder(orderId);
      const accepted = await postShopify(first.url, SHOP, sentBody, DEV_SECRETS.shopify);
      expect(accepted.status).toBe(202);
      const receipt = await waitForEmail(first.url, orderId, 'receipt');
      expect(receipt).toMatchObject({ store: SHOP, to: 'bob.norman@mail.example.com' });
      expect(receipt.subject).toContain('#1001');

      // A shop that was not named is told how to add one, not which ones exist.
      const unknown = await postShopify(first.url, 'not-added.myshopify.com', shopifyOrder(orderId), DEV_SECRETS.shopify);
      expect(unknown.status).toBe(401);
      const answer = (await unknown.json()) as { error: { code: string; message: string } };
      expect(answer.error.code).toBe('unknown_store');
      expect(answer.error.message).toContain('npm start -- --shop <shop>.myshopify.com');
      expect(answer.error.message).not.toContain(SHOP);

      const genericBody = JSON.stringify({
        type: 'order.placed',
        timestamp: new Date().toISOString(),
        store: 'generic-dev',
        data: { order: { ...JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/generic/order-placed.json'), 'utf8')).data.order, orderId: genericOrderId, placedAt: new Date().toISOString() } },
      });
      expect((await postGeneric(first.url, genericBody, DEV_SECRETS.webhook)).status).toBe(202);
      await waitForEmail(first.url, genericOrderId, 'receipt');
    } finally {
      await first.stop();
    }

    // Every webhook received was captured, answer included, signatures left out.
    const dir = join(work, 'first', 'captures');
    captures = readdirSync(dir).sort().map((f) => join(dir, f));
    expect(captures.map((f) => f.replace(/^.*\d{3}Z-/, ''))).toEqual(['orders-create.json', 'orders-create.json', 'order.placed.json']);
    const kept = JSON.parse(readFileSync(captures[0]!, 'utf8')) as { endpoint: string; headers: Record<string, string>; body: string; answer: { status: number } };
    expect(kept).toMatchObject({ endpoint: 'shopify', answer: { status: 202 } });
    expect(kept.headers['x-shopify-shop-domain']).toBe(SHOP);
    expect(kept.headers['x-shopify-hmac-sha256']).toBeUndefined();
    expect(JSON.parse(readFileSync(captures[2]!, 'utf8')).headers['webhook-signature']).toBeUndefined();
    expect(kept.body).toBe(sentBody);
  }, 240_000);

  it('npm run replay re-posts the captures, re-signed with the local secrets, into another instance', async () => {
    expect(captures).toHaveLength(3);
    // The second instance has its own secrets: the replay must sign with those, not reuse anything captured.
    const secrets = { SHOPIFY_WEBHOOK_SECRET: 'shpss_second-instance-secret', WEBHOOK_SECRET: `whsec_${Buffer.from('second instance generic secret!!').toString('base64')}` };
    const second = await npmStart('second', ['--shop', SHOP], cleanEnv(secrets));
    try {
      expect(await outbox(second.url)).toEqual([]);
      const withoutSecrets = await replay([captures[0]!], second.url, cleanEnv());
      expect(withoutSecrets.code).toBe(1);
      expect(withoutSecrets.output).toContain('401');

      const replayed = await replay([captures[0]!, captures[2]!], second.url, cleanEnv(secrets));
      expect(replayed.output).toMatch(/^202 .*orders-create\.json/m);
      expect(replayed.output).toMatch(/^202 .*order\.placed\.json/m);
      expect(replayed.code).toBe(0);
      await waitForEmail(second.url, orderId, 'receipt');
      await waitForEmail(second.url, genericOrderId, 'receipt');

      // The 401 capture (a shop not added) replays as what it was: still 401, exit status 1.
      const stillUnknown = await replay([captures[1]!], second.url, cleanEnv(secrets));
      expect(stillUnknown.code).toBe(1);
      expect(stillUnknown.output).toMatch(/^401 .*unknown_store/m);

      // Replaying again changes nothing: the events are already stored.
      const again = await replay([captures[0]!], second.url, cleanEnv(secrets));
      expect(again.output).toMatch(/^200 .*"duplicate"/m);
      expect((await outbox(second.url)).filter((e) => e.orderId === orderId)).toHaveLength(1);
    } finally {
      await second.stop();
    }
  }, 240_000);
});
