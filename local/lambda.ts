/**
 * Invokes the product's handler modules the way Lambda would: a JSON round trip of event and
 * result (so no object is shared with the caller), a Lambda-like context, the function's timeout,
 * and failures surfaced by error type. Modules are imported on first use (a cold start), after
 * the runtime has set the environment, so SDK clients created at module scope see local endpoints.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { PROJECT_ROOT, type LocalFunction } from './template.js';
import { realClearTimeout, realSetTimeout } from './timers.js';

export type Handler = (event: unknown, context: Context) => unknown;
export interface HandlerModule {
  handler: Handler;
}

/** Who invoked: the state machine, the SQS event source, the HTTP API, the SES stand-in (`sns`: SES events, as their queue delivers them) or a schedule. */
export type InvocationSource = 'states' | 'sqs' | 'http' | 'sns' | 'events';

/** A function error as Lambda reports it: `name` is the errorType callers match on. */
export class LambdaFunctionError extends Error {
  constructor(errorType: string, message: string) {
    super(message);
    this.name = errorType;
  }
}

/** The invocation code runs in: an injected crash (local/faults.ts) ends it from inside. */
interface InvocationScope {
  entry: string;
  crash: (error: Error) => void;
  /**
   * Set once the caller has its answer: a result, an error, or a timeout (middy's TimeoutError or
   * `Sandbox.Timedout`). Code of the invocation still running after that acts for a caller that
   * has moved on (a retry may be sending the same email). Lambda freezes it (it resumes, if ever,
   * in a later invocation of the sandbox); here it cannot be stopped, so the runtime ends it at
   * its next step boundary (local/faults.ts).
   */
  answered?: boolean;
}
const invocationScope = new AsyncLocalStorage<InvocationScope>();

/** The function invocation the caller runs in, if any. */
export function currentInvocation(): InvocationScope | undefined {
  return invocationScope.getStore();
}

/** Runs a handler in an invocation scope: settles as the handler does, or rejects with a crash injected inside it. */
function runInvocation<T>(entry: string, body: () => T | Promise<T>, onScope: (scope: InvocationScope) => void = () => undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const scope: InvocationScope = { entry, crash: reject };
    onScope(scope);
    invocationScope.run(scope, () => {
      Promise.resolve().then(body).then(resolve, reject);
    });
  });
}

export interface LambdaInvokerOptions {
  functions: Record<string, LocalFunction>;
  /** Module per entry: a file path or a loaded module. @default `<projectRoot>/functions/<entry>.ts` */
  modules?: Record<string, string | HandlerModule>;
  projectRoot?: string;
  /** Probability that an invocation from the state machine or SQS fails with `Lambda.Unknown` before the handler runs. */
  crashRate?: number;
  random?: () => number;
  log?: (line: string) => void;
  /**
   * Invocations from the queue, the state machine or schedules that run at once while the HTTP
   * API has invocations in progress (see yieldToFrontDoor). @default no limit
   */
  backgroundWhileBusy?: number;
  /**
   * Real ms after which a background invocation no longer holds its slot (one waiting out a
   * settle window must not hold back the rest of the queue for as long). @default 1000
   */
  backgroundSlotMs?: number;
  /**
   * Real ms a background invocation waits for the HTTP API at most: a burst that goes on and on
   * delays the work behind it by this much, and starves none of it. @default 2000
   */
  backgroundMaxWaitMs?: number;
}

export interface DurationStats {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface LambdaStats {
  invocations: Record<string, number>;
  errors: Record<string, number>;
  injectedCrashes: number;
  durations: Record<string, DurationStats>;
  /** Background invocations that waited for the HTTP API's (see backgroundWhileBusy), and how long in all. */
  frontDoor: { deferred: number; deferredMs: number };
  /**
   * Of the invocations above, those of scheduled rules (EventBridge `rate(…)`), per entry, with
   * their summed duration: they run by the clock, not per order (the cost bench bills them apart).
   */
  scheduled: Record<string, { invocations: number; totalMs: number }>;
}

const SAMPLE_CAP = 20_000;

export class LambdaInvoker {
  private readonly loaded = new Map<string, Promise<HandlerModule>>();
  private readonly invocations: Record<string, number> = {};
  private readonly errors: Record<string, number> = {};
  private readonly samples: Record<string, number[]> = {};
  private readonly scheduled: Record<string, { invocations: number; totalMs: number }> = {};
  private injectedCrashes = 0;
  private running = 0;
  /** Invocations from the HTTP API in progress, and the background invocations waiting for them. */
  private httpRunning = 0;
  private readonly behindFrontDoor: Array<() => void> = [];
  /** Background invocations admitted less than backgroundSlotMs ago and still running: they hold the slots. */
  private backgroundHolding = 0;
  private deferred = 0;
  private deferredMs = 0;

