/** Shopper-facing language: catalogues, locale resolution and Intl formatting. */
import { de, deCancellation, deCommon, deDelay, deReceipt, deShipping } from './de.js';
import { en, enCancellation, enCommon, enDelay, enReceipt, enShipping } from './en.js';
import { fr, frCancellation, frCommon, frDelay, frReceipt, frShipping } from './fr.js';
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

/** The sections the tracking page says in the emails' words; the other emails' sentences stay out of the pages bundle. */
export type TrackingMessages = Pick<Messages, 'common' | 'receipt' | 'shipping' | 'delay' | 'cancellation'>;

const trackingCatalogues: Readonly<Record<Language, TrackingMessages>> = {
  en: { common: enCommon, receipt: enReceipt, shipping: enShipping, delay: enDelay, cancellation: enCancellation },
  de: { common: deCommon, receipt: deReceipt, shipping: deShipping, delay: deDelay, cancellation: deCancellation },
  fr: { common: frCommon, receipt: frReceipt, shipping: frShipping, delay: frDelay, cancellation: frCancellation },
};

export function trackingMessagesFor(language: Language): TrackingMessages {
  return trackingCatalogues[language];
}

export type { Messages, CommonMessages, PaymentStatus, DelayReason, KnownCancelReason } from './messages.js';
export { resolveLocale, pickLocale, formattingLocale, canonicalLocale, LANGUAGES, type Language } from './locale.js';
export { formatMoney, formatDate, formatPercent, negated, isZero } from './format.js';
