/**
 * The abort signal of one invocation: aborted once the invocation has less than `marginMs` of
 * its own time left, that is just before middy answers `TimeoutError` for it (its
 * `timeoutEarlyInMillis`, 5 ms by default, before Lambda's own timeout).
 *
 * Not middy's own signal: middy 6 keeps one AbortController per module ("shared
 * AbortController, because it's slow"), and an invocation that times out aborts it for every
 * invocation of any handler running beside it. Lambda runs one invocation per sandbox, so there
 * that is only ever the invocation itself; the local runtime runs every invocation side by side
 * in one process, and an invocation the fault injector crashed leaves middy's timer armed, so its
 * timeout, up to 30 s later, aborted whichever notify was running then. Such a notify gave up
 * before SES with TransientFailure, eight retries ran out within the retries' own settle waits,
 * the execution failed, and every email still due for that order was lost (the fault matrix's
 * invocation run, seeds 11 and 29, on a loaded machine).
 */
import type { Context } from 'aws-lambda';

/** Comfortably before middy's answer, so that a send it answered for has already stopped. */
export const DEADLINE_MARGIN_MS = 50;

/** @returns undefined when the context has no deadline (a bare call in a test), as middy does. */
export function invocationSignal(context: Pick<Context, 'getRemainingTimeInMillis'> | undefined, marginMs = DEADLINE_MARGIN_MS): AbortSignal | undefined {
  if (typeof context?.getRemainingTimeInMillis !== 'function') return undefined;
  return AbortSignal.timeout(Math.max(0, context.getRemainingTimeInMillis() - marginMs));
}