  constructor(private readonly options: LambdaInvokerOptions) {
    this.options = { ...options };
  }

  setCrashRate(rate: number): void {
    this.options.crashRate = rate;
  }

  /** Invocations in progress. */
  get active(): number {
    return this.running;
  }

  /** Handler files that do not exist (yet); the runtime warns about them at start. */
  missingModules(): string[] {
    const entries = new Set(Object.values(this.options.functions).map((f) => f.entry));
    return [...entries].filter((e) => {
      const m = this.options.modules?.[e];
      if (m && typeof m !== 'string') return false;
      return !existsSync(typeof m === 'string' ? m : this.defaultPath(e));
    }).map((e) => (typeof this.options.modules?.[e] === 'string' ? String(this.options.modules[e]) : this.defaultPath(e)));
  }

  private defaultPath(entry: string): string {
    return join(this.options.projectRoot ?? PROJECT_ROOT, 'functions', `${entry}.ts`);
  }

  private load(entry: string): Promise<HandlerModule> {
    let p = this.loaded.get(entry);
    if (!p) {
      const m = this.options.modules?.[entry];
      p = (async () => {
        if (m && typeof m !== 'string') return m;
        const path = m ?? this.defaultPath(entry);
        if (!existsSync(path)) throw new LambdaFunctionError('Runtime.ImportModuleError', `Cannot find module ${path}`);
        const mod = (await import(pathToFileURL(path).href)) as Partial<HandlerModule>;
        if (typeof mod.handler !== 'function') {
          throw new LambdaFunctionError('Runtime.HandlerNotFound', `${path} does not export a function named handler`);
        }
        return mod as HandlerModule;
      })();
      // A failed import is retried on the next invocation, as a new cold start would.
      p.catch(() => this.loaded.delete(entry));
      this.loaded.set(entry, p);
    }
    return p;
  }

