/** Shopper-facing language: catalogues, locale resolution and Intl formatting. */
import { de, deCommon } from './de.js';
import { en, enCommon } from './en.js';
import { fr, frCommon } from './fr.js';
import type { Language } from './locale.js';
import type { CommonMessages, Messages } from './messages.js';

export const catalogues: Readonly<Record<Language, Messages>> = { en, de, fr };

export function messagesFor(language: Language): Messages {
  return catalogues[language];
}

/** Only the shared lines: what uses nothing else (the page shell, participation emails) bundles no order email's sentences. */
const commonCatalogues: Readonly<Record<Language, CommonMessages>> = { en: enCommon, de: deCommon, fr: frCommon };

export function commonMessagesFor(language: Language): CommonMessages {
  return commonCatalogues[language];
}

export type { Messages, CommonMessages, PaymentStatus, DelayReason, KnownCancelReason } from './messages.js';
export { resolveLocale, pickLocale, formattingLocale, canonicalLocale, LANGUAGES, type Language } from './locale.js';
export { formatMoney, formatDate, formatPercent, negated, isZero } from './format.js';
