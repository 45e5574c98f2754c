/**
 * The overview of a store: charts drawn by uPlot from the data block in the page, each with
 * its figures in a table beside it (readable without the chart, and by a screen reader).
 */
import { html, SafeHtml } from '../../pages/html.js';
import type { Principal } from '../access.js';
import type { Overview } from '../../../services/console/overview.js';
import { consoleShell, jsonData } from './layout.js';

const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)} %`;
const rate = (kept: number, missed: number) => (kept + missed ? pct(kept / (kept + missed), 0) : '—');

function chart(id: string, title: string, table: SafeHtml): SafeHtml {
  return html`<section class="card" aria-labelledby="${id}-title"><h2 id="${id}-title">${title}</h2>
    <div class="chart" id="${id}" role="img" aria-label="${title} (chart; the figures are in the table below)"></div>
    <details><summary>Figures</summary>${table}</details></section>`;
}

export function overviewPage(o: { principal: Principal; csrf: string; overview: Overview }): string {
  const v = o.overview;
  const sentTable = html`<table><thead><tr><th scope="col">Kind</th><th scope="col">Sent (30 days)</th></tr></thead><tbody>
    ${v.kinds.map((k) => html`<tr><td>${k}</td><td>${v.sentPerKind[k]!.reduce((a, b) => a + b, 0)}</td></tr>`)}</tbody></table>`;
  const ratingTable = html`<table><thead><tr><th scope="col">Stars</th><th scope="col">Ratings</th></tr></thead><tbody>
    ${v.ratings.distribution.map((n, i) => html`<tr><td>${i + 1}</td><td>${n}</td></tr>`)}</tbody></table>`;
  const daysTable = html`<table><thead><tr><th scope="col">Days</th><th scope="col">Orders</th></tr></thead><tbody>
    ${v.daysToDelivery.flatMap((n, i) => (n ? [html`<tr><td>${i === v.daysToDelivery.length - 1 ? `${i}+` : i}</td><td>${n}</td></tr>`] : []))}</tbody></table>`;
  const body = html`<h1>Overview: ${v.store}</h1>
    <p class="muted">Last 30 days (UTC), from the store's day counters.</p>
    <div class="grid">
      <section class="card" aria-labelledby="health-title"><h2 id="health-title">Sending health</h2>
        <table><tbody>
          <tr><th scope="row">Emails sent</th><td>${v.mail.sent}${v.resent ? ` (+${v.resent} resent)` : ''}</td></tr>
          <tr><th scope="row">Bounce rate</th><td>${pct(v.mail.bounceRate)} <span class="muted">(SES review at ${pct(v.thresholds.bounceReview, 0)}, our alarm at ${pct(v.thresholds.bounceAlarm, 0)})</span></td></tr>
          <tr><th scope="row">Complaint rate</th><td>${pct(v.mail.complaintRate, 3)} <span class="muted">(SES review at ${pct(v.thresholds.complaintReview, 1)}, our alarm at ${pct(v.thresholds.complaintAlarm, 2)})</span></td></tr>
          <tr><th scope="row">Non-essential mail</th><td>${v.nonEssentialPaused ? html`<strong class="warn">paused</strong> (reputation alarm)` : 'sending'}</td></tr>
          <tr><th scope="row">Dead letters waiting</th><td>${v.deadLetters === null ? '—' : html`<a href="/console/dead-letters">${v.deadLetters}</a>`}</td></tr>
        </tbody></table></section>
      <section class="card" aria-labelledby="ontime-title"><h2 id="ontime-title">Promises kept</h2>
        <table><thead><tr><th scope="col"></th><th scope="col">Kept</th><th scope="col">Missed</th><th scope="col">On time</th></tr></thead><tbody>
          <tr><th scope="row">Ship-by</th><td>${v.onTime.ship.kept}</td><td>${v.onTime.ship.missed}</td><td>${rate(v.onTime.ship.kept, v.onTime.ship.missed)}</td></tr>
          <tr><th scope="row">Delivery</th><td>${v.onTime.delivery.kept}</td><td>${v.onTime.delivery.missed}</td><td>${rate(v.onTime.delivery.kept, v.onTime.delivery.missed)}</td></tr>
        </tbody></table>
        <h3>Delays reported, by reason</h3>
        <ul class="inline">${Object.entries(v.onTime.delayReasons).map(([r, n]) => html`<li>${r.replace('_', ' ')}: <strong>${n}</strong></li>`)}</ul>
      </section>
      ${chart('chart-sent', 'Emails sent per kind per day', sentTable)}
      ${chart('chart-ratings', 'Ratings over time', ratingTable)}
      ${chart('chart-distribution', 'Rating distribution', ratingTable)}
      ${chart('chart-days', 'Days from order to delivery', daysTable)}
    </div>
    <script type="application/json" id="overview-data">${jsonData(v)}</script>`;
  return consoleShell({ title: `Overview ${v.store}`, principal: o.principal, store: v.store, section: 'overview', csrf: o.csrf, body, scripts: ['uPlot.iife.min.js', 'charts.js'], styles: ['uPlot.min.css'] });
}
