/**
 * The shopper-experience policy (README, "Shopper-experience policy") as invariants over
 * everything a simulated timeline sent. Written from the policy's statement, not from the
 * code: local times come from Intl here, not from the Temporal arithmetic under test.
 */
import { isDelivered, isFullyShipped } from '../../functions/domain/order-state.js';
import type { StoreConfig } from '../../functions/domain/store-config.js';
import { UPDATE_KINDS } from '../../functions/domain/email/context.js';
import type { SentEmail, SimInput, SimResult } from './timeline-sim.js';

const DAY = 86_400_000;
const UPDATE_KIND_SET: ReadonlySet<string> = new Set(UPDATE_KINDS);
/** Update kinds about the order rather than one shipment. */
const ORDER_KINDS: ReadonlySet<string> = new Set(['refund', 'order_edited', 'pickup_ready', 'picked_up']);
const iso = (t: number) => new Date(t).toISOString();

function zoneOrStore(zone: string | undefined, config: StoreConfig): string {
  if (!zone) return config.promises.timeZone;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return config.promises.timeZone;
  }
}

/** Whether `at` is inside the quiet hours on the wall clock of `zone` (Intl, independent of the code under test). */
export function quietAt(at: number, zone: string, quiet: { start: string; end: string }): boolean {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const m = Number(parts.find((p) => p.type === 'hour')!.value) * 60 + Number(parts.find((p) => p.type === 'minute')!.value);
  const [sh, sm] = quiet.start.split(':').map(Number);
  const [eh, em] = quiet.end.split(':').map(Number);
  const s = sh! * 60 + sm!;
  const e = eh! * 60 + em!;
  if (s === e) return false;
  return s < e ? m >= s && m < e : m >= s || m < e;
}

