/**
 * The shopper-experience policy as properties of whole timelines: generated order histories
 * (tests/support/timeline-gen.ts) played through the lifecycle decisions on a simulated clock
 * (tests/support/timeline-sim.ts), every email sent checked against the policy's invariants
 * (tests/support/timeline-invariants.ts, listed in the README).
 *
 * Seeded (FC_SEED overrides the seed, FC_RUNS the number of timelines) so `npm test` is
 * repeatable and fast; a failure prints the seed, the shrunk timeline, the violations and what
 * the machine did.
 */
import { describe, expect } from 'vitest';
import { fc, it } from '@fast-check/vitest';
import { simulate } from '../support/timeline-sim.js';
import { editedItems, timelineArb, toSim, describeTimeline, type GenTimeline } from '../support/timeline-gen.js';
import { livenessViolations, policyViolations } from '../support/timeline-invariants.js';

const seed = Number(process.env.FC_SEED ?? 20261201);
const numRuns = Number(process.env.FC_RUNS ?? 150);

function facts(t: GenTimeline) {
  const shipped = new Map<string, number>();
  for (const s of t.shipments) for (const i of s.items) shipped.set(i.lineItemId, (shipped.get(i.lineItemId) ?? 0) + i.quantity);
  return {
    stoppers: t.cancelAfterH !== undefined || !!t.refund?.full || t.unsubscribeAfterH !== undefined || t.bounceAfterH !== undefined,
    // Every item shipped as the order stands after any edit (one that adds leaves it short).
    fullyShippedEventually: t.pickup ? t.pickup.collectedH !== undefined : [t.items, editedItems(t)].every((items) => items.every((li) => (shipped.get(li.id) ?? 0) >= li.quantity)),
    feedbackPlanned: t.feedbackAfterRequestH !== undefined,
  };
}

function check(t: GenTimeline) {
  const input = toSim(t);
  const result = simulate(input);
  const violations = [...policyViolations(input, result), ...livenessViolations(input, result, facts(t))];
  if (violations.length) throw new Error(`${violations.join('\n')}\n--- timeline:${describeTimeline(t)}\n--- machine:\n${result.trace.join('\n')}`);
}

describe('the shopper-experience policy over generated timelines', () => {
  it.prop([timelineArb], { seed, numRuns })('holds for every email of every timeline', (t) => {
    check(t);
  });

  // The generator reaches the situations the policy is about (else the property proves little).
  it('generates timelines that exercise every rule', () => {
    const seen = { splitShipments: 0, neverDelivered: 0, reportedDelays: 0, cancelled: 0, lateArrivals: 0, noticesSent: 0, maxNotices: 0, requestsAssumed: 0, requestsReported: 0, reminders: 0, quietDeferred: 0, outForDelivery: 0, deliveredEmails: 0, attemptsOrExceptions: 0, shippingUpdates: 0, outForDeliveryAfterDelivered: 0, refunds: 0, pickups: 0, edits: 0 };
    for (const t of fc.sample(timelineArb, { seed, numRuns })) {
      const input = toSim(t);
      const r = simulate(input);
      if (t.shipments.length > 1) seen.splitShipments++;
      if (t.shipments.length && t.shipments.every((s) => !s.updates.some((u) => u.status === 'delivered'))) seen.neverDelivered++;
      if (t.delays.length) seen.reportedDelays++;
      if (t.cancelAfterH !== undefined) seen.cancelled++;
      if (t.arrival.some((a) => a.lagH > 0 || a.duplicateLagH !== undefined)) seen.lateArrivals++;
      // An out-for-delivery report that arrived after the delivery it preceded (it must send nothing).
      const arrivals = input.happenings.flatMap((h) => (h.kind === 'event' && h.event.type === 'shipment.updated' ? [{ at: h.arriveAt, id: h.event.data.shipmentId, status: h.event.data.status }] : []));
      if (arrivals.some((a) => a.status === 'out_for_delivery' && arrivals.some((d) => d.status === 'delivered' && d.id === a.id && d.at < a.at))) seen.outForDeliveryAfterDelivered++;
      const notices = r.sent.filter((e) => e.kind === 'delay_notice').length;
      if (notices) seen.noticesSent++;
      if (notices && notices === input.config.policy.delayNotices.maxPerOrder) seen.maxNotices++;
      for (const e of r.sent) {
        if (e.kind === 'feedback_request') {
          if (e.state.shipments.every((s) => s.status === 'delivered')) seen.requestsReported++;
          else seen.requestsAssumed++;
          if (r.trace.some((l) => l.includes('AwaitFeedbackWindow: waits'))) seen.quietDeferred += new Date(e.at).getUTCMinutes() === 0 ? 1 : 0;
        }
        if (e.kind === 'feedback_reminder') seen.reminders++;
        if (e.kind === 'out_for_delivery') seen.outForDelivery++;
        if (e.kind === 'delivered') seen.deliveredEmails++;
        if (e.kind === 'delivery_attempt_failed' || e.kind === 'delivery_exception') seen.attemptsOrExceptions++;
        if (e.kind === 'shipping_update') seen.shippingUpdates++;
        if (e.kind === 'refund') seen.refunds++;
        if (e.kind === 'picked_up') seen.pickups++;
        if (e.kind === 'order_edited') seen.edits++;
      }
    }
    for (const [what, n] of Object.entries(seen)) expect(n, what).toBeGreaterThan(2);
  });
});
