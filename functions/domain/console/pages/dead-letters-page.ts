/** Dead letters: list, inspect one, replay all (ops). */
import type { DeadLetter } from '../../../adapters/dead-letters.js';
import { html } from '../../pages/html.js';
import type { Principal } from '../access.js';
import { consoleShell, fmtTime } from './layout.js';

export function deadLettersPage(o: { principal: Principal; csrf: string; letters: DeadLetter[]; total: number; inspect?: string; notice?: string }): string {
  const shown = o.letters.find((l) => l.messageId === o.inspect);
  const body = html`<h1>Dead letters</h1>
    ${o.notice === 'replay' ? html`<p role="status">Replay started: the dead letters are going back to the events queue.</p>` : ''}
    <p>${o.total} waiting${o.principal.ops ? '' : ' for your stores'}. Events land here after failing five times; once the cause is fixed, replaying them is safe (routing is idempotent).</p>
    ${o.letters.length
      ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Event</th><th scope="col">Store</th><th scope="col">Order</th><th scope="col">Received</th><th scope="col"></th></tr></thead><tbody>
          ${o.letters.map((l) => html`<tr><td>${l.event?.type ?? 'unreadable'}</td><td>${l.event?.store ?? '—'}</td><td>${l.event ? orderOf(l) : '—'}</td><td>${l.receiveCount}×${l.sentAt ? html`, first ${fmtTime(l.sentAt)}` : ''}</td>
            <td><a href="/console/dead-letters?id=${encodeURIComponent(l.messageId)}#inspect">Inspect<span class="visually-hidden"> ${l.messageId}</span></a></td></tr>`)}</tbody></table></div>`
      : html`<p>Nothing waits.</p>`}
    ${shown ? html`<section class="card" id="inspect" aria-labelledby="inspect-title"><h2 id="inspect-title">Message ${shown.messageId}</h2><pre>${pretty(shown.body)}</pre></section>` : ''}
    ${o.principal.ops && o.total > 0
      ? html`<form method="post" action="/console/dead-letters/replay"><input type="hidden" name="csrf" value="${o.csrf}"><button type="submit">Replay all dead letters</button></form>`
      : o.total > 0 ? html`<p class="muted">Ops replays dead letters (it moves every store's).</p>` : ''}`;
  return consoleShell({ title: 'Dead letters', principal: o.principal, section: 'dead-letters', csrf: o.csrf, body });
}

function orderOf(l: DeadLetter): string {
  const d = (l.event?.data ?? {}) as { orderId?: string; order?: { orderId?: string } };
  return d.orderId ?? d.order?.orderId ?? '—';
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
