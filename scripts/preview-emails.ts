/**
 * Renders every email kind in every language from the sample orders, for eyes and for email
 * testing tools:
 *
 *   npx tsx scripts/preview-emails.ts [outDir]     (default .local/previews)
 *
 * writes <kind>.<lang>.html and .txt plus an index.html. The local runtime imports
 * `renderAllPreviews` and `previewIndexHtml` to serve the same pages at a route.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { escapeHtml } from '../functions/domain/email/safe.js';
import { EMAIL_KINDS, renderEmail, type EmailKind, type RenderedEmail } from '../functions/domain/email/render.js';
import { previewSamples, sampleContext } from '../functions/domain/email/samples.js';
import { LANGUAGES, type Language } from '../functions/domain/i18n/index.js';

export interface Preview {
  kind: EmailKind;
  lang: Language;
  rendered: RenderedEmail;
}

/** Every kind in every language, each from that language's sample order. */
export function renderAllPreviews(): Preview[] {
  return EMAIL_KINDS.flatMap((kind) => LANGUAGES.map((lang) => ({ kind, lang, rendered: renderEmail(sampleContext(kind, previewSamples[lang])) })));
}

/** File name of a preview part, relative to the index: "receipt.de.html". */
export function previewFileName(preview: Pick<Preview, 'kind' | 'lang'>, part: 'html' | 'txt'): string {
  return `${preview.kind}.${preview.lang}.${part}`;
}

/** A page listing every preview with its subject and links to both parts. */
export function previewIndexHtml(previews: readonly Preview[]): string {
  const rows = previews
    .map(
      (p) =>
        `<tr><td>${p.kind}</td><td>${p.lang}</td><td>${escapeHtml(p.rendered.subject)}</td><td><a href="${previewFileName(p, 'html')}">HTML</a> · <a href="${previewFileName(p, 'txt')}">text</a></td><td>${p.rendered.headers.length ? 'List-Unsubscribe' : ''}</td></tr>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Email previews</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.35rem .75rem;border-bottom:1px solid #ddd;text-align:left}</style>
</head>
<body>
<h1>Email previews</h1>
<table>
<thead><tr><th>Kind</th><th>Language</th><th>Subject</th><th>Parts</th><th>Headers</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}

async function main(outDir: string): Promise<void> {
  const previews = renderAllPreviews();
  await mkdir(outDir, { recursive: true });
  await Promise.all(
    previews.flatMap((p) => [
      writeFile(join(outDir, previewFileName(p, 'html')), p.rendered.html),
      writeFile(join(outDir, previewFileName(p, 'txt')), p.rendered.text),
    ]),
  );
  await writeFile(join(outDir, 'index.html'), previewIndexHtml(previews));
  console.log(`Wrote ${previews.length} previews to ${join(resolve(outDir), 'index.html')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main(process.argv[2] ?? '.local/previews');
}
