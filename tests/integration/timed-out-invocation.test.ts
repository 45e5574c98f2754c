/**
 * A notify invocation that runs past its timeout must not send: its caller was answered and the
 * state machine's retry owns the email by then. Two things keep it from sending. On Lambda the
 * sandbox is frozen at the timeout and the code still pending resumes the next time the sandbox
 * is used: notify checks middy's abort signal before it calls SES (functions/services/notify.ts).
 * Locally the code cannot be stopped at all, so the runtime ends a timed-out invocation at its
 * next step boundary (local/lambda.ts, local/faults.ts). And the retry must happen: middy answers
 * `TimeoutError` just before Lambda's own timeout, which the state machine did not retry, so the
 * execution failed and the receipt was never sent (this test's first failure).
 *
 * The stall is made explicit: the first receipt claim waits at its step boundary until the retry
 * has sent the receipt (it takes the claim over once the local settle window, 2 s, has passed),
 * then the late invocation is let go. Retried without the other two fixes, the late invocation
 * would send a second copy after its retry had. A short notify timeout in the template makes the
 * retry come soon.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplate, type CfnTemplate } from '../../local/template.js';
import { installCheckpointHook, type CheckpointHook } from '../../functions/adapters/host-hooks.js';
import { startHarness, type Harness } from '../support/local-harness.js';

const NOTIFY_TIMEOUT_SECONDS = 3;

async function templateWithNotifyTimeout(seconds: number): Promise<CfnTemplate> {
  const template = structuredClone(await loadTemplate());
  const resources = template.Resources as Record<string, { Type: string; Properties?: { Handler?: string; Timeout?: number } }>;
  const notify = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('NotifyFunction'));
  if (!notify) throw new Error('no NotifyFunction in the template');
  notify[1].Properties!.Timeout = seconds;
  return template;
}

describe('a notify invocation that outruns its timeout', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ manualClock: true, template: await templateWithNotifyTimeout(NOTIFY_TIMEOUT_SECONDS) });
  }, 120_000);
  afterAll(async () => {
    installCheckpointHook(undefined);
    await h?.stop();
  });

  it('sends nothing once its retry owns the email: one receipt', async () => {
    const runtimeHook = (globalThis as Record<symbol, CheckpointHook | undefined>)[Symbol.for('postpurchase.host.checkpoint')]!;
    let stalled = false;
    let late: 'continued' | 'ended' | undefined;
    installCheckpointHook(async (step, detail) => {
      if (step !== 'notify.afterClaim' || detail.orderId !== 'LATE-1' || stalled) return runtimeHook(step, detail);
      stalled = true;
      // The late invocation: held past its timeout until the retry has sent the receipt.
      const deadline = Date.now() + 60_000;
      while (!(await h.emails('LATE-1')).some((e) => e.kind === 'receipt') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // The runtime's hook answers at once to let an invocation go on, or never to end it.
      const verdict = runtimeHook(step, detail);
      late = verdict === undefined ? 'continued' : 'ended';
      return verdict;
    });

    await h.post('order.placed', { order: h.order('LATE-1') });
    await h.waitForEmail('LATE-1', 'receipt');
    while (!late) await new Promise((r) => setTimeout(r, 20));
    await h.idle();

    expect(stalled).toBe(true);
    expect(h.rt.stats().lambdaErrors.notify).toBeGreaterThan(0);
    expect((await h.emails('LATE-1')).filter((e) => e.kind === 'receipt')).toHaveLength(1);
    expect(late).toBe('ended');
    // Nothing is open while it waits: its walk rests in the shipment wait.
    expect((await h.position('LATE-1'))?.state).toBe('AwaitShipment');
  }, 120_000);
});
