/** Shopper-facing language: catalogues, locale resolution and Intl formatting. */
import { de } from './de.js';
import { en } from './en.js';
import { fr } from './fr.js';
import type { Language } from './locale.js';
import type { Messages } from './messages.js';

export const catalogues: Readonly<Record<Language, Messages>> = { en, de, fr };

export function messagesFor(language: Language): Messages {
  return catalogues[language];
}

export type { Messages, PaymentStatus, DelayReason, KnownCancelReason } from './messages.js';
export { resolveLocale, pickLocale, formattingLocale, canonicalLocale, LANGUAGES, type Language } from './locale.js';
export { formatMoney, formatDate, formatPercent, negated, isZero } from './format.js';
