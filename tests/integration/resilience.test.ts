import { describe, expect, it } from 'vitest';
import { RESILIENCE_FAULTS, runResilience } from '../../bench/resilience.js';

/**
 * The resilience benchmark (bench/resilience.ts) at a smaller size: orders of three scenarios
 * (shipped and delivered; cancelled; delayed by the platform, then shipped), every webhook
 * delivered three times at once and the events of an order posted together in a shuffled order,
 * while SES throttles 20% of sends and loses 5% of its answers after accepting the email, and 5%
 * of function invocations crash before running, and half the orders have one send crashed at a
 * step boundary. Every order must get each email it is due exactly once, every execution must
 * end, and every event must be answered 202 by one of its copies. On the manual clock: the run moves virtual time past the feedback requests and reminders
 * once everything is posted, so no deadline depends on how fast the machine is.
 */
describe('email delivery under duplicate webhooks and injected faults', () => {
  it('sends every expected email exactly once, with nothing missing and nothing duplicated', async () => {
    const result = await runResilience({ projectRoot: process.cwd(), orders: 8, seed: 8, timeScale: 43_200, manualClock: true, faults: RESILIENCE_FAULTS, timeoutMs: 45_000 });

    expect(result.stuck).toEqual([]);
    expect(result.tally.details).toEqual([]);
    expect(result.tally).toMatchObject({ duplicated: 0, missing: 0, unexpected: 0 });
    expect(result.tally.sent).toBe(result.tally.expected);
    // Each event is new when its three copies are posted at once: one of them is told so.
    expect(result.neverAccepted).toEqual([]);
    expect(result.executions.FAILED).toBe(0);
    expect(result.stats.deadLettered).toBe(0);
    // The faults did happen.
    expect(result.stats.sesThrottled + result.stats.injectedCrashes).toBeGreaterThan(0);
    expect(result.sendCrashes.planned).toBeGreaterThan(0);
    // Every planned crash fired, but one after SES's answer for a send whose answer was lost.
    expect(result.sendCrashes.fired + result.sendCrashes.unreachable).toBe(result.sendCrashes.planned);
  }, 60_000);
});
