/**
 * The only ways text and links from orders, store config and platforms reach an email. Every
 * string the renderer writes passes through `cleanText` and, in HTML, `escapeHtml`; every link
 * is a `SafeUrl`, which only `safeUrl` can make, so an unchecked href does not type-check.
 */

/** A link that has been checked to be absolute http(s). */
export type SafeUrl = string & { readonly __brand: 'SafeUrl' };

// C0/C1 controls (CR, LF, NUL, ESC…), Unicode line/paragraph separators, and bidi overrides
// that could make "gpj.exe" read as "exe.jpg".
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Text with control characters replaced by spaces and runs of spaces collapsed; never multi-line. */
export function cleanText(value: string): string {
  return value.replace(UNSAFE_CHARS, ' ').replace(/ {2,}/g, ' ').trim();
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in element content and in double- or single-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Cleaned and escaped: the form every piece of text takes in the HTML part. */
export function html(value: string): string {
  return escapeHtml(cleanText(value));
}

/**
 * The URL, normalized, when it is absolute http or https; undefined for anything else
 * (javascript:, data:, relative, malformed). The WHATWG parser strips tabs and newlines and
 * percent-encodes quotes and angle brackets, so the result cannot break out of an attribute or
 * a header either.
 */
export function safeUrl(raw: string | undefined): SafeUrl | undefined {
  if (typeof raw !== 'string' || raw.length > 4096) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.href as SafeUrl;
}

/** A single-line header value: no CR/LF or other control characters, bounded length. */
export function headerText(value: string, maxLength = 250): string {
  const cleaned = cleanText(value);
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 1).trimEnd()}…` : cleaned;
}

// Deliberately narrower than RFC 5322: nothing that could close "<mailto:…>" or add a recipient.
const PLAIN_EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** The address when it is plain enough to put in a mailto: header, else undefined. */
export function plainEmail(value: string): string | undefined {
  const trimmed = value.trim();
  return PLAIN_EMAIL.test(trimmed) ? trimmed : undefined;
}

const DEFAULT_ACCENT = '#1a73e8';

/** The store's accent colour if it is a #rrggbb hex, else ours: it goes into inline CSS. */
export function safeColor(value: string | undefined): string {
  return value && /^#[0-9a-fA-F]{6}$/.test(value) ? value.toLowerCase() : DEFAULT_ACCENT;
}

/** White or near-black, whichever reads better on the given #rrggbb background (WCAG luminance). */
export function textColorOn(background: string): string {
  const channel = (i: number) => {
    const c = parseInt(background.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  // Contrast against white is 1.05/(L+0.05); against #111 roughly (L+0.05)/0.056.
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.056 ? '#ffffff' : '#111111';
}
