/**
 * Runs order executions with the aws-local-stepfunctions interpreter, on the definition the
 * template holds, and serves the Step Functions calls the handlers make (StartExecution, the
 * task-token calls, Describe/List/StopExecution) over the AWS JSON 1.0 protocol.
 *
 * What the interpreter lacks, this supplies:
 * - Every Task gets a local handler (one without would call real AWS). `lambda:invoke` tasks call
 *   the mapped handler module and wrap its result like the Lambda integration does;
 *   `lambda:invoke.waitForTaskToken` tasks mint a token through `$$.Task.Token`, invoke the
 *   handler, then wait for SendTaskSuccess/SendTaskFailure or the scaled deadline.
 * - Deadlines and retry intervals are divided by the time scale. The interpreter's own Task
 *   timer is muted (see {@link muteInterpreterTaskTimer}) and the execution-level TimeoutSeconds
 *   is enforced here: both would otherwise run unscaled, and Node fires timers longer than
 *   24.8 days after 1 ms, which would time a long wait out at once.
 * - `ResultPath: "$"`: the interpreter sets a key named "$" instead of replacing the state data,
 *   so its copy of the definition leaves the field out, which the language defines as the same.
 * - Retry backoff: the interpreter's retryIntervalOverrides hold one fixed value per retrier, so
 *   the override is a getter that returns the scaled backoff of the attempt about to happen,
 *   counted here the way the interpreter counts it (see {@link RetryTracker}).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  ExecutionAbortedError,
  ExecutionError,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { AwsError, awsJsonListener } from './aws-json.js';
import type { TaskBinding } from './template.js';
import { LambdaFunctionError } from './lambda.js';
import { deferred, ensurePromiseWithResolvers, realSetTimeout, setLongTimeout, type Deferred, type LongTimer } from './timers.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type StateDef = Record<string, unknown> & { Type: string };
interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'NONE' | 'FULL';
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  name: string;
  executionArn: string;
  stateMachineArn: string;
  /** The input exactly as given to StartExecution. */
  input: string;
  status: ExecutionStatus;
  /** Epoch ms. */
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  /** StateEntered events, over every run of this execution (billed transitions, retries aside). */
  stateTransitions: number;
  /** StateRetried events; Step Functions bills each retry as a transition too. */
  retries: number;
  /** 1, plus one per resume after a restart. */
  runs: number;
}

export interface HistoryEvent {
  at: number;
  type: string;
  state?: string;
  error?: string;
  /** The error's cause, as the failing task gave it (its first 300 characters). */
  cause?: string;
}

export interface LocalStepFunctionsOptions {
  definition: StateMachineDefinition;
  stateMachineArn: string;
  /** State name → the function serving it; every Task state must have one. */
  tasks: Record<string, TaskBinding>;
  /** Invokes a function by logical id with a payload; rejects with an error whose name is the error type. */
  invoke: (functionLogicalId: string, payload: unknown) => Promise<unknown>;
  /** Virtual seconds per real second. @default 1 */
  timeScale?: number;
  /**
   * The execution-level TimeoutSeconds runs on real time, not the virtual clock: an Express
   * machine's ceiling (5 minutes) bounds a run of Lambda calls, which take real time here as on
   * AWS; scaled, a 5-minute ceiling at a day per second timed every execution out after 3.5 ms
   * (and a manual clock's jump timed out whatever was running). @default false
   */
  realTimeExecutionTimeout?: boolean;
  /**
   * Where virtual deadlines (callback timeouts, heartbeats, the execution timeout) are kept; a
   * manual clock fires them only when a test moves it. @default - real timers, divided by timeScale
   */
  clock?: VirtualTimers;
  /** JSON-lines file recording executions across restarts. @default - in memory only */
  recordFile?: string;
  /** Shortest retry pause, in ms, however large the time scale. @default 5 */
  minRetryDelayMs?: number;
  /** Shortest real wait before a callback task's deadline fires, however large the time scale. @default 250 */
  minCallbackDeadlineMs?: number;
  random?: () => number;
  log?: (line: string) => void;
  /**
   * Probability that StartExecution answers `ThrottlingException` (as when the account's
   * StartExecution token bucket is empty) instead of starting. @default 0
   */
  startExecutionThrottleRate?: number;
}

