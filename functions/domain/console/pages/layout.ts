/**
 * The console's page shell: navigation for the signed-in merchant's stores, the sign-out form,
 * and a Content-Security-Policy that allows scripts and styles from the console's own assets
 * only (uPlot and the chart script are served with the page, no CDN), frames from the console
 * itself (an email as sent) and nothing inline.
 */
import { html, SafeHtml } from '../../pages/html.js';
import type { Principal } from '../access.js';

export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export type Section = 'overview' | 'orders' | 'feedback' | 'dead-letters';

export interface ShellOptions {
  title: string;
  principal?: Principal;
  /** The store the page is about (its navigation links). */
  store?: string;
  section?: Section;
  csrf?: string;
  /** Extra asset scripts (paths under /console/assets/). */
  scripts?: string[];
  styles?: string[];
  body: SafeHtml;
}

const link = (href: string, label: string, current: boolean) => html`<a href="${href}"${current ? new SafeHtml(' aria-current="page"') : ''}>${label}</a>`;

export function consoleShell(o: ShellOptions): string {
  const p = o.principal;
  const store = o.store ?? p?.stores[0];
  const enc = store ? encodeURIComponent(store) : '';
  const nav = p
    ? html`<nav aria-label="Console">
        ${store ? link(`/console/stores/${enc}/overview`, 'Overview', o.section === 'overview') : ''}
        ${store ? link(`/console/stores/${enc}/orders`, 'Orders', o.section === 'orders') : ''}
        ${store ? link(`/console/stores/${enc}/feedback`, 'Feedback', o.section === 'feedback') : ''}
        ${link('/console/dead-letters', 'Dead letters', o.section === 'dead-letters')}
      </nav>
      <div class="who">
        ${p.stores.length > 1
          ? html`<form method="get" action="/console/stores" class="store-picker"><label for="store-pick">Store</label>
              <select id="store-pick" name="store">${p.stores.map((s) => html`<option value="${s}"${s === store ? new SafeHtml(' selected') : ''}>${s}</option>`)}</select>
              <button type="submit">Open</button></form>`
          : store ? html`<span class="store">${store}</span>` : ''}
        <span class="user">${p.username}</span>
        <form method="post" action="/console/sign-out"><input type="hidden" name="csrf" value="${o.csrf ?? ''}"><button type="submit">Sign out</button></form>
      </div>`
    : '';
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · postpurchase console</title>
<link rel="stylesheet" href="/console/assets/console.css">${(o.styles ?? []).map((s) => html`<link rel="stylesheet" href="/console/assets/${s}">`)}
${(o.scripts ?? []).map((s) => html`<script src="/console/assets/${s}" defer></script>`)}
</head><body><header><p class="brand">postpurchase console</p>${nav}</header>
<main id="main">${o.body}</main></body></html>`}`;
}

/** A short error page (403, 404, 409, ...). */
export function messagePage(o: Omit<ShellOptions, 'body'> & { heading: string; text: string; back?: string }): string {
  return consoleShell({ ...o, body: html`<h1>${o.heading}</h1><p>${o.text}</p>${o.back ? html`<p><a href="${o.back}">Back</a></p>` : ''}` });
}

export const fmtTime = (iso: string | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC') : '—');

/** JSON for a `<script type="application/json">` data block: nothing in it can close the element. */
export const jsonData = (value: unknown) => new SafeHtml(JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'));
