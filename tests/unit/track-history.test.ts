/**
 * Issue 11, case 8: the tracking page tells the same story as the emails. A delay notice sent
 * for a missed promise is in the order history, with the promise and the new estimate; once the
 * order counts as delivered (reported, assumed after the fallback, or the feedback request went
 * out) the page shows no "estimated" date.
 */
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../functions/domain/events.js';
import { dueDelayNotices, type DecisionContext, type LedgerEntry } from '../../functions/domain/lifecycle.js';
import { foldOrder } from '../../functions/domain/order-state.js';
import type { PageContext } from '../../functions/domain/pages/layout.js';
import { renderTrackPage } from '../../functions/domain/pages/track.js';
import { STORE, aStoreConfig, events } from '../support/builders.js';

const config = aStoreConfig(); // Europe/Berlin: placed Monday 23 Nov, ship-by Wednesday 25 Nov 17:00
const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

function pageCtx(language: 'en' | 'de' | 'fr'): PageContext {
  const locale = { en: 'en-GB', de: 'de-DE', fr: 'fr-FR' }[language];
  return { language, locale, timeZone: 'Europe/Berlin', brand: { name: 'Acme Outdoor', accentColor: '#1a73e8', supportEmail: 'help@acme.example' } };
}

const decision = (list: DomainEvent[], ledger: LedgerEntry[], now: string): DecisionContext => ({
  state: foldOrder(STORE, '1001', list),
  ledger,
  unsubscribed: false,
  suppressed: false,
  config,
  now: new Date(now),
});

/** The ledger line notify writes for a due delay notice, sent at `at`. */
function noticeSent(list: DomainEvent[], ledger: LedgerEntry[], at: string): LedgerEntry {
  const [due] = dueDelayNotices(decision(list, ledger, at));
  if (!due) throw new Error(`no delay notice due at ${at}`);
  return { kind: 'delay_notice', ref: due.ref, status: 'sent', claimId: 'c', claimedAt: at, sentAt: at, messageId: 'm', missedPromise: due.missedPromise, newEstimate: due.newEstimate, what: due.what, reported: due.reported };
}

const page = (list: DomainEvent[], ledger: LedgerEntry[], now: string, language: 'en' | 'de' | 'fr' = 'en') =>
  spaces(renderTrackPage(pageCtx(language), { state: foldOrder(STORE, '1001', list), ledger }, config, new Date(now)).html);

const history = (html: string) => html.slice(html.indexOf('<ol class="timeline">'), html.indexOf('</ol>', html.indexOf('<ol class="timeline">')));

