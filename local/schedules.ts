/**
 * EventBridge scheduled rules, locally: each `rate(…)` rule of the template invokes its
 * function on the virtual clock, every period divided by the time scale, as EventBridge
 * would on AWS (with a Scheduled Event). Two departures, both for a loaded machine: the period
 * is at least `floorMs` of real time, and a run still under way when the next is due makes
 * that next one wait instead of overlapping it.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { ScheduleDefinition } from './template.js';
import { realClearTimeout, realSetTimeout } from './timers.js';

export interface LocalSchedulesOptions {
  schedules: readonly ScheduleDefinition[];
  invoke: (functionLogicalId: string, event: ScheduledEvent) => Promise<unknown>;
  timeScale: number;
  region: string;
  accountId: string;
  /** The virtual clock (the time each event carries). */
  now: () => Date;
  /** Shortest real interval between two runs of one rule. @default 250 */
  floorMs?: number;
  log?: (line: string) => void;
}

export class LocalSchedules {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;
  private runs = 0;
  private failures = 0;
  /** Last failure message per rule: a rule that keeps failing the same way is logged once. */
  private readonly lastFailure = new Map<string, string>();

  constructor(private readonly options: LocalSchedulesOptions) {
    for (const schedule of options.schedules) this.arm(schedule);
  }

  /** Real milliseconds between two runs of a rule. */
  intervalMs(schedule: ScheduleDefinition): number {
    return Math.max(this.options.floorMs ?? 250, (schedule.periodSeconds * 1000) / this.options.timeScale);
  }

  private arm(schedule: ScheduleDefinition): void {
    if (this.closed) return;
    const timer = realSetTimeout(() => {
      this.timers.delete(timer);
      const run = this.fire(schedule).finally(() => {
        this.running.delete(run);
        this.arm(schedule);
      });
      this.running.add(run);
    }, this.intervalMs(schedule));
    this.timers.add(timer);
  }

  private async fire(schedule: ScheduleDefinition): Promise<void> {
    const { region, accountId } = this.options;
    const event: ScheduledEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: accountId,
      time: this.options.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region,
      resources: [`arn:aws:events:${region}:${accountId}:rule/${schedule.logicalId}`],
      detail: {},
    };
    this.runs++;
    try {
      await this.options.invoke(schedule.functionLogicalId, event);
      this.lastFailure.delete(schedule.logicalId);
    } catch (e) {
      this.failures++;
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      if (this.lastFailure.get(schedule.logicalId) !== message) {
        this.options.log?.(`[events] ${schedule.logicalId} → ${schedule.entry} failed: ${message} (logged once until it changes)`);
      }
      this.lastFailure.set(schedule.logicalId, message);
    }
  }

  stats(): { runs: number; failures: number } {
    return { runs: this.runs, failures: this.failures };
  }

  /** Stops the timers and waits for runs under way. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) realClearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.running]);
  }
}