/** Timers in virtual time (see local/clock.ts). */
export interface VirtualTimers {
  after(virtualMs: number, fn: () => void, options?: { minRealMs?: number }): LongTimer;
}

export interface StepFunctionsStats {
  executions: Record<ExecutionStatus, number>;
  stateTransitions: number;
  retries: number;
  /** State transitions plus retries: what Step Functions Standard bills. */
  billedTransitions: number;
  tasksWaiting: number;
  /** StartExecution calls answered ThrottlingException by the injected fault. */
  startExecutionThrottled: number;
  /** Executions started: what Step Functions Express bills per request. */
  expressRequests: number;
  /**
   * Sum over finished executions of their duration (real ms, as the steps' own work takes),
   * rounded up to 100 ms each: Express bills duration so, at 64 MB of memory.
   */
  expressBilledMs: number;
}

interface TokenEntry {
  executionName: string;
  stateName?: string;
  waiter: Deferred<Json>;
  onHeartbeat?: () => void;
}

interface Run {
  record: ExecutionRecord;
  abort: () => void;
  stopReason?: 'stopped' | 'timeout' | 'shutdown';
  stopFields?: { error?: string; cause?: string };
  tokens: Set<string>;
  history: HistoryEvent[];
  timers: LongTimer[];
  done: Promise<void>;
}

const HISTORY_CAP = 300;
const FAILED_HISTORY_CAP = 100;
const SETTLED_TOKEN_CAP = 50_000;
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/**
 * aws-local-stepfunctions 3.0.0 starts its Task timer with the global setTimeout synchronously
 * right after calling the local handler. Our handlers enforce the (scaled) deadline themselves,
 * so for that one call the global is swapped for a timer that never fires, and restored at once.
 */
function muteInterpreterTaskTimer(): void {
  const g = globalThis as { setTimeout: typeof setTimeout };
  const current = g.setTimeout;
  const muted = ((..._args: unknown[]) => {
    g.setTimeout = current;
    const handle = realSetTimeout(() => undefined, 2 ** 31 - 1);
    handle.unref();
    return handle;
  }) as unknown as typeof setTimeout;
  g.setTimeout = muted;
  queueMicrotask(() => {
    if (g.setTimeout === muted) g.setTimeout = current;
  });
}

/**
 * Mirrors the interpreter's retry bookkeeping for one state entry: which retrier an error
 * matches and how many attempts it has used, so the next pause can be the scaled backoff.
 */
class RetryTracker {
  private attempts: number[];
  private pending: number | undefined;

  constructor(
    private readonly retriers: Retrier[],
    private readonly scale: number,
    private readonly floorMs: number,
    private readonly random: () => number,
  ) {
    this.attempts = retriers.map(() => 0);
  }

