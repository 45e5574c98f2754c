/**
 * A few generated timelines (tests/support/timeline-gen.ts, fixed seed) through the synthesized
 * state machine on the local stand-ins: every event posted as a signed webhook at its arrival
 * time on the manual clock (moved to each arrival in turn, firing every deadline on the way at
 * its own instant), late and twice where the timeline says so; then the real outbox
 * is checked against the policy's invariants that can be read from emails alone, and against
 * the simulator's account of the same timeline (tests/support/timeline-sim.ts) for the emails
 * that events, not timing, decide.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GENERIC_STORE, startHarness, type Harness } from '../support/local-harness.js';
import { eventsOf, happeningsOf, timelineArb, describeTimeline, type GenTimeline } from '../support/timeline-gen.js';
import { simulate, type Happening } from '../support/timeline-sim.js';
import { storeConfigSchema, type StoreConfig } from '../../functions/domain/store-config.js';
import { parseLedgerTag } from '../../functions/adapters/mailer.js';

const DAY = 86_400_000;

const devStores = (JSON.parse(readFileSync('config/dev.json', 'utf8')) as { stores: Array<{ storeId: string }> }).stores;
const config: StoreConfig = storeConfigSchema.parse(devStores.find((s) => s.storeId === GENERIC_STORE)!);

/** Three timelines that end (everything ships, or the order is cancelled), with no shopper clicks to script. */
function pickTimelines(): GenTimeline[] {
  const picked: GenTimeline[] = [];
  for (const t of fc.sample(timelineArb, { seed: 11, numRuns: 400 })) {
    const shipsAll = t.items.every((li) => t.shipments.some((s) => s.items.some((i) => i.lineItemId === li.id)));
    const span = Math.max(...t.shipments.map((s) => s.afterH + Math.max(0, ...s.updates.map((u) => u.afterH))), ...t.delays.map((d) => d.afterH), 0);
    if (!(shipsAll || t.cancelAfterH !== undefined) || span > 14 * 24 || t.shipments.length === 0) continue;
    // Variety: one split order, one never reporting delivery, one with a reported delay.
    const kind = t.shipments.length > 1 ? 'split' : t.shipments.every((s) => !s.updates.some((u) => u.status === 'delivered')) ? 'never-delivered' : t.delays.length ? 'delayed' : undefined;
    if (!kind || picked.some((p) => (p as GenTimeline & { kind?: string }).kind === kind)) continue;
    picked.push(Object.assign(t, { kind, unsubscribeAfterH: undefined, bounceAfterH: undefined, feedbackAfterRequestH: undefined }));
    if (picked.length === 3) break;
  }
  return picked;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ manualClock: true });
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

/** Posts each happening once the manual clock is moved to its arrival, then lets the order run to its end. */
async function play(happenings: Happening[], orderId: string) {
  for (const e of [...happenings].sort((a, b) => a.arriveAt - b.arriveAt)) {
    if (e.kind !== 'event') continue;
    // h.post moves the clock one more second before it posts.
    const ahead = e.arriveAt - h.rt.clock.now().getTime() - 1000;
    if (ahead > 0) await h.rt.advanceTime(ahead);
    const { type, data, eventId, occurredAt } = e.event;
    const res = await h.post(type, data, { at: occurredAt, eventId });
    expect([200, 202]).toContain(res.status);
  }
  await h.idle();
  // A day at a time until the walk ends (it must: no waiting state loops), at most 180 days.
  for (let day = 0; day < 180 && (await h.position(orderId))?.state !== 'END'; day++) await h.advance(1);
}

describe('generated timelines on the local stand-ins', () => {
  const timelines = pickTimelines();

  it('picked a split order, one never reporting delivery and one with a reported delay', () => {
    expect(timelines.map((t) => (t as GenTimeline & { kind?: string }).kind).sort()).toEqual(['delayed', 'never-delivered', 'split']);
  });

  it.each(timelines.map((t, i) => [i, t] as const))('timeline %i: the outbox keeps the policy', async (i, generated) => {
    const orderId = `TL-${i}`;
    // The timeline starts now on the virtual clock, under the local store's configuration.
    const t: GenTimeline = { ...generated, placedAt: h.rt.clock.now().getTime() + 0.05 * DAY };
    const happenings = happeningsOf(t, orderId, GENERIC_STORE);
    const predicted = simulate({ config, happenings: happeningsOf(t, orderId, GENERIC_STORE) });
    const story = `\n(store, lifecycle and policy: the local runtime's ${GENERIC_STORE}, not the first two lines)${describeTimeline(t)}\n--- simulated:\n${predicted.trace.join('\n')}`;

    await play(happenings, orderId);
    expect((await h.position(orderId))?.state).toBe('END');
    const emails = (await h.emails(orderId)).map((e) => ({ kind: e.kind!, ref: parseLedgerTag(e.tags.ledger!)!.ref, at: Date.parse(e.at) }));
    const of = (kind: string) => emails.filter((e) => e.kind === kind);
    const simOf = (kind: string) => predicted.sent.filter((e) => e.kind === kind);
    const ctx = `\n--- sent: ${emails.map((e) => `${e.kind}/${e.ref}@${new Date(e.at).toISOString()}`).join(', ')}${story}`;

    // What events decide is what the simulator decided.
    expect(of('receipt').length, ctx).toBe(simOf('receipt').length);
    expect(of('shipping_confirmation').map((e) => e.ref).sort(), ctx).toEqual(simOf('shipping_confirmation').map((e) => e.ref).sort());
    expect(of('cancellation').length, ctx).toBe(simOf('cancellation').length);
    expect(of('feedback_request').length, ctx).toBe(simOf('feedback_request').length);
    // On the manual clock the timing matches too: the same emails, in the same order, each within
    // minutes of the simulated instant (a webhook is posted a second after its arrival, and a
    // deadline already passed waits the shortest wait, a minute).
    const simulated = predicted.sent.map((e) => ({ kind: e.kind, ref: e.ref, at: e.at })).sort((a, b) => a.at - b.at);
    expect(emails.length, ctx).toBeGreaterThan(0);
    expect(emails.map((e) => `${e.kind}/${e.ref}`), ctx).toEqual(simulated.map((e) => `${e.kind}/${e.ref}`));
    emails.forEach((e, k) => expect(Math.abs(e.at - simulated[k]!.at), `${e.kind}/${e.ref}${ctx}`).toBeLessThanOrEqual(5 * 60_000));
    // The invariants readable from the outbox.
    expect(of('receipt').length, ctx).toBeLessThanOrEqual(1);
    if (of('receipt').length) expect(emails[0]!.kind, ctx).toBe('receipt');
    const notices = of('delay_notice');
    expect(notices.length, ctx).toBeLessThanOrEqual(config.policy.delayNotices.maxPerOrder);
    // Spacing on the manual clock: exact, whatever the load.
    for (let k = 1; k < notices.length; k++) expect(notices[k]!.at - notices[k - 1]!.at, ctx).toBeGreaterThanOrEqual(config.policy.delayNotices.minSpacingDays * DAY);
    expect(of('feedback_reminder').length, ctx).toBeLessThanOrEqual(of('feedback_request').length);
    for (const r of of('feedback_reminder')) expect(r.at - of('feedback_request')[0]!.at, ctx).toBeGreaterThanOrEqual(config.lifecycle.feedbackReminderDays * DAY);
    if (of('cancellation').length) expect(of('feedback_request').length, ctx).toBe(0);
    // And the domain events it was given are the timeline's (nothing lost on the way).
    expect(eventsOf(t, orderId, GENERIC_STORE).length).toBeGreaterThan(1);
  }, 240_000);
});
