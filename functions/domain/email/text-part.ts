/**
 * The text/plain part: what a screen reader, a watch or a text-only client shows. It has to read
 * well on its own, so links are written out on their own lines and nothing looks like markup.
 */
import type { Block, EmailDoc, Frame } from './document.js';
import { cleanText } from './safe.js';

const RULE = '────────────────────────────────';

function block(b: Block, colon: string): string {
  switch (b.type) {
    case 'heading': {
      const text = cleanText(b.text);
      return `${text}\n${'='.repeat(Math.min(text.length, 60))}`;
    }
    case 'paragraph':
      return cleanText(b.text);
    case 'quote':
      return `${cleanText(b.label)}${colon.trimEnd()}\n  ${cleanText(b.text)}`;
    case 'button':
    case 'link':
      return `${cleanText(b.label)}${colon.trimEnd()}\n${b.href}`;
    case 'items':
      return [
        cleanText(b.title),
        ...b.items.map((item) => {
          const name = item.variant ? `${cleanText(item.title)} (${cleanText(item.variant)})` : cleanText(item.title);
          const detail = item.amount ? `${cleanText(item.detail)} · ${cleanText(item.amount)}` : cleanText(item.detail);
          return `- ${name}\n  ${detail}`;
        }),
      ].join('\n');
    case 'summary':
      return b.rows.map((r) => `${r.emphasis ? `${RULE.slice(0, 16)}\n` : ''}${cleanText(r.label)}${colon}${cleanText(r.value)}`).join('\n');
    case 'facts':
      return [
        ...(b.title ? [cleanText(b.title)] : []),
        ...b.rows.map((r) => `${cleanText(r.label)}${colon}${cleanText(r.value)}${r.href ? `\n${r.href}` : ''}`),
      ].join('\n');
    case 'address':
      return [cleanText(b.title), ...b.lines.map((l) => `  ${cleanText(l)}`)].join('\n');
    case 'rating':
      return [
        cleanText(b.prompt),
        ...b.options.map((o) => `${'★'.repeat(o.score)}${'☆'.repeat(5 - o.score)} ${cleanText(o.label)}${o.href ? `${colon}${o.href}` : ''}`),
      ].join('\n');
  }
}

export function renderText(doc: EmailDoc, frame: Frame): string {
  const footer = [
    cleanText(frame.storeName),
    ...frame.postalAddress.map(cleanText),
    cleanText(frame.questions),
    cleanText(frame.footerWhy),
  ];
  if (frame.unsubscribe) {
    footer.push('text' in frame.unsubscribe ? cleanText(frame.unsubscribe.text) : `${cleanText(frame.unsubscribe.label)}${frame.colon}${frame.unsubscribe.href}`);
  }
  const parts = [cleanText(frame.storeName), ...doc.blocks.map((b) => block(b, frame.colon)), RULE, footer.join('\n')];
  return `${parts.join('\n\n')}\n`;
}
