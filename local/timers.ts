/**
 * Timers for deadlines that may be days long. Node's setTimeout takes at most 2^31-1 ms
 * (about 24.8 days) and fires after 1 ms when given more, which would turn a long wait into an
 * immediate timeout; these chain shorter timers instead.
 */

const MAX_TIMER_MS = 2 ** 31 - 1;

/** The real setTimeout, captured before anything can swap the global (see step-functions.ts). */
export const realSetTimeout = globalThis.setTimeout.bind(globalThis);
export const realClearTimeout = globalThis.clearTimeout.bind(globalThis);

export interface LongTimer {
  cancel(): void;
}

/** Calls `fn` after `ms`, however long; `unref` lets the process exit while it is pending. */
export function setLongTimeout(fn: () => void, ms: number, options: { unref?: boolean } = {}): LongTimer {
  let handle: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;
  const due = Date.now() + Math.max(0, ms);
  const arm = () => {
    const left = due - Date.now();
    if (left <= 0) {
      handle = undefined;
      fn();
      return;
    }
    handle = realSetTimeout(arm, Math.min(left, MAX_TIMER_MS));
    if (options.unref) handle.unref();
  };
  if (ms <= MAX_TIMER_MS) {
    handle = realSetTimeout(() => {
      handle = undefined;
      if (!cancelled) fn();
    }, Math.max(0, ms));
    if (options.unref) handle.unref();
  } else arm();
  return {
    cancel() {
      cancelled = true;
      if (handle) realClearTimeout(handle);
      handle = undefined;
    },
  };
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setLongTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      t.cancel();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * aws-local-stepfunctions 3 calls Promise.withResolvers (Node 22+) in every Task state; on
 * Node 20 every Task would fail without it.
 */
export function ensurePromiseWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: unknown };
  if (typeof P.withResolvers === 'function') return;
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