describe('tracking page history', () => {
  const placed = events.placed();
  const receipt: LedgerEntry = { kind: 'receipt', ref: 'order', status: 'sent', claimId: 'r', claimedAt: '2026-11-23T09:00:01Z', sentAt: '2026-11-23T09:00:02Z' };
  // The ship-by date (Wednesday 25 Nov) passes unshipped: a notice goes out Thursday morning.
  const missedShipBy = noticeSent([placed], [receipt], '2026-11-26T08:00:00Z');
  const shipped = events.shipped('2026-11-26T12:00:00Z');

  it('lists a missed-promise delay notice with the promise and the new estimate, in order', () => {
    expect(missedShipBy).toMatchObject({ ref: 'late:1', missedPromise: '2026-11-25T16:00:00.000Z' });
    expect(missedShipBy.reported).toBeFalsy();
    const html = history(page([placed, shipped], [receipt, missedShipBy], '2026-11-26T13:00:00Z'));
    expect(html).toContain('<strong>Delay notice sent</strong><br><span class="muted">Expected by Wednesday, 25 November 2026; new estimate: Monday, 30 November 2026.</span>');
    const order = ['Order placed', 'Delay notice sent', 'Shipped'].map((label) => html.indexOf(`<strong>${label}</strong>`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('says it in German and French', () => {
    expect(history(page([placed], [receipt, missedShipBy], '2026-11-26T13:00:00Z', 'de'))).toContain(
      '<strong>Verzögerung mitgeteilt</strong><br><span class="muted">Erwartet bis Mittwoch, 25. November 2026; neue Schätzung: Montag, 30. November 2026.</span>',
    );
    expect(history(page([placed], [receipt, missedShipBy], '2026-11-26T13:00:00Z', 'fr'))).toContain(
      '<strong>Avis de retard envoyé</strong><br><span class="muted">Prévu pour le mercredi 25 novembre 2026 ; nouvelle estimation : lundi 30 novembre 2026.</span>',
    );
  });

  it('does not repeat a platform-reported delay: the report is the history entry', () => {
    const delayed = [placed, events.delayed('2026-11-24T09:00:00Z', { reason: 'backorder', newShipBy: '2026-11-30T16:00:00Z' })];
    const reportNotice = noticeSent(delayed, [receipt], '2026-11-24T09:05:00Z');
    expect(reportNotice.reported).toBe(true);
    const html = history(page(delayed, [receipt, reportNotice], '2026-11-24T10:00:00Z'));
    expect(html).toContain('<strong>Delay reported</strong>');
    expect(html).not.toContain('Delay notice sent');
  });

  it('leaves out a notice that was never sent (skipped)', () => {
    const skipped = { ...missedShipBy, status: 'skipped' as const, sentAt: undefined };
    expect(history(page([placed], [receipt, skipped], '2026-11-26T13:00:00Z'))).not.toContain('Delay notice sent');
  });
});

describe('tracking page estimate once the order counts as delivered', () => {
  const placed = events.placed();
  const shipped = events.shipped('2026-11-24T10:00:00Z');
  const estimateRow = '<dt>Estimated delivery</dt>';

  it('shows the estimate while the parcel is on its way', () => {
    // Shipped + 3 transit days is Friday 27 November; the receipt's Monday 30 November is the floor.
    expect(page([placed, shipped], [], '2026-11-25T10:00:00Z')).toContain(`${estimateRow}<dd>Monday, 30 November 2026</dd>`);
  });

  it('shows none once the feedback request went out, though no delivery was ever reported', () => {
    const request: LedgerEntry = { kind: 'feedback_request', ref: 'order', status: 'sent', claimId: 'f', claimedAt: '2026-12-08T09:00:00Z', sentAt: '2026-12-08T09:00:01Z' };
    const html = page([placed, shipped], [request], '2026-12-08T10:00:00Z');
    expect(html).not.toContain(estimateRow);
    expect(html).not.toContain('Estimated');
  });

  it('shows none, and no stale delay box, once delivery is assumed after the fallback', () => {
    const delayed = events.delayed('2026-11-26T09:00:00Z', { reason: 'weather', shipmentId: 'f-1' });
    // The report moved the estimate to Wednesday 2 December (2 business days past 30 November);
    // three days after that (policy.assumeDeliveredDaysAfterEstimate) it counts as delivered.
    const html = page([placed, shipped, delayed], [], '2026-12-05T16:00:01Z');
    expect(html).not.toContain(estimateRow);
    expect(html).not.toContain('role="status"');
    // …while the day before, the delay and the estimate are still shown.
    const before = page([placed, shipped, delayed], [], '2026-12-05T15:59:00Z');
    expect(before).toContain(estimateRow);
    expect(before).toContain('role="status"');
  });
});

describe('tracking page history of the issue 13 events (the same story as their emails)', () => {
  const placed = events.placed();
  const shipped = events.shipped('2026-11-24T10:00:00Z');
  const ev = (type: DomainEvent['type'], at: string, data: Record<string, unknown>): DomainEvent =>
    ({ eventId: `${type}-${at}`, store: STORE, source: 'generic', occurredAt: at, type, data: { orderId: '1001', ...data } }) as DomainEvent;

  it('shows out for delivery, a failed attempt, an exception after it, new tracking and delivery, each once', () => {
    const list = [
      placed,
      shipped,
      ev('shipment.updated', '2026-11-25T09:00:00Z', { shipmentId: 'f-1', carrier: 'UPS', trackingNumber: '1Z42' }),
      events.status('2026-11-26T07:00:00Z', 'out_for_delivery'),
      events.status('2026-11-26T13:00:00Z', 'failure'),
      events.status('2026-11-26T13:00:00Z', 'failure'),
      events.status('2026-11-27T12:00:00Z', 'delivered'),
    ];
    const h = history(page(list, [], '2026-11-27T13:00:00Z'));
    for (const label of ['Tracking details updated', 'Out for delivery', 'Delivery problem', 'Delivered']) expect(h.split(label).length - 1, label).toBe(1);
    expect(h).toContain('UPS 1Z42');
  });

  it('shows a refund with its amount, an edit, and a pickup with where to collect it', () => {
    const list = [
      placed,
      ev('order.edited', '2026-11-23T12:00:00Z', { editId: 'e1', added: [{ lineItemId: 'li-1', quantity: 1 }], removed: [] }),
      ev('order.refunded', '2026-11-23T13:00:00Z', { full: false, refundId: 'r1', amount: '12.50' }),
      ev('pickup.ready', '2026-11-24T10:00:00Z', { location: 'Acme Store <Mitte>' }),
      ev('pickup.completed', '2026-11-25T10:00:00Z', {}),
    ];
    const h = history(page(list, [], '2026-11-25T11:00:00Z'));
    expect(h).toContain('Order changed');
    expect(h).toMatch(/Refund issued.*€12\.50/s);
    expect(h).toContain('Ready for pickup');
    expect(h).toContain('Acme Store &lt;Mitte&gt;');
    expect(h).toContain('Picked up');
  });
});