  failed(errorName: string): void {
    // The interpreter matches States.TaskFailed for every error but its own timeout class,
    // which our handlers never throw; order and MaxAttempts as in its shouldRetry().
    const i = this.retriers.findIndex((r) =>
      r.ErrorEquals.some((e) => e === errorName || e === 'States.ALL' || e === 'States.TaskFailed'),
    );
    const r = this.retriers[i];
    if (!r || this.attempts[i]! >= (r.MaxAttempts ?? 3)) {
      this.reset();
      return;
    }
    const seconds = Math.min((r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** this.attempts[i]!, r.MaxDelaySeconds ?? Infinity);
    const jittered = r.JitterStrategy === 'FULL' ? this.random() * seconds : seconds;
    this.pending = Math.max(this.floorMs, (jittered * 1000) / this.scale);
    this.attempts[i]!++;
  }

  succeeded(): void {
    this.reset();
  }

  private reset(): void {
    this.attempts = this.retriers.map(() => 0);
    this.pending = undefined;
  }

  get delayMs(): number {
    return this.pending ?? this.floorMs;
  }
}

/** Reads a simple reference path (`$.a.b`, `$['a'].b`) from a value. */
function readPath(value: unknown, path: string): unknown {
  if (!path.startsWith('$')) return undefined;
  const parts = [...path.slice(1).matchAll(/\.([^.[\]]+)|\[['"]?([^\]'"]+)['"]?\]/g)].map((m) => m[1] ?? m[2]!);
  let cur: unknown = value;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function collectStates(states: Record<string, unknown>, into: Record<string, StateDef>): Record<string, StateDef> {
  for (const [name, s] of Object.entries(states)) {
    const state = s as StateDef;
    into[name] = state;
    if (state.Type === 'Parallel') for (const b of state.Branches as Array<{ States: Record<string, unknown> }>) collectStates(b.States, into);
    if (state.Type === 'Map') collectStates(((state.ItemProcessor ?? state.Iterator) as { States: Record<string, unknown> }).States, into);
  }
  return into;
}

/**
 * The definition as handed to the interpreter: the execution timeout left out (enforced here,
 * scaled; left in it would run unscaled, and 180 days overflows Node's timer into an immediate
 * timeout) and `ResultPath: "$"` left out (its default), which the interpreter mishandles.
 */
export function forInterpreter(definition: StateMachineDefinition): StateMachineDefinition {
  const copy = JSON.parse(JSON.stringify(definition)) as StateMachineDefinition;
  delete copy.TimeoutSeconds;
  const normalize = (states: Record<string, unknown>) => {
    for (const s of Object.values(states)) {
      const state = s as StateDef;
      if (state.ResultPath === '$') delete state.ResultPath;
      for (const c of (state.Catch as Array<Record<string, unknown>> | undefined) ?? []) if (c.ResultPath === '$') delete c.ResultPath;
      if (state.Type === 'Parallel') for (const b of state.Branches as Array<{ States: Record<string, unknown> }>) normalize(b.States);
      if (state.Type === 'Map') normalize(((state.ItemProcessor ?? state.Iterator) as { States: Record<string, unknown> }).States);
    }
  };
  normalize(copy.States as Record<string, unknown>);
  return copy;
}

/** An error as the state machine sees a failed task: the name is what Retry and Catch match. */
function taskError(name: string, cause: string): Error {
  const e = new Error(cause);
  e.name = name;
  return e;
}

export class LocalStepFunctions {
  readonly stateMachineArn: string;
  private readonly machine: StateMachine;
  private readonly states: Record<string, StateDef>;
  private readonly executionTimeoutSeconds: number | undefined;
  private readonly scale: number;
  private readonly virtual: VirtualTimers;
  private readonly minCallbackDeadlineMs: number;
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly runs = new Map<string, Run>();
  /** The history of the last failed executions (a finished run's is dropped otherwise): what failed, for ops and the bench. */
  private readonly failedHistories = new Map<string, HistoryEvent[]>();
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly settledTokens = new Set<string>();
  private readonly tokenPrefix = randomBytes(6).toString('hex');
  private tokenCounter = 0;
  private closing = false;
  private startThrottleRate: number;
  private startThrottled = 0;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    ensurePromiseWithResolvers();
    this.stateMachineArn = options.stateMachineArn;
    this.scale = options.timeScale ?? 1;
    this.minCallbackDeadlineMs = options.minCallbackDeadlineMs ?? 250;
    if (!(this.scale > 0)) throw new Error(`timeScale must be positive, got ${this.scale}`);
    this.virtual = options.clock ?? {
      after: (ms, fn, o = {}) => setLongTimeout(fn, Math.max(o.minRealMs ?? 0, ms / this.scale), { unref: true }),
    };
    this.states = collectStates(options.definition.States as Record<string, unknown>, {});
    for (const [name, state] of Object.entries(this.states)) {
      if (state.Type === 'Task' && !options.tasks[name]) throw new Error(`Task state ${name} has no local handler binding`);
    }
    this.startThrottleRate = options.startExecutionThrottleRate ?? 0;
    this.executionTimeoutSeconds = options.definition.TimeoutSeconds;
    this.machine = new StateMachine(forInterpreter(options.definition), { validationOptions: { checkArn: false, checkPaths: false } });
    if (options.recordFile) this.load(options.recordFile);
  }

  /** The execution-level ceiling's timer: real time for an Express machine, else the virtual clock's. */
  private executionTimer(ms: number, fn: () => void): LongTimer {
    return this.options.realTimeExecutionTimeout ? setLongTimeout(fn, ms, { unref: true }) : this.virtual.after(ms, fn);
  }

  // -------------------------------------------------------------------------------------------
  // Control API

  /** The request listener for the local `AWS_ENDPOINT_URL_SFN` endpoint. */
  readonly listener = awsJsonListener('AWSStepFunctions', {
    StartExecution: (i) => {
      // Injected before anything else, as AWS throttles before looking at the request.
      if (this.startThrottleRate > 0 && (this.options.random ?? Math.random)() < this.startThrottleRate) {
        this.startThrottled++;
        throw new AwsError('ThrottlingException', 'Rate exceeded');
      }
      const r = this.startExecution({ stateMachineArn: String(i.stateMachineArn ?? ''), name: i.name as string | undefined, input: i.input as string | undefined });
      return { executionArn: r.executionArn, startDate: r.startDate / 1000 };
    },
    SendTaskSuccess: (i) => (this.sendTaskSuccess(String(i.taskToken ?? ''), String(i.output ?? '')), {}),
    SendTaskFailure: (i) => (this.sendTaskFailure(String(i.taskToken ?? ''), i.error as string | undefined, i.cause as string | undefined), {}),
    SendTaskHeartbeat: (i) => (this.sendTaskHeartbeat(String(i.taskToken ?? '')), {}),
    DescribeExecution: (i) => describe(this.recordByArn(String(i.executionArn ?? ''))),
    StopExecution: (i) => ({ stopDate: this.stopExecution(String(i.executionArn ?? ''), i.error as string | undefined, i.cause as string | undefined) / 1000 }),
    ListExecutions: (i) => {
      if (!this.isOurs(String(i.stateMachineArn))) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(i.stateMachineArn)}'`);
      const all = this.executions().filter((r) => !i.statusFilter || r.status === i.statusFilter).sort((a, b) => b.startDate - a.startDate);
      const start = i.nextToken ? Number(i.nextToken) : 0;
      const max = Number(i.maxResults ?? 100) || 100;
      const page = all.slice(start, start + max);
      return {
        executions: page.map(summary),
        ...(start + max < all.length ? { nextToken: String(start + max) } : {}),
      };
    },
  });

