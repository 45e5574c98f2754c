/**
 * The text/html part. Table layout with inline styles, because Outlook and several webmail
 * clients ignore or strip <style>; the one <style> block only adds what inline CSS cannot say
 * (dark mode, narrow screens) and the email still reads correctly where it is dropped.
 */
import type { Block, EmailDoc, Frame, ItemRow } from './document.js';
import { escapeHtml, html } from './safe.js';

const FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";
const TEXT = '#1f2937';
const MUTED = '#6b7280';
const RULE = '#e5e7eb';
const PAGE = '#f3f4f6';
const CARD = '#ffffff';
const TABLE = 'role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"';

// Pushes the body text out of the inbox preview so only the preheader shows there.
const PREHEADER_FILLER = '&#847;&zwnj;&nbsp;'.repeat(40);

const HEAD_STYLE = `<style>
:root{color-scheme:light dark;supported-color-schemes:light dark}
@media (prefers-color-scheme: dark){
.pp-page{background-color:#111827 !important}
.pp-card{background-color:#1f2937 !important}
.pp-text{color:#f3f4f6 !important}
.pp-muted{color:#9ca3af !important}
.pp-rule{border-color:#374151 !important}
}
@media only screen and (max-width:620px){
.pp-pad{padding-left:16px !important;padding-right:16px !important}
.pp-thumb{display:none !important}
}
</style>`;

function row(content: string, padding = '8px 32px'): string {
  return `<tr><td class="pp-pad" style="padding:${padding};">${content}</td></tr>`;
}

/** A paragraph around markup that is already safe; `paragraph` is the one for plain text. */
function p(safeHtml: string, muted = false, size = 16): string {
  return `<p class="${muted ? 'pp-muted' : 'pp-text'}" style="margin:0;${FONT}font-size:${size}px;line-height:${Math.round(size * 1.5)}px;color:${muted ? MUTED : TEXT};">${safeHtml}</p>`;
}

function paragraph(text: string, muted = false, size = 16): string {
  return p(html(text), muted, size);
}

function sectionTitle(text: string): string {
  return `<h2 class="pp-text" style="margin:0 0 8px;${FONT}font-size:14px;line-height:20px;font-weight:600;text-transform:uppercase;letter-spacing:0.04em;color:${TEXT};">${html(text)}</h2>`;
}

function button(label: string, href: string, frame: Frame): string {
  return `<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr><td align="center" bgcolor="${frame.accent}" style="border-radius:6px;background-color:${frame.accent};"><a href="${escapeHtml(href)}" target="_blank" rel="noopener" style="display:inline-block;padding:12px 24px;${FONT}font-size:16px;line-height:20px;font-weight:600;color:${frame.accentText};text-decoration:none;border-radius:6px;">${html(label)}</a></td></tr></table>`;
}

function link(label: string, href: string, frame: Frame): string {
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener" style="color:${frame.accent};text-decoration:underline;">${html(label)}</a>`;
}

function item(i: ItemRow): string {
  const thumb = i.imageUrl
    ? `<td class="pp-thumb" width="64" valign="top" style="padding:8px 12px 8px 0;"><img src="${escapeHtml(i.imageUrl)}" width="64" height="64" alt="" style="display:block;width:64px;height:64px;border-radius:4px;object-fit:cover;border:0;"></td>`
    : '';
  const variant = i.variant ? `<br><span class="pp-muted" style="color:${MUTED};font-size:14px;">${html(i.variant)}</span>` : '';
  const amount = i.amount
    ? `<td class="pp-text" align="right" valign="top" style="padding:8px 0;${FONT}font-size:15px;line-height:22px;color:${TEXT};white-space:nowrap;">${html(i.amount)}</td>`
    : '';
  return `<tr>${thumb}<td class="pp-text" valign="top" style="padding:8px 12px 8px 0;${FONT}font-size:15px;line-height:22px;color:${TEXT};"><strong>${html(i.title)}</strong>${variant}<br><span class="pp-muted" style="color:${MUTED};font-size:14px;">${html(i.detail)}</span></td>${amount}</tr>`;
}

