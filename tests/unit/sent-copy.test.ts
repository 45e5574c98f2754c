/**
 * The stored copy of a sent email (functions/adapters/sent-copy.ts): every kind survives the
 * round trip, copies gzipped before the dictionary format stay readable, the dictionary is
 * exactly the one shipped, and a receipt packs small enough for one write unit.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { COPY_FORMAT_DEFLATE_V1, copyDictionaryV1, packContent, unpackContent, type SentContent } from '../../functions/adapters/sent-copy.js';
import { EMAIL_KINDS, renderEmail } from '../../functions/domain/email/render.js';
import { sampleBranding, sampleContext, sampleLinks, type SampleKey } from '../../functions/domain/email/samples.js';
import { renderAllPreviews } from '../../scripts/preview-emails.js';

const contentOf = (r: { subject: string; html: string; text: string; headers: { name: string; value: string }[] }): SentContent => ({ subject: r.subject, html: r.html, text: r.text, headers: r.headers });

/** A receipt of a store and order the dictionary was not built from (other name, colour, host, sample). */
function unseenReceipt(key: SampleKey): SentContent {
  const branding = { ...sampleBranding, name: 'Acme Outdoor Gear', accentColor: '#b91c1c', supportEmail: 'care@acme.example', postalAddress: '1 Main Street\nPortland, OR 97201' };
  const links = JSON.parse(JSON.stringify(sampleLinks('ord_77Q1X9')).replaceAll('orders.nordlicht.example', 'shop.acme-gear.example')) as ReturnType<typeof sampleLinks>;
  return contentOf(renderEmail(sampleContext('receipt', key, { branding, links })));
}

describe('sent copies', () => {
  it('pins dictionary v1: copies packed with it can only be read with these exact bytes (a new dictionary is a new version)', () => {
    const dictionary = copyDictionaryV1();
    expect(dictionary.length).toBeLessThanOrEqual(32 * 1024);
    expect(createHash('sha256').update(dictionary).digest('hex')).toBe('edab87aa0dbd192d30e8eae86c228af8acdb49e26a9b2f4420924a5d75d2d7b2');
  });

  it('packs in format 1 and reads back every kind in every language exactly', () => {
    const previews = renderAllPreviews();
    expect(previews.length).toBe(EMAIL_KINDS.length * 3);
    for (const { rendered } of previews) {
      const packed = packContent(contentOf(rendered));
      expect(packed[0]).toBe(COPY_FORMAT_DEFLATE_V1);
      expect(unpackContent(packed)).toEqual(contentOf(rendered));
    }
  });

  it('reads back what the dictionary knows nothing of (other scripts, emoji, no headers)', () => {
    const content: SentContent = { subject: 'ご注文 #9 🎉', html: '<p>Ünïcödé — «ok»</p>', text: 'x\u0000y' };
    expect(unpackContent(packContent(content))).toEqual(content);
  });

  it('still reads the gzipped copies kept before the dictionary format', () => {
    const content = contentOf(renderEmail(sampleContext('shipping_confirmation', 'eur_de')));
    // What packContent stored until then: gzip of the same JSON.
    const old = new Uint8Array(gzipSync(Buffer.from(JSON.stringify(content), 'utf8')));
    expect(unpackContent(old)).toEqual(content);
  });

  it('reads nothing from what is no copy: absent, empty, damaged, an unknown format', () => {
    const packed = packContent({ subject: 's', html: 'h', text: 't' });
    expect(unpackContent(undefined)).toBeUndefined();
    expect(unpackContent('text')).toBeUndefined();
    expect(unpackContent(new Uint8Array())).toBeUndefined();
    expect(unpackContent(packed.subarray(0, packed.length - 2))).toBeUndefined();
    expect(unpackContent(Uint8Array.from([0x02, ...packed.subarray(1)]))).toBeUndefined();
  });

  it.each(['usd_en', 'kwd_en', 'eur_de'] as SampleKey[])('packs a receipt of a store it was not built from (%s) in at most 1.5 KB, where gzip takes over 2 KB', (key) => {
    const receipt = unseenReceipt(key);
    const json = Buffer.from(JSON.stringify(receipt), 'utf8');
    expect(json.length).toBeGreaterThan(12_000);
    expect(packContent(receipt).length).toBeLessThanOrEqual(1536);
    expect(gzipSync(json, { level: 9 }).length).toBeGreaterThan(2048);
  });
});
