/**
 * The page shell: language, branding, styles and the Content-Security-Policy that goes with
 * them. The only inline resource is the <style> block, allowed by its hash, so no script of any
 * origin can run even if something unescaped ever slipped into a page.
 */
import { createHash } from 'node:crypto';
import { commonMessagesFor, type Language } from '../i18n/index.js';
import { readableOn, textOn } from './color.js';
import { html, SafeHtml } from './html.js';
import { pageMessages, trackPageMessages, type PageMessages, type TrackPageMessages } from './i18n/index.js';

/** What a page shows of a store; everything optional but the colour, for pages with no store yet. */
export interface PageBrand {
  name?: string;
  accentColor: string;
  logoUrl?: string;
  supportEmail?: string;
}

export const neutralBrand: PageBrand = { accentColor: '#1a73e8' };

/** Who the page is for: the catalogue language, the locale dates follow, and their time zone. */
export interface PageContext {
  language: Language;
  /** Full BCP 47 tag for Intl, agreeing with `language` (see i18n/locale.ts formattingLocale). */
  locale: string;
  timeZone?: string;
  brand: PageBrand;
}

export interface RenderedPage {
  status: number;
  html: string;
  /** The Content-Security-Policy this exact markup needs. */
  csp: string;
}

/** The pages' own sentences in the page's language. */
export function pageText(ctx: PageContext): PageMessages {
  return pageMessages[ctx.language];
}

/** The tracking and lookup pages' sentences in the page's language. */
export function trackPageText(ctx: PageContext): TrackPageMessages {
  return trackPageMessages[ctx.language];
}

const HEX = /^#[0-9a-fA-F]{6}$/;

function styles(accent: string): string {
  const base = HEX.test(accent) ? accent : neutralBrand.accentColor;
  // The accent as a fill keeps the brand colour with black or white text on it; as text on
  // white it is darkened until it passes AA.
  const fg = textOn(base);
  const link = readableOn(base);
  return `
:root{color-scheme:light;--accent:${base};--on-accent:${fg};--link:${link}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f7f9}
header{background:var(--accent);color:var(--on-accent);padding:12px 20px}
header .brand{margin:0;font-weight:600;font-size:1.1rem;display:flex;align-items:center;gap:10px}
header img{max-height:32px;width:auto}
main{max-width:640px;margin:24px auto;padding:24px;background:#fff;border-radius:8px}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 8px}
h2{font-size:1.15rem;margin:28px 0 8px}
h3{font-size:1rem;margin:0 0 4px}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid var(--link);outline-offset:2px}
.muted{color:#57606a}
.notice{border-left:4px solid #9a6700;background:#fff8c5;padding:10px 14px;margin:16px 0}
.error{border-left:4px solid #cf222e;background:#ffebe9;padding:10px 14px;margin:16px 0}
.status{font-size:1.1rem;margin:12px 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:8px 0}
dt{font-weight:600}
dd{margin:0}
ol.timeline{list-style:none;padding:0;margin:0;border-left:2px solid #d0d7de}
ol.timeline li{position:relative;padding:0 0 14px 18px}
ol.timeline li::before{content:"";position:absolute;left:-7px;top:6px;width:12px;height:12px;border-radius:50%;background:var(--accent);border:2px solid #fff}
.shipment{border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:12px 0}
ul.items{padding-left:20px;margin:8px 0}
label{display:block;font-weight:600;margin:16px 0 4px}
.hint{display:block;font-weight:400;color:#57606a;font-size:.9rem}
input,select,textarea{font:inherit;width:100%;padding:8px 10px;border:1px solid #6e7781;border-radius:6px;background:#fff;color:#1f2328}
textarea{min-height:8rem;resize:vertical}
button{font:inherit;font-weight:600;margin-top:16px;padding:10px 18px;border:0;border-radius:6px;background:var(--accent);color:var(--on-accent);cursor:pointer}
.stars{font-size:1.6rem;letter-spacing:2px;color:#9a6700}
footer{max-width:640px;margin:0 auto 32px;padding:0 24px;color:#57606a;font-size:.9rem}
fieldset{border:0;padding:0;margin:16px 0 0}
legend{font-weight:600;padding:0}
.choices label{display:inline-block;font-weight:400;margin:4px 14px 4px 0}
.choices input{width:auto;margin-right:4px}
.review-form{border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:16px 0}
.review{border-top:1px solid #d0d7de;padding:14px 0}
.reply{border-left:4px solid var(--accent);padding:6px 12px;margin:8px 0;background:#f6f7f9}
img.photo{max-width:100%;height:auto;border-radius:4px;margin:6px 0}
table.dist{border-collapse:collapse}
table.dist td,table.dist th{padding:2px 10px 2px 0;text-align:left;font-weight:400}
.code{font:600 1.2rem ui-monospace,monospace;letter-spacing:1px}
`;
}

export function renderLayout(ctx: PageContext, page: { status: number; title: string; body: SafeHtml; frameAncestors?: string }): RenderedPage {
  const common = commonMessagesFor(ctx.language);
  const { brand } = ctx;
  const css = styles(brand.accentColor);
  const hash = createHash('sha256').update(css).digest('base64');
  const title = brand.name ? `${page.title} · ${brand.name}` : page.title;
  const markup = html`<!doctype html>
<html lang="${ctx.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<style>${new SafeHtml(css)}</style>
</head>
<body>
${brand.name || brand.logoUrl ? html`<header><p class="brand">${brand.logoUrl ? html`<img src="${brand.logoUrl}" alt="">` : ''}${brand.name ?? ''}</p></header>` : ''}
<main>
${page.body}
</main>
${brand.supportEmail ? html`<footer><p>${common.questions(brand.supportEmail)}</p></footer>` : ''}
</body>
</html>
`;
  return {
    status: page.status,
    html: markup.value,
    csp: [
      "default-src 'none'",
      `style-src 'sha256-${hash}'`,
      // 'self': review photos are served from this origin (functions/domain/pages/review-routes.ts).
      "img-src 'self' https:",
      "form-action 'self'",
      "base-uri 'none'",
      // The review snippet is made to be framed by the store's own site; every other page refuses it.
      `frame-ancestors ${page.frameAncestors ?? "'none'"}`,
    ].join('; '),
  };
}
