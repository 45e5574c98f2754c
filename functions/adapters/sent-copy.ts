/**
 * The stored form of a sent email's copy (the COPY# item's `content`, order-ledger.ts putCopy;
 * read by the console, console-store.ts). Its first byte says the format:
 *
 * | first byte | format                                                                       |
 * |------------|------------------------------------------------------------------------------|
 * | 0x1f       | gzip of the JSON (0x1f 0x8b is gzip's magic): copies kept before format 1    |
 * | 0x01       | raw deflate, level 9, of the JSON with preset dictionary v1 (copy-dictionary-v1.ts) |
 *
 * A receipt's JSON (13-14 KB) gzipped is ~2.3 KB (3 write units with the item's other
 * attributes); with the dictionary, made of the templates' own boilerplate, ~0.5 KB (1 unit).
 * A dictionary never changes once shipped; a new one is a new first byte, and every old
 * format stays readable as long as copies of it may exist (the table's retention).
 */
import { gunzipSync, deflateRawSync, inflateRawSync } from 'node:zlib';
import { COPY_DICTIONARY_V1_DEFLATED } from '../domain/email/copy-dictionary-v1.js';

/** An email as it went out, kept so the console can show and resend it as sent. */
export interface SentContent {
  subject: string;
  html: string;
  text: string;
  headers?: { name: string; value: string }[];
}

/** The format byte of copies packed now. */
export const COPY_FORMAT_DEFLATE_V1 = 0x01;

let dictionaryV1: Buffer | undefined;
/** Preset dictionary v1: inflated once, on first use (shipped deflated: 5 KB of bundle, not 33). */
export const copyDictionaryV1 = (): Buffer => (dictionaryV1 ??= inflateRawSync(Buffer.from(COPY_DICTIONARY_V1_DEFLATED, 'base64')));

/** The copy as stored: format byte 1, then the JSON deflated against dictionary v1. */
export function packContent(content: SentContent): Uint8Array {
  const deflated = deflateRawSync(Buffer.from(JSON.stringify(content), 'utf8'), { level: 9, dictionary: copyDictionaryV1() });
  const packed = Buffer.allocUnsafe(deflated.length + 1);
  packed[0] = COPY_FORMAT_DEFLATE_V1;
  deflated.copy(packed, 1);
  return packed;
}

/** The content of a stored copy in any format it was ever kept in, if it can be read. */
export function unpackContent(value: unknown): SentContent | undefined {
  if (!(value instanceof Uint8Array) || value.length < 2) return undefined;
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  try {
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) return JSON.parse(gunzipSync(bytes).toString('utf8')) as SentContent;
    if (bytes[0] === COPY_FORMAT_DEFLATE_V1) return JSON.parse(inflateRawSync(bytes.subarray(1), { dictionary: copyDictionaryV1() }).toString('utf8')) as SentContent;
  } catch {
    /* damaged: as if none was kept */
  }
  return undefined;
}
