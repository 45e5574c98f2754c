/** The console's order search and order page: timeline, emails as sent, workflow state, actions. */
import type { LoadedOrder } from '../../../adapters/order-store.js';
import { describePosition } from '../../walk.js';
import type { ConsoleSend } from '../../../adapters/console-store.js';
import type { LedgerEntry } from '../../lifecycle.js';
import { html, type SafeHtml } from '../../pages/html.js';
import type { Principal } from '../access.js';
import { consoleShell, fmtTime } from './layout.js';

export interface OrderDetail {
  store: string;
  orderId: string;
  loaded: LoadedOrder;
  sends: ConsoleSend[];
  stopped?: { by: string; at: string };
}

type Ledger = LedgerEntry & { deliveryStatus?: string; deliveryEvents?: { outcome: string; at: string }[] };

const base = (store: string, orderId: string) => `/console/stores/${encodeURIComponent(store)}/orders/${encodeURIComponent(orderId)}`;

export function orderSearchPage(o: { principal: Principal; csrf: string; store: string; q: string; searched: boolean; found: { orderId: string; orderName?: string; placedAt?: string; status: string }[] }): string {
  const enc = encodeURIComponent(o.store);
  const body = html`<h1>Orders</h1>
    <form method="get" action="/console/stores/${enc}/orders" class="stack" role="search">
      <label for="q">Order number or shopper email</label>
      <input id="q" name="q" type="search" value="${o.q}" required>
      <button type="submit">Search</button>
    </form>
    ${o.searched
      ? o.found.length
        ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Order</th><th scope="col">Placed</th><th scope="col">Status</th></tr></thead><tbody>
            ${o.found.map((f) => html`<tr><td><a href="${base(o.store, f.orderId)}">${f.orderName ?? f.orderId}</a></td><td>${fmtTime(f.placedAt)}</td><td>${f.status}</td></tr>`)}</tbody></table></div>`
        : html`<p role="status">No order of this store matches “${o.q}”.</p>`
      : ''}`;
  return consoleShell({ title: 'Orders', principal: o.principal, store: o.store, section: 'orders', csrf: o.csrf, body });
}

interface Entry {
  at: string;
  text: SafeHtml;
}

function timeline(d: OrderDetail): Entry[] {
  const out: Entry[] = [];
  for (const t of d.loaded.state.timeline) out.push({ at: t.at, text: html`<strong>${t.type.replace(/_/g, ' ')}</strong>${t.shipmentId ? html` · shipment ${t.shipmentId}` : ''}${t.message ? html` · ${t.message}` : ''}` });
  for (const l of d.loaded.ledger as Ledger[]) {
    out.push({ at: l.sentAt ?? l.claimedAt, text: html`✉ <strong>${l.kind.replace(/_/g, ' ')}</strong> (${l.ref}) ${l.status}${l.messageId ? html` · SES ${l.messageId}` : ''}${l.reason ? html` · ${l.reason}` : ''}` });
    for (const e of l.deliveryEvents ?? []) out.push({ at: e.at, text: html`↳ ${l.kind.replace(/_/g, ' ')}: ${e.outcome}` });
  }
  for (const s of d.sends) {
    out.push({
      at: s.at,
      text: s.type === 'resend'
        ? html`↻ <strong>resend</strong> of ${s.kind.replace(/_/g, ' ')} (${s.ref ?? ''}) by ${s.by}: ${s.status}${s.messageId ? html` · SES ${s.messageId}` : ''}`
        : html`↩ <strong>reply to shopper</strong> by ${s.by}: ${s.status}${s.messageId ? html` · SES ${s.messageId}` : ''}`,
    });
    for (const e of s.deliveryEvents ?? []) out.push({ at: e.at, text: html`↳ ${s.type}: ${e.outcome}` });
  }
  if (d.loaded.feedback) out.push({ at: d.loaded.feedback.at, text: html`★ <strong>rated ${d.loaded.feedback.rating}</strong>` });
  if (d.stopped) out.push({ at: d.stopped.at, text: html`■ <strong>pending mail stopped</strong> by ${d.stopped.by}` });
  // The walk's last moves (kept capped on its position): where it went, and why.
  for (const t of d.loaded.position?.history ?? []) out.push({ at: t.at, text: html`↪ ${t.from} → ${t.to}${t.cause ? html` · ${t.cause}` : ''}${t.sent ? html` · ${t.sent} sent` : ''}` });
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

export function orderDetailPage(o: { principal: Principal; csrf: string; detail: OrderDetail; requestId: string; notice?: string; show?: { kind: string; ref: string } }): string {
  const d = o.detail;
  const order = d.loaded.state.order;
  const url = base(d.store, d.orderId);
  const ledger = d.loaded.ledger as Ledger[];
  const body = html`<h1>Order ${order?.orderName ?? d.orderId}</h1>
    ${o.notice ? html`<p role="status" class="notice">${o.notice === 'resend' ? 'Resend recorded on the timeline.' : o.notice === 'stop' ? 'Pending mail stopped.' : 'Done.'}</p>` : ''}
    <div class="grid">
      <section class="card" aria-labelledby="state-title"><h2 id="state-title">State</h2>
        <table><tbody>
          <tr><th scope="row">Order id</th><td>${d.orderId}</td></tr>
          <tr><th scope="row">Shopper</th><td>${order?.customer.email ?? '—'}</td></tr>
          <tr><th scope="row">Placed</th><td>${fmtTime(order?.placedAt)}</td></tr>
          <tr><th scope="row">Status</th><td>${d.loaded.state.status}</td></tr>
          <tr><th scope="row">Workflow</th><td>${d.stopped ? `mail stopped by ${d.stopped.by}; ` : ''}${describePosition(d.loaded.position)}</td></tr>
          <tr><th scope="row">Mail to shopper</th><td>${d.loaded.suppressed ? 'suppressed (bounce or complaint)' : d.loaded.unsubscribed ? 'unsubscribed from non-essential mail' : 'allowed'}</td></tr>
        </tbody></table>
        ${d.stopped
          ? ''
          : html`<form method="post" action="${url}/stop"><input type="hidden" name="csrf" value="${o.csrf}"><button type="submit" class="secondary">Stop pending mail for this order</button></form>`}
      </section>
      <section class="card" aria-labelledby="emails-title"><h2 id="emails-title">Emails</h2>
        ${ledger.length
          ? html`<ul class="emails">${ledger.map((l) => html`<li><a href="${url}?email=${encodeURIComponent(l.kind)}&amp;ref=${encodeURIComponent(l.ref)}#email">${l.kind.replace(/_/g, ' ')} (${l.ref})</a>
              · ${l.status}${l.messageId ? html` · <code>${l.messageId}</code>` : ''}${l.deliveryStatus ? html` · ${l.deliveryStatus}` : ''}</li>`)}</ul>`
          : html`<p>No email yet.</p>`}
      </section>
    </div>
    ${o.show ? emailSection(o, url, ledger) : ''}
    <section class="card" aria-labelledby="timeline-title" id="timeline"><h2 id="timeline-title">Timeline</h2>
      <ol class="timeline">${timeline(d).map((e) => html`<li><span class="when">${fmtTime(e.at)}</span>${e.text}</li>`)}</ol>
    </section>`;
  return consoleShell({ title: `Order ${order?.orderName ?? d.orderId}`, principal: o.principal, store: d.store, section: 'orders', csrf: o.csrf, body });
}

function emailSection(o: { csrf: string; requestId: string; show?: { kind: string; ref: string } }, url: string, ledger: Ledger[]): SafeHtml {
  const l = ledger.find((x) => x.kind === o.show!.kind && x.ref === o.show!.ref);
  if (!l) return html`<p role="alert">No such email on this order.</p>`;
  const doc = `${url}/emails/${encodeURIComponent(l.kind)}/${encodeURIComponent(l.ref)}`;
  return html`<section class="card" aria-labelledby="email-title" id="email"><h2 id="email-title">${l.kind.replace(/_/g, ' ')} as sent</h2>
    <p>${l.status}${l.sentAt ? html` ${fmtTime(l.sentAt)}` : ''}${l.messageId ? html` · SES message id <code>${l.messageId}</code>` : ''}</p>
    <p>Delivery: ${(l.deliveryEvents ?? []).length ? (l.deliveryEvents ?? []).map((e) => html`${e.outcome} ${fmtTime(e.at)}; `) : 'no event from SES yet'}</p>
    <iframe class="email" title="The ${l.kind.replace(/_/g, ' ')} as sent" src="${doc}" sandbox></iframe>
    <p><a href="${doc}?part=text">Plain-text part</a></p>
    ${l.status === 'sent'
      ? html`<form method="post" action="${url}/resend" class="actions">
          <input type="hidden" name="csrf" value="${o.csrf}"><input type="hidden" name="kind" value="${l.kind}"><input type="hidden" name="ref" value="${l.ref}"><input type="hidden" name="requestId" value="${o.requestId}">
          <button type="submit">Resend this email to the shopper</button></form>`
      : ''}
  </section>`;
}
