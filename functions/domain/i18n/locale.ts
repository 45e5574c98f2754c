/**
 * Which language an email is written in, and which full locale its numbers and dates follow.
 * The catalogue language is coarse (en, de, fr) but formatting keeps the region: a shopper in
 * Zurich reads German text with Swiss number grouping.
 */

export type Language = 'en' | 'de' | 'fr';
export const LANGUAGES: readonly Language[] = ['en', 'de', 'fr'];

function isLanguage(value: string | undefined): value is Language {
  return value === 'en' || value === 'de' || value === 'fr';
}

/** The primary language subtag, lower-cased: "de_AT" → "de". */
function languageOf(tag: string | undefined): string | undefined {
  const primary = tag?.trim().split(/[-_]/)[0]?.toLowerCase();
  return primary || undefined;
}

/** The catalogue to use: the customer's language if we have it, else the store's, else English. */
export function resolveLocale(customerLocale?: string, storeDefault?: string): Language {
  const customer = languageOf(customerLocale);
  if (isLanguage(customer)) return customer;
  const store = languageOf(storeDefault);
  return isLanguage(store) ? store : 'en';
}

const canonicalCache = new Map<string, string | undefined>();

/** A valid, canonical BCP 47 tag ("de_at" → "de-AT"), or undefined when Intl rejects it. */
export function canonicalLocale(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  if (canonicalCache.has(tag)) return canonicalCache.get(tag);
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(tag.trim().replace(/_/g, '-'))[0];
  } catch {
    canonical = undefined;
  }
  // Tags come from orders, so bound the cache rather than trust their variety.
  if (canonicalCache.size > 500) canonicalCache.clear();
  canonicalCache.set(tag, canonical);
  return canonical;
}

/**
 * The full locale to put in `EmailContext.locale`: the customer's tag when its language is one
 * we write, else the store default's, else "en". Passing the customer's pt-BR tag straight
 * through would give English text with Brazilian number formats; this picks the store's tag.
 */
export function pickLocale(customerLocale?: string, storeDefault?: string): string {
  for (const tag of [customerLocale, storeDefault]) {
    const canonical = canonicalLocale(tag);
    if (canonical && isLanguage(languageOf(canonical))) return canonical;
  }
  return 'en';
}

/**
 * The locale to format numbers and dates with, given the tag we were handed and the
 * catalogue language chosen from it: the full tag when it agrees with the text, otherwise the
 * bare language so that "Total: 1.234,50 €" never appears in an English sentence.
 */
export function formattingLocale(tag: string | undefined, language: Language): string {
  const canonical = canonicalLocale(tag);
  return canonical && languageOf(canonical) === language ? canonical : language;
}
