/**
 * Crashes at named step boundaries, for the fault-injection suite. A crash plan names a step
 * (`notify.afterClaim`, … see STEP_BOUNDARIES in functions/adapters/host-hooks.ts, plus the SES
 * stand-in's `ses.afterAccept`), optionally one email kind, order or event type, which hit of it
 * to crash at, and how:
 * - `invocation`: that one function invocation dies there, as a Lambda whose process exits. The
 *   caller sees `Lambda.Unknown` (the state machine and SQS retry; the HTTP API answers 502), and
 *   the invocation's code goes no further. At `ses.afterAccept` SES's answer is lost instead.
 * - `process`: the whole runtime's process group is killed with SIGKILL (only for a runtime
 *   started as its own process, e.g. by `npm start`; the test then restarts it).
 * Each plan fires once. Plans are data, so a seed can choose them and a failure can name them.
 */
import { appendFileSync } from 'node:fs';
import * as z from 'zod';
import { STEP_BOUNDARIES, type CheckpointDetail, type CheckpointHook } from '../functions/adapters/host-hooks.js';
import { currentInvocation, LambdaFunctionError } from './lambda.js';

export const CRASH_STEPS = [...STEP_BOUNDARIES, 'ses.afterAccept'] as const;
export type CrashStep = (typeof CRASH_STEPS)[number];

export const crashPlanSchema = z.object({
  at: z.enum(CRASH_STEPS),
  mode: z.enum(['invocation', 'process']),
  kind: z.string().optional(),
  orderId: z.string().optional(),
  eventType: z.string().optional(),
  /** Crash at the n-th time the step is reached with these filters. @default 1 */
  hit: z.number().int().positive().default(1),
});
export type CrashPlan = z.input<typeof crashPlanSchema>;

export interface CrashRecord {
  at: CrashStep;
  mode: 'invocation' | 'process';
  detail: CheckpointDetail;
  plan: number;
}

export class CrashInjector {
  private readonly plans: Array<z.infer<typeof crashPlanSchema>>;
  private readonly hits: number[];
  private readonly done: boolean[];
  readonly fired: CrashRecord[] = [];

  /** @param logFile where a process crash notes itself before dying, so the test knows what fired */
  constructor(
    plans: CrashPlan[],
    private readonly options: { logFile?: string; log?: (line: string) => void } = {},
  ) {
    this.plans = plans.map((p) => crashPlanSchema.parse(p));
    this.hits = this.plans.map(() => 0);
    this.done = this.plans.map(() => false);
  }

  /** The plan that fires at this step now, if any (counting the hit). */
  match(step: CrashStep, detail: CheckpointDetail): number | undefined {
    for (let i = 0; i < this.plans.length; i++) {
      const p = this.plans[i]!;
      if (this.done[i] || p.at !== step) continue;
      if (p.kind !== undefined && p.kind !== detail.kind && !detail.kinds?.includes(p.kind)) continue;
      if (p.orderId !== undefined && p.orderId !== detail.orderId) continue;
      if (p.eventType !== undefined && p.eventType !== detail.eventType) continue;
      if (++this.hits[i]! < p.hit) continue;
      this.done[i] = true;
      return i;
    }
    return undefined;
  }

  /**
   * The checkpoint hook for handlers (installed by the runtime). Code of an invocation whose
   * caller already has its answer (it timed out) ends at its next step boundary, as Lambda would
   * have frozen it: a retry may be doing the same work by now (local/lambda.ts).
   */
  readonly hook: CheckpointHook = (step, detail) => {
    const current = currentInvocation();
    if (current?.answered) {
      this.options.log?.(`[lambda] ${current.entry} ran on after its caller was answered (a timeout): ended at ${step}`);
      return new Promise<never>(() => undefined);
    }
    const i = this.match(step, detail);
    if (i === undefined) return;
    return this.crash(i, step, detail);
  };

  /**
   * Crashes per plan `i`: kills the process group, or makes the current invocation die. Resolves
   * never (nothing after a crash runs); outside an invocation it throws.
   */
  crash(i: number, step: CrashStep, detail: CheckpointDetail): Promise<never> {
    this.note(i, step, detail);
    const current = currentInvocation();
    if (!current) throw new Error(`Injected crash at ${step} outside a function invocation`);
    current.crash(new LambdaFunctionError('Lambda.Unknown', `Injected crash of ${current.entry} at ${step}`));
    return new Promise<never>(() => undefined);
  }

  /** The SES stand-in's `ses.afterAccept` step: an invocation crash there loses SES's answer. */
  readonly sesAfterAccept = (email: { kind?: string; orderId?: string; store?: string }): 'answer' | 'lose-answer' => {
    const detail = { kind: email.kind, orderId: email.orderId, store: email.store };
    const i = this.match('ses.afterAccept', detail);
    if (i === undefined) return 'answer';
    this.note(i, 'ses.afterAccept', detail);
    return 'lose-answer';
  };

  /** Adds plans (each fires once). */
  add(plans: CrashPlan[]): void {
    for (const p of plans) {
      this.plans.push(crashPlanSchema.parse(p));
      this.hits.push(0);
      this.done.push(false);
    }
  }

  /** Records a crash; a process crash notes itself in the log file and kills the process group. */
  private note(i: number, step: CrashStep, detail: CheckpointDetail): void {
    const plan = this.plans[i]!;
    const record: CrashRecord = { at: step, mode: plan.mode, detail, plan: i };
    this.fired.push(record);
    this.options.log?.(`[faults] crash (${plan.mode}) at ${step} ${JSON.stringify(detail)}`);
    if (plan.mode === 'process') {
      if (this.options.logFile) appendFileSync(this.options.logFile, JSON.stringify(record) + '\n');
      // The whole group: the runtime and whatever started it in the same group (tsx, npm).
      process.kill(0, 'SIGKILL');
    }
  }
}

/** Crash plans from the environment (`LOCAL_CRASH_PLANS`, JSON array), for a runtime started as a process. */
export function crashPlansFromEnv(env: NodeJS.ProcessEnv = process.env): CrashPlan[] {
  const raw = env.LOCAL_CRASH_PLANS;
  if (!raw) return [];
  const parsed = z.array(crashPlanSchema).safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`LOCAL_CRASH_PLANS: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
