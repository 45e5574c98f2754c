/**
 * `npm start`'s command line and start banner, apart from local/cli.ts (which starts the
 * runtime on import) so that both can be tested.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseShops } from './shops.js';
import { crashPlansFromEnv } from './faults.js';
import type { LocalOptions, LocalRuntime } from './runtime.js';
import { PROJECT_ROOT } from './template.js';

export const USAGE = `Usage: npm start -- [options]

  --shop <domain>     accept this Shopify shop (<shop>.myshopify.com), verified with SHOPIFY_WEBHOOK_SECRET,
                      default branding; repeat for several (env SHOPIFY_SHOP, comma-separated)
  --port <n>          HTTP port (env PORT, default 3000; 0 = any free port)
  --time-scale <n>    virtual seconds per real second, e.g. 86400 = a day per second (env TIME_SCALE, default 1)
  --data-dir <path>   where data survives restarts (default .local/data)
  --in-memory         keep nothing on disk (no captures either, unless --captures is given)
  --manual-clock      virtual time stands still until POST /_local/clock/advance moves it (tests)
  --captures <dir>    where every webhook received is captured for npm run replay (default .local/captures)
  --no-captures       capture nothing
  --template <path>   run a synthesized template (cdk.out/*.template.json) instead of synthesizing
  --help              this text`;

/** Default directory of webhook captures, next to the default data directory. */
export const DEFAULT_CAPTURE_DIR = join(PROJECT_ROOT, '.local', 'captures');

/** The runtime's options from the arguments and environment, or 'help'; throws on a bad value. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): LocalOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      shop: { type: 'string', multiple: true },
      port: { type: 'string' },
      'time-scale': { type: 'string' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean' },
      'manual-clock': { type: 'boolean' },
      captures: { type: 'string' },
      'no-captures': { type: 'boolean' },
      template: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const number = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${v}"`);
    return n;
  };
  if (values.captures !== undefined && values['no-captures']) throw new Error('--captures and --no-captures contradict each other');
  const captureDir = values['no-captures'] ? undefined : (values.captures ?? (values['in-memory'] ? undefined : DEFAULT_CAPTURE_DIR));
  return {
    port: number('port', values.port),
    timeScale: number('time-scale', values['time-scale']),
    dataDir: values['data-dir'],
    inMemory: values['in-memory'],
    manualClock: values['manual-clock'],
    // Fault-injection runs only (tests): LOCAL_CRASH_PLANS.
    ...(env.LOCAL_CRASH_PLANS ? { crashPlans: crashPlansFromEnv(env) } : {}),
    templatePath: values.template,
    shops: parseShops(values.shop ?? [], env.SHOPIFY_SHOP),
    captureDir,
  };
}

type BannerRuntime = Pick<LocalRuntime, 'url' | 'app' | 'clock' | 'secrets' | 'stores' | 'resumed' | 'captureDir'> & Partial<Pick<LocalRuntime, 'cognito'>>;

export function banner(rt: BannerRuntime, inMemory: boolean, dataDir: string | undefined): string {
  const u = rt.url;
  const routes = (method: string) => rt.app.routes.filter((r) => r.method === method || (method === 'GET' && r.method === 'ANY'));
  const pad = (s: string) => s.padEnd(11);
  const secretValues: Record<string, string> = {
    SHOPIFY_WEBHOOK_SECRET: rt.secrets.shopifyWebhookSecret,
    WEBHOOK_SECRET: rt.secrets.webhookSecret,
    OPS_TOKEN: rt.secrets.opsToken,
  };
  // A development default is printed so it can be used; a secret the user set is never shown.
  const secret = (name: string) =>
    rt.secrets.defaults.includes(name) ? `${name}=${secretValues[name]}  (development default)` : `${name}  (yours, from the environment: not shown)`;
  const secretShort = (name: string) =>
    rt.secrets.defaults.includes(name) ? `${name} (development default ${secretValues[name]})` : `${name} (yours, not shown)`;
  const storeWidth = Math.max(0, ...rt.stores.map((s) => s.storeId.length)) + 2;
  const storeLines = rt.stores.map(
    (s, i) =>
      `${pad(i === 0 ? '  Stores' : '')}${s.storeId.padEnd(storeWidth)}${s.endpoint === 'shopify' ? 'POST /webhooks/shopify' : 'POST /webhooks        '}  ` +
      `verified with ${secretShort(s.secretEnv)}${s.addedLocally ? '   added by --shop / SHOPIFY_SHOP, default branding' : ''}`,
  );
  const lines = [
    '',
    `postpurchase local runtime  ${u}`,
    `  time scale ${rt.clock.scale}${rt.clock.scale !== 1 ? ` (virtual now ${rt.clock.now().toISOString()})` : ''}, data ${inMemory ? 'in memory' : (dataDir ?? '.local/data')}`,
    '',
    ...routes('POST')
      .filter((r) => /webhook/.test(r.path))
      .map((r, i) => `${pad(i === 0 ? '  Webhooks' : '')}POST ${u}${r.path}`),
    ...routes('GET').filter((r) => !r.path.startsWith('/console')).map((r, i) => `${pad(i === 0 ? '  Pages' : '')}GET  ${u}${r.path}`),
    `${pad('  Console')}${u}/console   (merchant console; JSON API under /console/api, Bearer access token)`,
    ...(rt.cognito?.logins ?? []).map((l) => `${pad('')}sign in as ${l.username} / ${l.password}   (development login: ${l.stores})`),
    `${pad('  Outbox')}${u}/_local/outbox`,
    `${pad('  Previews')}${u}/_local/previews/   (every email kind in every language, sample data)`,
    `${pad('  Workflow')}${u}/_local/executions   ${u}/_local/stats   POST ${u}/_local/dlq/replay`,
    `${pad('  Captures')}${rt.captureDir ? `${rt.captureDir}/   (every webhook received; re-post with npm run replay -- FILE...)` : 'off'}`,
    '',
    ...storeLines,
    `${pad('')}(another shop: npm start -- --shop <shop>.myshopify.com, or SHOPIFY_SHOP=a.myshopify.com,b.myshopify.com)`,
    '',
    `${pad('  Secrets')}${secret('SHOPIFY_WEBHOOK_SECRET')}`,
    `${pad('')}${secret('WEBHOOK_SECRET')}`,
    `${pad('')}${secret('OPS_TOKEN')}`,
    ...(rt.secrets.defaults.length ? [`${pad('')}(set them in the environment to choose your own)`] : []),
    '',
    `  Try: curl -X POST ${u}/_local/webhooks/generic -H 'content-type: application/json' --data @order.json   # signs with WEBHOOK_SECRET and posts to the webhook route`,
    `       (order.json like tests/fixtures/generic/order-placed.json, with "store" set to one of the stores above; then open the outbox)`,
    '',
  ];
  if (rt.resumed.length) lines.push(`  Resumed ${rt.resumed.length} open order(s) from the previous run.`, '');
  return lines.join('\n');
}
