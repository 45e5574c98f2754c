/**
 * `npm start`: the whole app on this machine. Options override the environment (PORT,
 * TIME_SCALE, SHOPIFY_WEBHOOK_SECRET, WEBHOOK_SECRET, LINK_SIGNING_SECRET, OPS_TOKEN).
 */
import { banner, parseCli, USAGE } from './cli-options.js';
import { startLocal } from './runtime.js';

async function main(): Promise<void> {
  let options: Parameters<typeof startLocal>[0];
  try {
    const parsed = parseCli(process.argv.slice(2), process.env);
    if (parsed === 'help') {
      console.log(USAGE);
      process.exit(0);
    }
    options = { ...parsed, log: (line) => console.log(line) };
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
