/**
 * The runtime's virtual clock, shared by the handlers (through the host clock slot of
 * functions/adapters/host-hooks.ts) and by every deadline the runtime enforces.
 *
 * - Scaled (the default): virtual time runs `scale` times as fast as real time from `origin`;
 *   a deadline is a real timer of its virtual distance divided by the scale.
 * - Manual (tests): virtual time stands still. `advance()` moves it forward, firing the
 *   deadlines it passes in order and letting the runtime settle after each one before time moves
 *   on. What a test observes then depends on what it did, not on how loaded the machine is.
 */
import { setLongTimeout, type LongTimer } from './timers.js';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export interface ClockState {
  origin: number;
  scale: number;
  /** Set when the clock is manual: the virtual now it stood at. */
  manualNow?: number;
}

export class LocalClock {
  readonly scale: number;
  readonly origin: number;
  private manualNow: number | undefined;
  private readonly pending: Pending[] = [];
  private seq = 0;

  constructor(state: ClockState) {
    this.scale = state.scale;
    this.origin = state.origin;
    this.manualNow = state.manualNow;
  }

  get manual(): boolean {
    return this.manualNow !== undefined;
  }

  nowMs(): number {
    if (this.manualNow !== undefined) return this.manualNow;
    return this.scale === 1 ? Date.now() : this.origin + (Date.now() - this.origin) * this.scale;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  state(): ClockState {
    return { origin: this.origin, scale: this.scale, ...(this.manualNow !== undefined ? { manualNow: this.manualNow } : {}) };
  }

  /**
   * Calls `fn` once `virtualMs` of virtual time have passed. Scaled, that is a real timer of
   * `virtualMs / scale`, never shorter than `minRealMs`; manual, it fires when `advance` passes it.
   */
  after(virtualMs: number, fn: () => void, options: { minRealMs?: number } = {}): LongTimer {
    if (this.manualNow === undefined) {
      return setLongTimeout(fn, Math.max(options.minRealMs ?? 0, virtualMs / this.scale), { unref: true });
    }
    const entry: Pending = { at: this.manualNow + Math.max(0, virtualMs), seq: ++this.seq, fn, cancelled: false };
    this.pending.push(entry);
    return { cancel: () => void (entry.cancelled = true) };
  }

  /** Virtual deadlines waiting for a manual clock to reach them. */
  get waiting(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }

  /**
   * Moves a manual clock forward by `virtualMs`, firing each deadline it passes at its own
   * instant, in order, and awaiting `settle` (the runtime's whenIdle) after each, so the work a
   * deadline starts finishes before later time passes. Returns how many deadlines fired.
   */
  advance(virtualMs: number, settle: () => Promise<void>): Promise<number> {
    // One advance at a time: concurrent callers each get their stretch of time, in turn.
    const run = this.chain.then(() => this.advanceNow(virtualMs, settle));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private chain: Promise<unknown> = Promise.resolve();

  private async advanceNow(virtualMs: number, settle: () => Promise<void>): Promise<number> {
    if (this.manualNow === undefined) throw new Error('advance() needs a manual clock (startLocal({ manualClock: true }))');
    const target = this.manualNow + Math.max(0, virtualMs);
    let fired = 0;
    await settle();
    for (;;) {
      const live = this.pending.filter((p) => !p.cancelled);
      this.pending.splice(0, this.pending.length, ...live);
      const next = live.filter((p) => p.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.pending.splice(this.pending.indexOf(next), 1);
      this.manualNow = Math.max(this.manualNow, next.at);
      next.fn();
      fired++;
      await settle();
    }
    this.manualNow = target;
    await settle();
    return fired;
  }
}
