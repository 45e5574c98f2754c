/**
 * What two Lambda bundles may not carry. The catalogue sections are constants of their own
 * (functions/domain/i18n/index.ts: commonMessagesFor, trackingMessagesFor) so that a function
 * bundles only the sentences it can say: reviews (the page shell, the participation emails) none
 * of the order emails', pages only the sections the tracking page shows. That is most of what
 * keeps both near the 250 KB budget (docs/BENCHMARKS.md); one `messagesFor` in a shared module
 * would bring every sentence of all three languages back.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { CDK_BUNDLING } from '../../bench/cold-start.js';

const ROOT = join(import.meta.dirname, '..', '..');

async function bundleText(entry: string): Promise<string> {
  const result = await build({
    ...CDK_BUNDLING,
    mainFields: [...CDK_BUNDLING.mainFields],
    external: [...CDK_BUNDLING.external],
    sourcemap: false,
    entryPoints: [join(ROOT, 'functions', `${entry}.ts`)],
    outfile: join(ROOT, '.local', 'bundle-contents', entry, 'index.mjs'),
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

// A sentence of each English section, as it stands in the minified bundle (the text around the interpolations).
const SECTION = {
  common: 'You are receiving this email because you placed an order with',
  receipt: ' is confirmed',
  shipping: 'Part of your order ',
  delay: ' will arrive later than planned',
  cancellation: ' has been cancelled',
  feedback: 'How was your order ',
  parcel: ' is out for delivery',
  refund: 'A refund for your order ',
  edited: ' has been changed',
  trackingPage: 'Placed on ',
} as const;

const present = (text: string) => Object.entries(SECTION).filter(([, s]) => text.includes(s)).map(([k]) => k).sort();

describe('what the Lambda bundles carry of the catalogues', () => {
  it('reviews: the shared lines only, no order email sentence and no tracking page sentence', async () => {
    expect(present(await bundleText('reviews'))).toEqual(['common']);
  }, 30_000);

  it('pages: the sections the tracking page shows, none of the other emails', async () => {
    expect(present(await bundleText('pages'))).toEqual(['cancellation', 'common', 'delay', 'receipt', 'shipping', 'trackingPage']);
  }, 30_000);

  it('notify: every section, so the markers above are read from the bundle as it is', async () => {
    expect(present(await bundleText('notify'))).toEqual(Object.keys(SECTION).filter((k) => k !== 'trackingPage').sort());
  }, 30_000);
});
