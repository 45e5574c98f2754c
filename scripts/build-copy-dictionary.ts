/**
 * Builds a preset deflate dictionary for the sent emails' copies (functions/adapters/sent-copy.ts)
 * from the product's own templates: every email kind rendered from the preview samples (one per
 * language, scripts/preview-emails.ts), as the JSON the copy stores.
 *
 *   npx tsx scripts/build-copy-dictionary.ts <version>            writes functions/domain/email/copy-dictionary-v<version>.ts
 *   npx tsx scripts/build-copy-dictionary.ts <version> --print    prints the dictionary instead
 *
 * A dictionary never changes once shipped: copies packed with it can only be read with the very
 * same bytes. So this refuses to overwrite a version; a new dictionary (templates changed a lot)
 * is a new version, added to sent-copy.ts next to the old ones, and tests/unit/sent-copy.test.ts
 * pins each one's SHA-256.
 *
 * How it is built: deflate looks back at most 32 KB and codes nearer matches in fewer bits, so the
 * dictionary is at most 32 KB with the likeliest text last. The renders are taken from the least
 * to the most common (the other kinds, then feedback requests, shipping confirmations, receipts:
 * the three emails every order gets; within each French, German, English), each contributing the
 * lines (split at the HTML's newlines) that no more common render already has, in their order, so
 * the shared frame and styles appear once, near the end; the start is cut to 32 KB.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { EMAIL_KINDS, renderEmail, type EmailKind } from '../functions/domain/email/render.js';
import { previewSamples, sampleContext } from '../functions/domain/email/samples.js';
import type { Language } from '../functions/domain/i18n/index.js';

const MAX_BYTES = 32 * 1024;
const KIND_RANK: Partial<Record<EmailKind, number>> = { feedback_request: 1, shipping_confirmation: 2, receipt: 3 };
const LANGUAGE_RANK: Record<Language, number> = { fr: 0, de: 1, en: 2 };

export function buildCopyDictionary(): Buffer {
  const renders = EMAIL_KINDS.flatMap((kind) =>
    (Object.keys(previewSamples) as Language[]).map((lang) => {
      const r = renderEmail(sampleContext(kind, previewSamples[lang]));
      // Exactly what packContent deflates: the JSON of the copy, whose HTML newlines are "\n" escapes.
      return { kind, lang, json: JSON.stringify({ subject: r.subject, html: r.html, text: r.text, headers: r.headers }) };
    }),
  );
  renders.sort((a, b) => (KIND_RANK[a.kind] ?? 0) - (KIND_RANK[b.kind] ?? 0) || LANGUAGE_RANK[a.lang] - LANGUAGE_RANK[b.lang]);
  const seen = new Set<string>();
  const chunks: string[] = [];
  for (const r of [...renders].reverse()) {
    const novel = r.json.split('\\n').filter((line) => !seen.has(line) && (seen.add(line), true));
    chunks.unshift(novel.join('\\n') + '\\n');
  }
  const all = Buffer.from(chunks.join(''), 'utf8');
  return all.subarray(Math.max(0, all.length - MAX_BYTES));
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function main(args: string[]): void {
  const version = Number(args[0]);
  if (!Number.isInteger(version) || version < 1 || version > 255) throw new Error('usage: build-copy-dictionary.ts <version 1-255> [--print]');
  const dictionary = buildCopyDictionary();
  if (args.includes('--print')) {
    process.stdout.write(dictionary);
    return;
  }
  const file = join(import.meta.dirname, '..', 'functions', 'domain', 'email', `copy-dictionary-v${version}.ts`);
  if (existsSync(file)) throw new Error(`${file} exists: a shipped dictionary never changes; build the next version instead`);
  const deflated = deflateRawSync(dictionary, { level: 9 }).toString('base64');
  writeFileSync(
    file,
    `/**
 * Preset deflate dictionary v${version} of the sent emails' copies (functions/adapters/sent-copy.ts), built by
 * scripts/build-copy-dictionary.ts from the templates as they were. Never edit or regenerate it:
 * copies packed with it are readable only with these exact bytes (tests/unit/sent-copy.test.ts
 * pins their hash). Kept deflated (${dictionary.length} bytes, SHA-256 ${sha256(dictionary)}),
 * ${deflated.length} characters of base64 in the bundles that pack or read copies.
 */
export const COPY_DICTIONARY_V${version}_DEFLATED = '${deflated}';
`,
  );
  console.log(`Wrote ${file}: ${dictionary.length} bytes, SHA-256 ${sha256(dictionary)}`);
}

if (process.argv[1] && import.meta.url === `file://${resolve(process.argv[1])}`) main(process.argv.slice(2));
