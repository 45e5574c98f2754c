/**
 * `npm start`: the whole app on this machine. Options override the environment (PORT,
 * TIME_SCALE, SHOPIFY_WEBHOOK_SECRET, WEBHOOK_SECRET, LINK_SIGNING_SECRET, OPS_TOKEN).
 */
import { parseArgs } from 'node:util';
import { startLocal, type LocalRuntime } from './runtime.js';

const USAGE = `Usage: npm start -- [options]

  --port <n>          HTTP port (env PORT, default 3000; 0 = any free port)
  --time-scale <n>    virtual seconds per real second, e.g. 86400 = a day per second (env TIME_SCALE, default 1)
  --data-dir <path>   where data survives restarts (default .local/data)
  --in-memory         keep nothing on disk
  --template <path>   run a synthesized template (cdk.out/*.template.json) instead of synthesizing
  --help              this text`;

function parse(): Parameters<typeof startLocal>[0] {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'time-scale': { type: 'string' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean' },
      template: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${v}"`);
    return n;
  };
  return {
    port: number('port', values.port),
    timeScale: number('time-scale', values['time-scale']),
    dataDir: values['data-dir'],
    inMemory: values['in-memory'],
    templatePath: values.template,
    log: (line) => console.log(line),
  };
}

function banner(rt: LocalRuntime, inMemory: boolean, dataDir: string | undefined): string {
  const u = rt.url;
  const routes = (method: string) => rt.app.routes.filter((r) => r.method === method || (method === 'GET' && r.method === 'ANY'));
  const pad = (s: string) => s.padEnd(11);
  const lines = [
    '',
    `postpurchase local runtime  ${u}`,
    `  time scale ${rt.clock.scale}${rt.clock.scale !== 1 ? ` (virtual now ${rt.clock.now().toISOString()})` : ''}, data ${inMemory ? 'in memory' : (dataDir ?? '.local/data')}`,
    '',
    ...routes('POST')
      .filter((r) => /webhook/.test(r.path))
      .map((r, i) => `${pad(i === 0 ? '  Webhooks' : '')}POST ${u}${r.path}`),
    ...routes('GET').map((r, i) => `${pad(i === 0 ? '  Pages' : '')}GET  ${u}${r.path}`),
    `${pad('  Outbox')}${u}/_local/outbox`,
    `${pad('  Previews')}${u}/_local/previews/   (every email kind in every language, sample data)`,
    `${pad('  Workflow')}${u}/_local/executions   ${u}/_local/stats   POST ${u}/_local/dlq/replay`,
    '',
    `${pad('  Secrets')}SHOPIFY_WEBHOOK_SECRET=${rt.secrets.shopifyWebhookSecret}`,
    `${pad('')}WEBHOOK_SECRET=${rt.secrets.webhookSecret}`,
    `${pad('')}OPS_TOKEN=${rt.secrets.opsToken}`,
    ...(rt.secrets.defaults.length ? [`${pad('')}(development defaults for ${rt.secrets.defaults.join(', ')}: set them in the environment to choose your own)`] : []),
    '',
    `  Try: curl -X POST ${u}/_local/webhooks/generic -H 'content-type: application/json' --data @order.json   # signs with WEBHOOK_SECRET and posts to the webhook route`,
    `       (order.json like tests/fixtures/generic/order-placed.json, with "store" set to one of your configured stores; then open the outbox)`,
    '',
  ];
  if (rt.resumed.length) lines.push(`  Resumed ${rt.resumed.length} open order(s) from the previous run.`, '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  let options: Parameters<typeof startLocal>[0];
  try {
    options = parse();
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    process.exit(2);
  }
  const rt = await startLocal(options);
  console.log(banner(rt, options?.inMemory ?? false, options?.dataDir));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.log('Stopping anyway.');
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping (open orders resume on the next start)…`);
    rt.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