function block(b: Block, frame: Frame): string {
  switch (b.type) {
    case 'heading':
      return row(`<h1 class="pp-text" style="margin:0;${FONT}font-size:24px;line-height:32px;font-weight:700;color:${TEXT};">${html(b.text)}</h1>`, '24px 32px 8px');
    case 'paragraph':
      return row(paragraph(b.text, b.muted));
    case 'quote':
      return row(
        `<table ${TABLE}><tr><td class="pp-rule" style="border-left:3px solid ${frame.accent};padding:4px 0 4px 12px;">${paragraph(b.label, true, 14)}${paragraph(b.text)}</td></tr></table>`,
      );
    case 'button':
      return row(button(b.label, b.href, frame), '16px 32px');
    case 'link':
      return row(p(link(b.label, b.href, frame), false, 15));
    case 'items':
      return row(`${sectionTitle(b.title)}<table ${TABLE} class="pp-rule" style="border-top:1px solid ${RULE};">${b.items.map(item).join('')}</table>`, '16px 32px 0');
    case 'summary':
      return row(
        `<table ${TABLE} class="pp-rule" style="border-top:1px solid ${RULE};">${b.rows
          .map((r) => {
            const style = r.emphasis
              ? `${FONT}font-size:17px;line-height:24px;font-weight:700;color:${TEXT};padding:10px 0 4px;border-top:1px solid ${RULE};`
              : `${FONT}font-size:15px;line-height:22px;color:${TEXT};padding:4px 0;`;
            return `<tr><td class="pp-text pp-rule" style="${style}">${html(r.label)}</td><td class="pp-text pp-rule" align="right" style="${style}white-space:nowrap;">${html(r.value)}</td></tr>`;
          })
          .join('')}</table>`,
        '4px 32px 8px',
      );
    case 'facts':
      return row(
        `${b.title ? sectionTitle(b.title) : ''}<table ${TABLE}>${b.rows
          .map(
            (r) =>
              `<tr><td class="pp-muted" valign="top" style="${FONT}font-size:14px;line-height:22px;color:${MUTED};padding:3px 12px 3px 0;width:40%;">${html(r.label)}</td><td class="pp-text" valign="top" style="${FONT}font-size:15px;line-height:22px;color:${TEXT};padding:3px 0;">${r.href ? link(r.value, r.href, frame) : html(r.value)}</td></tr>`,
          )
          .join('')}</table>`,
        '12px 32px',
      );
    case 'address':
      return row(`${sectionTitle(b.title)}${p(b.lines.map(html).join('<br>'), false, 15)}`, '12px 32px');
    case 'rating': {
      const cells = b.options
        .map((o) => {
          const stars = `<span style="font-size:26px;line-height:30px;color:${frame.accent};">★</span><br><span class="pp-text" style="${FONT}font-size:14px;line-height:20px;font-weight:600;color:${TEXT};">${o.score}</span>`;
          const inner = o.href
            ? `<a href="${escapeHtml(o.href)}" target="_blank" rel="noopener" title="${html(o.label)}" aria-label="${html(o.label)}" style="display:block;padding:8px 0;text-decoration:none;border:1px solid ${RULE};border-radius:6px;">${stars}</a>`
            : `<span style="display:block;padding:8px 0;">${stars}</span>`;
          return `<td align="center" width="20%" style="padding:0 4px;">${inner}</td>`;
        })
        .join('');
      return row(
        `${paragraph(b.prompt)}<table ${TABLE} style="margin-top:12px;"><tr>${cells}</tr></table><table ${TABLE} style="margin-top:6px;"><tr><td class="pp-muted" style="${FONT}font-size:13px;color:${MUTED};">${html(b.low)}</td><td class="pp-muted" align="right" style="${FONT}font-size:13px;color:${MUTED};">${html(b.high)}</td></tr></table>`,
        '12px 32px',
      );
    }
  }
}

function header(frame: Frame): string {
  const name = html(frame.storeName);
  const brand = frame.logoUrl
    ? `<img src="${escapeHtml(frame.logoUrl)}" alt="${name}" height="40" style="display:block;height:40px;width:auto;max-width:200px;border:0;">`
    : `<span class="pp-text" style="${FONT}font-size:20px;line-height:28px;font-weight:700;color:${TEXT};">${name}</span>`;
  return row(brand, '24px 32px 0');
}

function footer(frame: Frame): string {
  const small = `${FONT}font-size:12px;line-height:18px;color:${MUTED};`;
  const lines = [
    `<strong>${html(frame.storeName)}</strong><br>${frame.postalAddress.map(html).join('<br>')}`,
    html(frame.questions),
    html(frame.footerWhy),
  ];
  if (frame.unsubscribe) {
    lines.push('text' in frame.unsubscribe ? html(frame.unsubscribe.text) : link(frame.unsubscribe.label, frame.unsubscribe.href, frame));
  }
  return `<tr><td class="pp-pad pp-rule" style="padding:24px 32px 32px;border-top:1px solid ${RULE};">${lines
    .map((l) => `<p class="pp-muted" style="margin:0 0 8px;${small}">${l}</p>`)
    .join('')}</td></tr>`;
}

export function renderHtml(doc: EmailDoc, frame: Frame): string {
  return `<!DOCTYPE html>
<html lang="${escapeHtml(frame.lang)}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="x-apple-disable-message-reformatting">
<meta name="format-detection" content="telephone=no,address=no,email=no,date=no">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${html(doc.subject)}</title>
${HEAD_STYLE}
</head>
<body class="pp-page" style="margin:0;padding:0;width:100%;background-color:${PAGE};">
<div style="display:none;max-height:0;max-width:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;opacity:0;color:transparent;">${html(doc.preheader)}${PREHEADER_FILLER}</div>
<table ${TABLE} class="pp-page" bgcolor="${PAGE}" style="background-color:${PAGE};">
<tr><td align="center" style="padding:24px 8px;">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table ${TABLE} class="pp-card" bgcolor="${CARD}" style="width:100%;max-width:600px;background-color:${CARD};border-radius:8px;">
${header(frame)}
${doc.blocks.map((b) => block(b, frame)).join('\n')}
${row('', '8px 32px')}
${footer(frame)}
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
`;
}