  /** Changes the injected StartExecution throttling (tests and benchmarks vary it). */
  setStartExecutionThrottleRate(rate: number): void {
    this.startThrottleRate = rate;
  }

  /**
   * Whether an ARN names this state machine. Only the name is compared: a template synthesized
   * for a concrete account and region builds ARNs with those, the local ones use placeholders.
   */
  private isOurs(arn: string): boolean {
    const name = this.stateMachineArn.split(':stateMachine:')[1];
    return arn === this.stateMachineArn || (name !== undefined && arn.endsWith(`:stateMachine:${name}`) && arn.startsWith('arn:'));
  }

  /** StartExecution: idempotent for the same name and input while running, as on AWS. */
  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): ExecutionRecord {
    if (!this.isOurs(request.stateMachineArn)) {
      throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
    }
    const name = request.name ?? randomUUID();
    if (name.length < 1 || name.length > 80 || NAME_FORBIDDEN.test(name)) throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    try {
      JSON.parse(input);
    } catch {
      throw new AwsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: input is not JSON');
    }
    if (this.closing) throw new AwsError('ServiceUnavailable', 'The local runtime is stopping', 503);
    const existing = this.records.get(name);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
    }
    const record: ExecutionRecord = {
      name,
      executionArn: this.stateMachineArn.replace(':stateMachine:', ':execution:') + `:${name}`,
      stateMachineArn: this.stateMachineArn,
      input,
      status: 'RUNNING',
      startDate: Date.now(),
      stateTransitions: 0,
      retries: 0,
      runs: 1,
    };
    this.records.set(name, record);
    this.persist(record);
    this.run(record);
    return record;
  }

  sendTaskSuccess(token: string, output: string): void {
    let parsed: Json;
    try {
      parsed = JSON.parse(output) as Json;
    } catch {
      throw new AwsError('InvalidOutput', 'Invalid Output: output is not JSON');
    }
    this.settle(token).waiter.resolve(parsed);
  }

  sendTaskFailure(token: string, error?: string, cause?: string): void {
    this.settle(token).waiter.reject(taskError(error ?? '', cause ?? ''));
  }

  sendTaskHeartbeat(token: string): void {
    this.pendingToken(token).onHeartbeat?.();
  }

  /** StopExecution: aborts a running execution; returns the stop date (epoch ms). */
  stopExecution(executionArn: string, error?: string, cause?: string): number {
    const record = this.recordByArn(executionArn);
    const run = this.runs.get(record.name);
    if (record.status === 'RUNNING' && run) {
      run.stopReason = 'stopped';
      run.stopFields = { error, cause };
      run.abort();
    }
    return record.stopDate ?? Date.now();
  }

  // -------------------------------------------------------------------------------------------
  // Inspection

  executions(): ExecutionRecord[] {
    return [...this.records.values()].map((r) => ({ ...r }));
  }

  execution(name: string): (ExecutionRecord & { history: HistoryEvent[] }) | undefined {
    const r = this.records.get(name);
    return r ? { ...r, history: [...(this.runs.get(name)?.history ?? this.failedHistories.get(name) ?? [])] } : undefined;
  }

  /** Resolves with the record once the execution is no longer running. */
  async whenDone(name: string): Promise<ExecutionRecord> {
    const run = this.runs.get(name);
    if (run) await run.done;
    const r = this.records.get(name);
    if (!r) throw new Error(`No execution ${name}`);
    return { ...r };
  }

  stats(): StepFunctionsStats {
    const executions: Record<ExecutionStatus, number> = { RUNNING: 0, SUCCEEDED: 0, FAILED: 0, TIMED_OUT: 0, ABORTED: 0 };
    let stateTransitions = 0;
    let retries = 0;
    let expressBilledMs = 0;
    for (const r of this.records.values()) {
      executions[r.status]++;
      stateTransitions += r.stateTransitions;
      retries += r.retries;
      if (r.stopDate !== undefined) expressBilledMs += Math.max(100, Math.ceil((r.stopDate - r.startDate) / 100) * 100);
    }
    return {
      executions,
      stateTransitions,
      retries,
      billedTransitions: stateTransitions + retries,
      tasksWaiting: this.tokens.size,
      startExecutionThrottled: this.startThrottled,
      expressRequests: this.records.size,
      expressBilledMs,
    };
  }

  /** Executions whose task is being processed right now (not waiting on a token). */
  get busy(): number {
    let n = 0;
    for (const run of this.runs.values()) {
      const waiting = [...run.tokens].some((t) => this.tokens.has(t));
      if (!waiting) n++;
    }
    return n;
  }

  /**
   * Starts again, from the beginning and under the same name, every execution recorded as
   * running (by a previous process). The product's ledger makes re-running an order safe.
   */
  resumeRunning(): string[] {
    const resumed: string[] = [];
    for (const record of this.records.values()) {
      if (record.status !== 'RUNNING' || this.runs.has(record.name)) continue;
      record.runs++;
      this.persist(record);
      this.run(record);
      resumed.push(record.name);
    }
    return resumed;
  }

  /** Aborts every run; running executions stay recorded as running, to resume on the next start. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const done = [...this.runs.values()].map((run) => {
      run.stopReason = 'shutdown';
      run.abort();
      return run.done;
    });
    await Promise.allSettled(done);
    for (const r of this.records.values()) if (r.status === 'RUNNING') this.persist(r);
  }

  // -------------------------------------------------------------------------------------------
  // Running

  private run(record: ExecutionRecord): void {
    const run: Run = { record, abort: () => undefined, tokens: new Set(), history: [], timers: [], done: Promise.resolve() };
    this.runs.set(record.name, run);
    const trackers = new Map<string, RetryTracker>();
    const random = this.options.random ?? Math.random;
    const floor = this.options.minRetryDelayMs ?? 5;
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    for (const [stateName, state] of Object.entries(this.states)) {
      if (state.Type !== 'Task') continue;
      const binding = this.options.tasks[stateName]!;
      const retriers = (state.Retry as Retrier[] | undefined) ?? [];
      const tracker = new RetryTracker(retriers, this.scale, floor, random);
      trackers.set(stateName, tracker);
      if (retriers.length) Object.defineProperty(retryIntervalOverrides, stateName, { enumerable: true, get: () => tracker.delayMs });
      handlers[stateName] = (input) => {
        const p = this.runTask(run, stateName, state, binding, input, tracker);
        muteInterpreterTaskTimer();
        return p;
      };
    }
    const task = {};
    Object.defineProperty(task, 'Token', { enumerable: true, get: () => this.mintToken(run) });
    const smName = this.stateMachineArn.split(':').pop();
    const execution = this.machine.run(JSON.parse(record.input) as Json, {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
      context: {
        Execution: { Id: record.executionArn, Name: record.name, RoleArn: `arn:aws:iam::000000000000:role/local` },
        StateMachine: { Id: this.stateMachineArn, Name: smName },
        Task: task,
      },
    });
    run.abort = execution.abort;
    if (this.executionTimeoutSeconds !== undefined) {
      run.timers.push(
        this.executionTimer(this.executionTimeoutSeconds * 1000, () => {
          run.stopReason = 'timeout';
          execution.abort();
        }),
      );
    }
    const events = (async () => {
      for await (const e of execution.eventLogs) {
        const ev = e as { type: string; timestamp: number; state?: { name: string }; Error?: string; Cause?: unknown };
        if (ev.type === 'StateEntered') record.stateTransitions++;
        if (ev.type === 'StateRetried') record.retries++;
        if (ev.type !== 'StateExited') {
          const cause = ev.Cause === undefined ? undefined : (typeof ev.Cause === 'string' ? ev.Cause : JSON.stringify(ev.Cause)).slice(0, 300);
          run.history.push({ at: ev.timestamp, type: ev.type, state: ev.state?.name, error: ev.Error, ...(cause ? { cause } : {}) });
          if (run.history.length > HISTORY_CAP) run.history.shift();
        }
      }
    })();
    run.done = (async () => {
      try {
        const output = await execution.result;
        this.finish(record, 'SUCCEEDED', { output: JSON.stringify(output ?? null) });
      } catch (e) {
        if (e instanceof ExecutionAbortedError) {
          if (run.stopReason === 'timeout') this.finish(record, 'TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out' });
          else if (run.stopReason === 'stopped') this.finish(record, 'ABORTED', run.stopFields ?? {});
          // On shutdown the execution stays RUNNING so that the next start resumes it.
        } else {
          const cause = e instanceof ExecutionError && e.cause instanceof Error ? e.cause : e instanceof Error ? e : new Error(String(e));
          this.finish(record, 'FAILED', { error: cause.name, cause: cause.message });
          this.failedHistories.set(record.name, run.history);
          if (this.failedHistories.size > FAILED_HISTORY_CAP) this.failedHistories.delete(this.failedHistories.keys().next().value!);
          this.options.log?.(`[states] ${record.name} failed: ${cause.name}: ${cause.message}`);
        }
      } finally {
        await events.catch(() => undefined);
        for (const t of run.timers) t.cancel();
        for (const token of run.tokens) this.retireToken(token);
        if (this.runs.get(record.name) === run) this.runs.delete(record.name);
        if (record.status === 'RUNNING') this.persist(record);
      }
    })();
  }

  private finish(record: ExecutionRecord, status: ExecutionStatus, fields: Partial<ExecutionRecord>): void {
    Object.assign(record, { output: undefined, error: undefined, cause: undefined }, fields, { status, stopDate: Date.now() });
    this.persist(record);
  }

  private async runTask(run: Run, stateName: string, state: StateDef, binding: TaskBinding, input: Json, tracker: RetryTracker): Promise<Json> {
    try {
      const result =
        binding.integration === 'waitForTaskToken'
          ? await this.waitForToken(run, stateName, state, binding, input)
          : await this.invokeTask(state, binding, input);
      tracker.succeeded();
      return result;
    } catch (e) {
      const err = e instanceof Error ? e : taskError('Error', String(e));
      tracker.failed(err.name);
      throw err;
    }
  }

  private async invokeLambda(binding: TaskBinding, payload: unknown): Promise<Json> {
    try {
      return (await this.options.invoke(binding.functionLogicalId, payload)) as Json;
    } catch (e) {
      const err = e instanceof Error ? e : new LambdaFunctionError('Error', String(e));
      // The Lambda integration reports the function error's type as Error and a JSON Cause.
      throw taskError(err.name, JSON.stringify({ errorMessage: err.message, errorType: err.name, trace: [] }));
    }
  }

  private async invokeTask(state: StateDef, binding: TaskBinding, input: Json): Promise<Json> {
    const payload = binding.integration === 'direct' ? input : (readPath(input, '$.Payload') as Json | undefined);
    // A Lambda's running time is real time: the task timeout is not scaled.
    const timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
    let timer: LongTimer | undefined;
    const invoked = this.invokeLambda(binding, payload);
    const result = await (timeoutSeconds === undefined
      ? invoked
      : Promise.race([
          invoked,
          new Promise<never>((_, reject) => {
            timer = setLongTimeout(() => reject(taskError('States.Timeout', 'Task timed out')), timeoutSeconds * 1000, { unref: true });
          }),
        ]).finally(() => timer?.cancel()));
    if (binding.integration === 'direct') return result;
    return {
      ExecutedVersion: '$LATEST',
      Payload: result,
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: randomUUID() },
      StatusCode: 200,
    };
  }

  private async waitForToken(run: Run, stateName: string, state: StateDef, binding: TaskBinding, input: Json): Promise<Json> {
    const token = this.findToken(run, input);
    if (!token) throw taskError('States.Runtime', `State ${stateName} passed no task token ($$.Task.Token) to its function`);
    const entry = this.tokens.get(token)!;
    entry.stateName = stateName;
    const timers: LongTimer[] = [];
    const expire = (name: string) => {
      if (this.tokens.get(token) !== entry) return;
      this.retireToken(token);
      entry.waiter.reject(taskError(name, name === 'States.Timeout' ? 'Task timed out' : 'Task heartbeat timed out'));
    };
    const seconds = (field: string) => {
      const v = typeof state[field] === 'number' ? state[field] : typeof state[`${field}Path`] === 'string' ? readPath(input, state[`${field}Path`] as string) : undefined;
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !(v > 0)) throw taskError('States.Runtime', `${field}Path of ${stateName} gave ${JSON.stringify(v)}, not a positive number`);
      return v;
    };
    const timeout = seconds('TimeoutSeconds');
    const heartbeat = seconds('HeartbeatSeconds');
    // A scaled deadline never undercuts the time a callback's own function needs to answer: at a
    // large scale a one-second deadline would be microseconds, and the timeout would always win
    // the race that on AWS the function wins.
    const floor = (s: number) => ({ minRealMs: Math.min(s * 1000, this.minCallbackDeadlineMs) });
    if (timeout !== undefined) timers.push(this.virtual.after(timeout * 1000, () => expire('States.Timeout'), floor(timeout)));
    if (heartbeat !== undefined) {
      let beat = this.virtual.after(heartbeat * 1000, () => expire('States.HeartbeatTimeout'));
      timers.push({ cancel: () => beat.cancel() });
      entry.onHeartbeat = () => {
        beat.cancel();
        beat = this.virtual.after(heartbeat * 1000, () => expire('States.HeartbeatTimeout'));
      };
    }
    try {
      try {
        await this.invokeLambda(binding, readPath(input, '$.Payload'));
      } catch (e) {
        // The invocation itself failed: the task fails with that error, and the token is gone.
        if (this.tokens.get(token) === entry) this.retireToken(token);
        throw e;
      }
      return await entry.waiter.promise;
    } finally {
      for (const t of timers) t.cancel();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Task tokens

  private mintToken(run: Run): string {
    const token = `${this.tokenPrefix}.${(++this.tokenCounter).toString(36)}.${randomBytes(24).toString('base64url')}`;
    const waiter = deferred<Json>();
    waiter.promise.catch(() => undefined); // a token nobody waits on must not raise an unhandled rejection
    this.tokens.set(token, { executionName: run.record.name, waiter });
    run.tokens.add(token);
    return token;
  }

  private findToken(run: Run, input: Json): string | undefined {
    const direct = readPath(input, '$.Payload.taskToken');
    if (typeof direct === 'string' && run.tokens.has(direct) && this.tokens.has(direct)) return direct;
    let found: string | undefined;
    const scan = (v: unknown) => {
      if (found) return;
      if (typeof v === 'string' && run.tokens.has(v) && this.tokens.has(v)) found = v;
      else if (v && typeof v === 'object') for (const x of Object.values(v)) scan(x);
    };
    scan(input);
    return found;
  }

  private pendingToken(token: string): TokenEntry {
    const entry = this.tokens.get(token);
    if (entry) return entry;
    if (this.settledTokens.has(token)) throw new AwsError('TaskTimedOut', 'Task Timed Out: Provided task does not exist anymore');
    if (!/^[0-9a-f]{12}\.[0-9a-z]+\.[A-Za-z0-9_-]+$/.test(token)) throw new AwsError('InvalidToken', 'Invalid Token: not a task token');
    // Well-formed but not ours: minted by an earlier process, whose executions were restarted.
    throw new AwsError('TaskDoesNotExist', 'Task Does Not Exist: the task is no longer known (the local runtime restarted)');
  }

  private settle(token: string): TokenEntry {
    const entry = this.pendingToken(token);
    this.retireToken(token);
    return entry;
  }

  private retireToken(token: string): void {
    if (!this.tokens.delete(token)) return;
    this.settledTokens.add(token);
    if (this.settledTokens.size > SETTLED_TOKEN_CAP) {
      const oldest = this.settledTokens.values().next().value;
      if (oldest !== undefined) this.settledTokens.delete(oldest);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Records

  private recordByArn(arn: string): ExecutionRecord {
    const name = arn.startsWith(this.stateMachineArn.replace(':stateMachine:', ':execution:') + ':') ? arn.split(':').pop()! : undefined;
    const record = name ? this.records.get(name) : undefined;
    if (!record) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return record;
  }

  private persist(record: ExecutionRecord): void {
    if (!this.options.recordFile) return;
    appendFileSync(this.options.recordFile, JSON.stringify(record) + '\n');
  }

  private load(file: string): void {
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const r = JSON.parse(line) as ExecutionRecord;
          if (r.stateMachineArn === this.stateMachineArn) this.records.set(r.name, r);
        } catch {
          // A line cut short by a crash: the record before it stands.
        }
      }
    }
    // Compact: one line per execution.
    writeFileSync(file, [...this.records.values()].map((r) => JSON.stringify(r) + '\n').join(''));
  }
}

/** An execution as ListExecutions lists it (times in epoch seconds, as the SDK expects). */
function summary(r: ExecutionRecord): Record<string, unknown> {
  return {
    executionArn: r.executionArn,
    stateMachineArn: r.stateMachineArn,
    name: r.name,
    status: r.status,
    startDate: r.startDate / 1000,
    ...(r.stopDate ? { stopDate: r.stopDate / 1000 } : {}),
  };
}

function describe(r: ExecutionRecord): Record<string, unknown> {
  return {
    ...summary(r),
    input: r.input,
    inputDetails: { included: true },
    ...(r.output !== undefined ? { output: r.output, outputDetails: { included: true } } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.cause !== undefined ? { cause: r.cause } : {}),
  };
}