  /** Invokes a function by logical id; resolves with its JSON result or rejects with a {@link LambdaFunctionError}. */
  async invoke(logicalId: string, event: unknown, source: InvocationSource): Promise<unknown> {
    const fn = this.options.functions[logicalId];
    if (!fn) throw new LambdaFunctionError('ResourceNotFoundException', `No function ${logicalId}`);
    const entry = fn.entry;
    this.invocations[entry] = (this.invocations[entry] ?? 0) + 1;
    const rate = this.options.crashRate ?? 0;
    if ((source === 'states' || source === 'sqs') && rate > 0 && (this.options.random ?? Math.random)() < rate) {
      this.injectedCrashes++;
      this.errors[entry] = (this.errors[entry] ?? 0) + 1;
      throw new LambdaFunctionError('Lambda.Unknown', `Injected crash of ${entry} (lambdaCrashRate ${rate})`);
    }
    this.running++;
    // SES events are exempt: the SES stand-in answers SendEmail after their first delivery, so
    // holding them back would hold back the invocation that sends, which holds a slot.
    const background = source !== 'http' && source !== 'sns';
    if (source === 'http') this.httpRunning++;
    const release = background ? await this.yieldToFrontDoor() : undefined;
    const started = performance.now();
    try {
      const mod = await this.load(entry);
      const payload = event === undefined ? undefined : (JSON.parse(JSON.stringify(event)) as unknown);
      const deadline = Date.now() + fn.timeoutSeconds * 1000;
      const context = lambdaContext(fn, deadline);
      let timer: ReturnType<typeof setTimeout> | undefined;
      let scope: InvocationScope | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = realSetTimeout(() => reject(new LambdaFunctionError('Sandbox.Timedout', `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`)), fn.timeoutSeconds * 1000);
      });
      try {
        const result = await Promise.race([runInvocation(entry, () => mod.handler(payload, context), (s) => (scope = s)), timeout]);
        return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as unknown);
      } finally {
        realClearTimeout(timer);
        if (scope) scope.answered = true;
      }
    } catch (e) {
      this.errors[entry] = (this.errors[entry] ?? 0) + 1;
      if (e instanceof LambdaFunctionError) throw e;
      const err = e instanceof Error ? e : new Error(String(e));
      this.options.log?.(`[lambda] ${entry} failed: ${err.name}: ${err.message}`);
      // Lambda reports the error's name as errorType; Step Functions matches Retry/Catch on it.
      throw new LambdaFunctionError(err.name || 'Error', err.message);
    } finally {
      this.running--;
      if (release) release();
      else if (source === 'http' && --this.httpRunning === 0) this.admitBackground();
      const ms = performance.now() - started;
      if (source === 'events') {
        const sch = (this.scheduled[entry] ??= { invocations: 0, totalMs: 0 });
        sch.invocations++;
        sch.totalMs += ms;
      }
      const list = (this.samples[entry] ??= []);
      if (list.length < SAMPLE_CAP) list.push(ms);
      else list[Math.floor(Math.random() * SAMPLE_CAP)] = ms;
    }
  }

  /**
   * Lambda runs each function in sandboxes of its own, so a router busy with a burst's batches
   * takes nothing from the webhook endpoint's answers. Here every function shares one event loop:
   * the executions a burst starts compete with its acknowledgements, and the platform's webhooks
   * wait for the emails of earlier orders. So while the HTTP API has invocations in progress, work
   * the platform does not wait for (queue batches, state machine tasks, schedules) runs at most
   * `backgroundWhileBusy` invocations at a time; the others start as those finish (or have run
   * `backgroundSlotMs`, so that one waiting out a settle window holds back nothing), or the HTTP
   * API falls quiet, or they have waited `backgroundMaxWaitMs` (then they hold a slot like the
   * rest), as if they ran on other machines and started that much later. What they do, and in
   * which order, is unchanged. Resolves with what gives the slot back.
   */
  private async yieldToFrontDoor(): Promise<() => void> {
    const slots = this.options.backgroundWhileBusy ?? Infinity;
    if (slots === Infinity) return () => undefined;
    if (this.httpRunning > 0 && this.backgroundHolding >= slots) {
      const t0 = performance.now();
      this.deferred++;
      // admitBackground counts the slot for us before it lets us go; so does the wait's bound.
      await new Promise<void>((resolve) => {
        let bound: ReturnType<typeof setTimeout> | undefined;
        const go = () => {
          realClearTimeout(bound);
          resolve();
        };
        this.behindFrontDoor.push(go);
        bound = realSetTimeout(() => {
          const i = this.behindFrontDoor.indexOf(go);
          if (i < 0) return;
          this.behindFrontDoor.splice(i, 1);
          this.backgroundHolding++;
          resolve();
        }, this.options.backgroundMaxWaitMs ?? 2000);
      });
      this.deferredMs += performance.now() - t0;
    } else {
      this.backgroundHolding++;
    }
    // The slot is given back when the invocation ends or has run backgroundSlotMs, whichever is first.
    let held = true;
    const letGo = () => {
      if (!held) return;
      held = false;
      realClearTimeout(timer);
      this.backgroundHolding--;
      this.admitBackground();
    };
    const timer = realSetTimeout(letGo, this.options.backgroundSlotMs ?? 1000);
    return letGo;
  }

  /** Lets waiting background invocations go while the HTTP API is quiet or a slot is free. */
  private admitBackground(): void {
    const slots = this.options.backgroundWhileBusy ?? Infinity;
    while (this.behindFrontDoor.length > 0 && (this.httpRunning === 0 || this.backgroundHolding < slots)) {
      this.backgroundHolding++;
      this.behindFrontDoor.shift()!();
    }
  }

  stats(): LambdaStats {
    const durations: Record<string, DurationStats> = {};
    for (const [entry, list] of Object.entries(this.samples)) {
      const sorted = [...list].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      const round = (n: number) => Math.round(n * 100) / 100;
      durations[entry] = {
        count: this.invocations[entry] ?? sorted.length,
        meanMs: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
        p50Ms: round(at(0.5)),
        p95Ms: round(at(0.95)),
        maxMs: round(sorted[sorted.length - 1] ?? 0),
      };
    }
    return {
      invocations: { ...this.invocations },
      errors: { ...this.errors },
      injectedCrashes: this.injectedCrashes,
      durations,
      frontDoor: { deferred: this.deferred, deferredMs: Math.round(this.deferredMs) },
      scheduled: Object.fromEntries(Object.entries(this.scheduled).map(([k, v]) => [k, { ...v }])),
    };
  }
}

function lambdaContext(fn: LocalFunction, deadline: number): Context {
  const requestId = randomUUID();
  const unsupported = () => {
    throw new Error('Callback-style completion is not supported locally; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: fn.arn,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