export function policyViolations(input: SimInput, result: SimResult): string[] {
  const v: string[] = [];
  const { config } = input;
  const { maxPerOrder, minSpacingDays } = config.policy.delayNotices;
  const of = (kind: SentEmail['kind']) => result.sent.filter((e) => e.kind === kind);
  const fail = (what: string, e?: SentEmail) => v.push(e ? `${what} [${e.kind}/${e.ref} at ${iso(e.at)}]` : what);
  const happenedAt = (kind: 'unsubscribe' | 'bounce') => input.happenings.find((h) => h.kind === kind)?.arriveAt;

  // 1. The receipt: exactly once, first, unless the order arrived cancelled.
  const receipts = of('receipt');
  if (receipts.length > 1) fail(`${receipts.length} receipts`);
  if (result.started !== undefined && !result.cancelledAtStart && !result.refundedAtStart && !result.suppressedAtStart && receipts.length !== 1)
    fail('no receipt for an order that was not cancelled or refunded in full (nor its address suppressed) when it arrived');
  if (receipts.length === 1 && result.sent[0] !== receipts[0]) fail('the receipt was not the first email', receipts[0]);

  // 2. At most one shipping confirmation per shipment.
  const refs = of('shipping_confirmation').map((e) => e.ref);
  for (const r of new Set(refs)) if (refs.filter((x) => x === r).length > 1) fail(`shipment ${r} confirmed ${refs.filter((x) => x === r).length} times`);

  // 3. Delay notices.
  const notices = of('delay_notice');
  if (notices.length > maxPerOrder) fail(`${notices.length} delay notices, more than ${maxPerOrder}`);
  notices.forEach((n, i) => {
    if (i > 0 && n.at - notices[i - 1]!.at < minSpacingDays * DAY) fail(`delay notice ${(n.at - notices[i - 1]!.at) / DAY} days after the previous one (at least ${minSpacingDays})`, n);
    if (n.state.cancelled) fail('delay notice for a cancelled order', n);
    if (n.state.refunded === 'full') fail('delay notice for a fully refunded order', n);
    if (isDelivered(n.state)) fail('delay notice after every parcel was reported delivered', n);
    const d = n.delay!;
    const seenBefore = result.inForceSeen.filter((s) => s.at <= n.at).map((s) => s.date);
    // Known limitation (README): reports are placed by when they happened at the platform, so one
    // that happened before the previous notice but arrived after it is read as if it had come in
    // time, and the promise it names may differ from the one then shown.
    const prev = i > 0 ? notices[i - 1]!.at : -Infinity;
    const lateReport = input.happenings.some((h) => h.kind === 'event' && h.event.type === 'order.delayed' && Date.parse(h.event.occurredAt) <= prev && h.arriveAt > prev);
    if (!seenBefore.includes(d.missedPromise) && !lateReport) fail(`delay notice names ${d.missedPromise}, never a promise in force`, n);
    const since = i > 0 ? notices[i - 1]!.at : -Infinity;
    const reportedSince = n.state.delays.some((r) => Date.parse(r.at) > since);
    if (!(Date.parse(d.missedPromise) < n.at) && !reportedSince) fail(`delay notice names ${d.missedPromise}, not yet missed, with no report since the last notice`, n);
    if (n.state.delays.some((r) => r.at === d.missedPromise && !seenBefore.includes(r.at))) fail('delay notice names the report\'s own date', n);
    if (!(Date.parse(d.newEstimate) > n.at)) fail(`delay notice's new estimate ${d.newEstimate} is not in the future`, n);
    if (!(Date.parse(d.newEstimate) > Date.parse(d.missedPromise))) fail(`delay notice's new estimate ${d.newEstimate} is not after the missed ${d.missedPromise}`, n);
  });

  // 4. The feedback request.
  const requests = of('feedback_request');
  const grace = config.policy.assumeDeliveredDaysAfterEstimate * DAY;
  const quiet = config.policy.quietHours;
  if (requests.length > 1) fail(`${requests.length} feedback requests`);
  for (const r of requests) {
    if (r.state.cancelled) fail('feedback request for a cancelled order', r);
    if (r.state.refunded === 'full') fail('feedback request for a fully refunded order', r);
    if (r.unsubscribed || r.feedbackGiven) fail('feedback request after an unsubscribe or feedback', r);
    if (!isFullyShipped(r.state)) fail('feedback request before everything shipped', r);
    // Only after the order was taken as delivered: every parcel reported delivered, or the
    // latest estimate of every undelivered parcel (as known then) plus the grace period passed.
    const decided = result.deliveryDecided;
    if (!decided || decided.at > r.at) fail('feedback request before the order was taken as delivered', r);
    else if (!isDelivered(decided.state)) {
      // Assumed at a moment no earlier than every estimate reported by then plus the grace
      // period (news after that moment does not reopen the order), and not after the decision.
      const assumed = decided.assumedAt ? Date.parse(decided.assumedAt) : NaN;
      if (!(assumed <= decided.at)) fail(`the order was taken as delivered at ${iso(decided.at)}, before its assumed delivery ${decided.assumedAt}`, r);
      for (const [id, estimate] of Object.entries(decided.inForce.shipments))
        if (assumed < Date.parse(estimate) + grace) fail(`delivery assumed at ${decided.assumedAt}, before shipment ${id}'s estimate ${estimate} plus the grace period`, r);
      if (!isFullyShipped(decided.state)) fail(`delivery assumed at ${iso(decided.at)} with items still to ship`, r);
    }
    const zone = zoneOrStore(r.state.order?.customer.timeZone, config);
    if (quietAt(r.at, zone, quiet)) fail(`feedback request in quiet hours (${zone})`, r);
  }

  // 5. The reminder.
  const reminders = of('feedback_reminder');
  if (reminders.length > 1) fail(`${reminders.length} reminders`);
  for (const r of reminders) {
    const request = requests[0];
    if (!request) fail('reminder without a request', r);
    else if (r.at - request.at < config.lifecycle.feedbackReminderDays * DAY) fail('reminder sooner than feedbackReminderDays after the request', r);
    if (r.feedbackGiven || r.unsubscribed) fail('reminder after feedback or an unsubscribe', r);
    const zone = zoneOrStore(r.state.order?.customer.timeZone, config);
    if (quietAt(r.at, zone, quiet)) fail(`reminder in quiet hours (${zone})`, r);
  }

  // 6. Nothing to a suppressed address; nothing non-essential after an unsubscribe.
  for (const e of result.sent) {
    if (e.suppressed) fail('email to a suppressed address', e);
    if (e.unsubscribed && (e.kind === 'feedback_request' || e.kind === 'feedback_reminder')) fail('non-essential email after an unsubscribe', e);
  }
  const bounced = happenedAt('bounce');
  if (bounced !== undefined) for (const e of result.sent) if (e.at > bounced) fail('email after the address bounced', e);

  // 7. Cancellation notice: at most once, only for a cancelled order.
  const cancellations = of('cancellation');
  if (cancellations.length > 1) fail(`${cancellations.length} cancellation notices`);
  for (const c of cancellations) if (!c.state.cancelled) fail('cancellation notice for an order not cancelled', c);

  // 9. The update kinds (issue 13): once per shipment and status, after the shipment's
  // confirmation, never after a cancellation, never contradicting what the shopper was told.
  const updates = result.sent.filter((e) => UPDATE_KIND_SET.has(e.kind));
  const keys = updates.map((e) => `${e.kind}/${e.ref}`);
  for (const k of new Set(keys)) if (keys.filter((x) => x === k).length > 1) fail(`${k} sent ${keys.filter((x) => x === k).length} times`);
  const shipmentOf = (e: SentEmail) => e.ref.split('#')[0]!;
  const details = (e: SentEmail) => {
    const s = e.state.shipments.find((x) => x.shipmentId === shipmentOf(e));
    return s ? `${s.carrier}|${s.trackingNumber}|${s.estimatedDelivery?.slice(0, 10) ?? ''}` : undefined;
  };
  for (const e of updates.filter((x) => ORDER_KINDS.has(x.kind))) {
    if (e.state.cancelled) fail(`${e.kind} for a cancelled order`, e);
    const before = result.sent.slice(0, result.sent.indexOf(e));
    if (!before.some((x) => x.kind === 'receipt')) fail(`${e.kind} before the receipt`, e);
    if (e.kind === 'refund' && !e.state.refunds?.some((r) => r.id === e.ref && r.amount)) fail('refund email for no refund with an amount', e);
    if (e.kind === 'pickup_ready' && (!e.state.pickup?.readyAt || e.state.pickup.pickedUpAt)) fail('ready-for-pickup email for an order not waiting to be collected', e);
    if (e.kind === 'picked_up' && !e.state.pickup?.pickedUpAt) fail('picked-up email for an order not collected', e);
    if (e.kind === 'pickup_ready' && quietAt(e.at, zoneOrStore(e.state.order?.customer.timeZone, config), quiet)) fail('ready-for-pickup email in quiet hours', e);
    if (e.kind === 'order_edited') {
      // Named by an edit the merchant let us tell, once the order as edited is known, before
      // everything shipped, after the receipt showed the order as it was; not in quiet hours.
      const edit = e.state.edits?.find((x) => x.id === e.ref || x.aliases?.includes(e.ref));
      if (!edit) fail('order-edited email for no edit', e);
      else {
        if (!edit.notify) fail('order-edited email for an edit the merchant chose not to tell', e);
        if (!e.state.orderUpdatedAt || Date.parse(e.state.orderUpdatedAt) < Date.parse(edit.at)) fail('order-edited email before the edited order was known', e);
        const receipt = before.find((x) => x.kind === 'receipt');
        if (receipt && receipt.at >= Date.parse(edit.at)) fail('order-edited email for an edit the receipt already showed', e);
      }
      if (isFullyShipped(e.state)) fail('order-edited email after everything shipped', e);
      if (quietAt(e.at, zoneOrStore(e.state.order?.customer.timeZone, config), quiet)) fail('order-edited email in quiet hours', e);
    }
  }
  // One email per edit, however it was reported (an order.edited, its order.updated, or both).
  const editsKnown = Math.max(0, ...result.sent.map((e) => e.state.edits?.length ?? 0));
  if (of('order_edited').length > editsKnown) fail(`${of('order_edited').length} order-edited emails for ${editsKnown} edits`);
  for (const e of updates.filter((x) => !ORDER_KINDS.has(x.kind))) {
    const id = shipmentOf(e);
    const s = e.state.shipments.find((x) => x.shipmentId === id);
    const before = result.sent.filter((x) => x.at <= e.at && x !== e && result.sent.indexOf(x) < result.sent.indexOf(e));
    if (e.state.cancelled) fail('update email for a cancelled order', e);
    if (!s) {
      fail('update email about a shipment the order does not have', e);
      continue;
    }
    if (!before.some((x) => x.kind === 'shipping_confirmation' && x.ref === id)) fail('update email before the shipment was confirmed', e);
    const deliveredBefore = before.some((x) => x.kind === 'delivered' && x.ref === id);
    if (e.kind === 'delivered') {
      if (s.status !== 'delivered') fail('delivered email for a shipment not reported delivered', e);
      if (before.some((x) => x.kind === 'feedback_request')) fail('delivered email after the feedback request', e);
      continue;
    }
    if (s.status === 'delivered' || deliveredBefore) fail(`${e.kind} for a shipment already delivered`, e);
    if (e.kind === 'out_for_delivery') {
      const reportedAt = input.happenings
        .filter((h) => h.kind === 'event' && h.event.type === 'shipment.updated' && h.event.data.shipmentId === id && h.event.data.status === 'out_for_delivery')
        .map((h) => (h.kind === 'event' ? Date.parse(h.event.occurredAt) : NaN));
      if (!reportedAt.some((t) => t <= e.at && e.at - t < DAY)) fail('out_for_delivery for a report not from the last day', e);
    }
    if (e.kind === 'shipping_update') {
      const told = before.filter((x) => (x.kind === 'shipping_confirmation' && x.ref === id) || (x.kind === 'shipping_update' && shipmentOf(x) === id)).at(-1);
      if (told && details(told) === details(e)) fail('shipping update repeating the details the shopper already had', e);
      const zone = zoneOrStore(e.state.order?.customer.timeZone, config);
      if (quietAt(e.at, zone, quiet)) fail(`shipping update in quiet hours (${zone})`, e);
    }
  }
  // A delay notice never says a parcel is late that is delivered or out for delivery that day,
  // nor that an order is late that waits to be collected.
  for (const n of notices) {
    if (n.state.pickup?.readyAt) fail('delay notice for a pickup order ready to collect', n);
    for (const id of n.delay?.shipmentIds ?? []) {
      const s = n.state.shipments.find((x) => x.shipmentId === id);
      if (s?.status === 'delivered') fail(`delay notice covering delivered shipment ${id}`, n);
      if (s?.status === 'out_for_delivery' && n.at - Date.parse(s.statusAt) < DAY) fail(`delay notice covering shipment ${id}, out for delivery that day`, n);
    }
  }

  // 8. Bounded work.
  if (result.steps >= 300) fail(`${result.steps} state entries: a waiting state loops`);
  return v;
}

/**
 * Liveness, where the policy owes an email: a fully shipped order that nothing stops (no
 * cancellation, refund, unsubscribe, bounce) gets its feedback request; with no feedback given,
 * its reminder.
 */
export function livenessViolations(input: SimInput, result: SimResult, facts: { stoppers: boolean; fullyShippedEventually: boolean; feedbackPlanned: boolean }): string[] {
  if (facts.stoppers || !facts.fullyShippedEventually || result.started === undefined) return [];
  const v: string[] = [];
  const requests = result.sent.filter((e) => e.kind === 'feedback_request');
  if (requests.length !== 1) v.push('a fully shipped order left alone got no feedback request');
  else if (!facts.feedbackPlanned && result.sent.filter((e) => e.kind === 'feedback_reminder').length !== 1) v.push('no reminder, though no feedback was given');
  return v;
}
