/**
 * notify stops before SES once its invocation is out of time, and only then. The local runtime
 * runs invocations side by side in one process; middy aborts one AbortController shared by every
 * handler when any invocation times out, which made notify invocations with most of their time
 * left give up before SES (TransientFailure) until their retries ran out and the order's
 * execution failed with its emails unsent (the fault matrix's invocation run, seed 29).
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEADLINE_MARGIN_MS, invocationSignal } from '../../functions/adapters/invocation-signal.js';

/** A context whose invocation has `ms` of its time left. */
function contextWith(ms: number): Context {
  const deadline = Date.now() + ms;
  return { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as Context;
}

type Observed = { middy: boolean; own: boolean };

describe('the signal notify checks before SES', () => {
  it('is not aborted when another invocation in the process times out', async () => {
    // One invocation that never answers (a crashed or stalled one), of another handler.
    const stalled = middy(() => new Promise<never>(() => undefined));
    let released!: () => void;
    const othersTimedOut = new Promise<void>((r) => (released = r));
    const sender = middy(async (_event: unknown, context: Context, { signal }: { signal: AbortSignal }): Promise<Observed> => {
      const own = invocationSignal(context)!;
      await othersTimedOut;
      return { middy: signal.aborted, own: own.aborted };
    });

    const observed = sender({}, contextWith(10_000));
    await expect(stalled({}, contextWith(40))).rejects.toThrow(/aborted/);
    released();
    // middy's own signal is aborted for the sender too: this is why notify does not read it. If
    // a middy upgrade keeps it per invocation, the first half fails and the workaround can go.
    expect(await observed).toEqual({ middy: true, own: false });
  });

  it('is aborted by the time middy answers TimeoutError for the invocation itself', async () => {
    let own: AbortSignal | undefined;
    const sender = middy((_event: unknown, context: Context) => {
      own = invocationSignal(context);
      return new Promise<never>(() => undefined);
    });
    await expect(sender({}, contextWith(DEADLINE_MARGIN_MS + 60))).rejects.toThrow(/aborted/);
    expect(own?.aborted).toBe(true);
  });

  it('has no deadline without a Lambda context, as middy has none', () => {
    expect(invocationSignal(undefined)).toBeUndefined();
    expect(invocationSignal({} as Context)).toBeUndefined();
  });
});
