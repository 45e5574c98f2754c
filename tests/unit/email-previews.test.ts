import { describe, expect, it } from 'vitest';
import { previewFileName, previewIndexHtml, renderAllPreviews } from '../../scripts/preview-emails.js';
import { EMAIL_KINDS } from '../../functions/domain/email/render.js';

describe('email previews', () => {
  const previews = renderAllPreviews();

  it('renders every kind in every language once', () => {
    expect(previews).toHaveLength(EMAIL_KINDS.length * 3);
    expect(new Set(previews.map((p) => `${p.kind}.${p.lang}`)).size).toBe(previews.length);
  });

  it('renders each language from its own sample order and language', () => {
    const receipts = Object.fromEntries(previews.filter((p) => p.kind === 'receipt').map((p) => [p.lang, p.rendered.subject]));
    expect(receipts).toEqual({
      en: 'Your order #2042 is confirmed',
      de: 'Ihre Bestellung #1001 ist bestätigt',
      fr: 'Votre commande #3003 est confirmée',
    });
  });

  it('indexes every preview with links to both parts', () => {
    const index = previewIndexHtml(previews);
    for (const p of previews) {
      expect(index).toContain(`href="${previewFileName(p, 'html')}"`);
      expect(index).toContain(`href="${previewFileName(p, 'txt')}"`);
    }
    expect(previewFileName({ kind: 'delay_notice', lang: 'fr' }, 'html')).toBe('delay_notice.fr.html');
  });
});
