/**
 * The outbox as a page for a browser: the emails on the left, the selected one on the right,
 * rendered in a sandboxed iframe (no scripts; links open in a new tab so the tracking and
 * feedback pages can be followed), with its text part, headers and tags. No external assets.
 */
import type { Email } from './outbox.js';

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const time = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').slice(0, 19);
};

function rows(record: Record<string, string>): string {
  const entries = Object.entries(record);
  if (entries.length === 0) return '<tr><td colspan="2" class="muted">none</td></tr>';
  return entries.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('');
}

/** Renders the inbox with `selectedId` (or the newest email) open. */
export function renderOutboxPage(emails: Email[], selectedId?: string): string {
  const newestFirst = [...emails].reverse();
  const selected = newestFirst.find((e) => e.messageId === selectedId) ?? newestFirst[0];
  const list = newestFirst
    .map((e) => {
      const active = e.messageId === selected?.messageId ? ' class="active"' : '';
      const badge = e.kind ? `<span class="badge">${escape(e.kind)}</span>` : '';
      const order = e.orderId ? ` · order ${escape(e.orderId)}` : '';
      return `<li${active}><a href="?id=${encodeURIComponent(e.messageId)}">${badge}<strong>${escape(e.subject || '(no subject)')}</strong><span class="meta">${escape(e.to)}${order}<br>${escape(time(e.at))}</span></a></li>`;
    })
    .join('');
  // Links inside the email open in a new tab; the sandbox runs no scripts from the email.
  const srcdoc = selected?.html ? `<base target="_blank">${selected.html}` : '';
  const detail = selected
    ? `<header>
        <h1>${escape(selected.subject || '(no subject)')}</h1>
        <p><span class="muted">From</span> ${escape(selected.from)} <span class="muted">to</span> ${escape(selected.to)} <span class="muted">at</span> ${escape(time(selected.at))}</p>
        <p class="muted small">Message id ${escape(selected.messageId)}</p>
      </header>
      ${selected.html ? `<iframe title="HTML part" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${escape(srcdoc)}"></iframe>` : '<p class="muted">No HTML part.</p>'}
      <details open><summary>Text part</summary><pre>${escape(selected.text ?? '(none)')}</pre></details>
      <details><summary>Headers set by the sender</summary><table>${rows(selected.headers)}</table></details>
      <details><summary>Tags</summary><table>${rows(selected.tags)}</table></details>`
    : '<p class="empty">No emails yet. Send a webhook to see the receipt appear here.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Outbox (${emails.length}) · postpurchase local</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; display: grid; grid-template-columns: minmax(16rem, 24rem) 1fr; height: 100vh; }
  nav { border-right: 1px solid #8884; overflow-y: auto; }
  nav h2 { font-size: 1rem; margin: 0; padding: .75rem 1rem; border-bottom: 1px solid #8884; display: flex; justify-content: space-between; align-items: center; gap: .5rem; }
  nav ul { list-style: none; margin: 0; padding: 0; }
  nav li a { display: block; padding: .6rem 1rem; border-bottom: 1px solid #8882; color: inherit; text-decoration: none; }
  nav li.active a, nav li a:hover { background: #1a73e822; }
  .meta { display: block; font-size: .8rem; opacity: .75; margin-top: .2rem; }
  .badge { font-size: .7rem; background: #1a73e8; color: #fff; border-radius: .6rem; padding: .05rem .45rem; margin-right: .4rem; }
  main { overflow-y: auto; padding: 1rem 1.5rem; }
  main h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
  iframe { width: 100%; height: 60vh; border: 1px solid #8884; border-radius: .3rem; background: #fff; }
  pre { white-space: pre-wrap; font-size: .85rem; }
  table { border-collapse: collapse; font-size: .85rem; }
  th, td { text-align: left; padding: .2rem .6rem .2rem 0; vertical-align: top; }
  .muted { opacity: .65; } .small { font-size: .8rem; }
  .empty { opacity: .7; margin-top: 3rem; text-align: center; }
  #fresh { display: none; font-size: .8rem; }
  button { font: inherit; font-size: .8rem; }
</style>
</head>
<body>
<nav>
  <h2><span>Outbox · ${emails.length}</span><a id="fresh" href="?">new mail — reload</a><form method="post" action="/_local/outbox/clear" onsubmit="return confirm('Empty the outbox?')"><button>Clear</button></form></h2>
  <ul>${list}</ul>
</nav>
<main>${detail}</main>
<script>
  // Offer a reload when mail arrives; the page itself stays still while reading.
  const known = ${emails.length};
  setInterval(async () => {
    try {
      const r = await fetch('/_local/outbox', { headers: { accept: 'application/json' } });
      const { emails } = await r.json();
      if (emails.length !== known) document.getElementById('fresh').style.display = 'inline';
    } catch {}
  }, 3000);
</script>
</body>
</html>`;
}
