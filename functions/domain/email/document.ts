/**
 * What an email says, before it is HTML or text. Each kind builds one of these from plain
 * strings; the two renderers (html-part.ts, text-part.ts) turn it into the two MIME parts. Kinds
 * therefore never write markup, escaping lives in one place, and the text part cannot drift
 * from the HTML.
 */
import type { Branding } from '../store-config.js';
import { cleanText, safeColor, safeUrl, textColorOn, type SafeUrl } from './safe.js';

export interface ItemRow {
  title: string;
  variant?: string;
  /** "Qty 2 · €10.00 each" */
  detail: string;
  /** The line total; absent where prices do not belong (a shipment's contents). */
  amount?: string;
  imageUrl?: SafeUrl;
}

export interface SummaryRow {
  label: string;
  value: string;
  /** The total: bold, with a rule above. */
  emphasis?: boolean;
}

export interface FactRow {
  label: string;
  value: string;
  href?: SafeUrl;
}

export interface RatingOption {
  score: 1 | 2 | 3 | 4 | 5;
  /** "3 stars", for screen readers and the text part. */
  label: string;
  href?: SafeUrl;
}

export type Block =
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string; muted?: boolean }
  | { type: 'quote'; label: string; text: string }
  | { type: 'button'; label: string; href: SafeUrl }
  | { type: 'link'; label: string; href: SafeUrl }
  | { type: 'items'; title: string; items: ItemRow[] }
  | { type: 'summary'; rows: SummaryRow[] }
  | { type: 'facts'; title?: string; rows: FactRow[] }
  | { type: 'address'; title: string; lines: string[] }
  | { type: 'rating'; prompt: string; low: string; high: string; options: RatingOption[] };

export interface EmailDoc {
  subject: string;
  /** The inbox preview line. */
  preheader: string;
  blocks: Block[];
}

/** Everything around the content: branding and the footer, the same for every kind. */
export interface Frame {
  /** BCP 47 tag for <html lang>. */
  lang: string;
  storeName: string;
  logoUrl?: SafeUrl;
  accent: string;
  accentText: string;
  postalAddress: string[];
  colon: string;
  footerWhy: string;
  questions: string;
  /** Non-essential kinds only: a link when the store has an unsubscribe page, else a sentence. */
  unsubscribe?: { label: string; href: SafeUrl } | { text: string };
}

/** The store's part of a frame, the same for every email: its name, logo, accent and postal address, made safe. */
export function brandingFrame(b: Branding, lang: string): Pick<Frame, 'lang' | 'storeName' | 'logoUrl' | 'accent' | 'accentText' | 'postalAddress'> {
  const accent = safeColor(b.accentColor);
  return {
    lang,
    storeName: b.name,
    logoUrl: safeUrl(b.logoUrl),
    accent,
    accentText: textColorOn(accent),
    postalAddress: b.postalAddress.split(/\r\n|\r|\n/).map(cleanText).filter(Boolean),
  };
}
