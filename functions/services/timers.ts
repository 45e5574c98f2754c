/**
 * The timers poller, every minute (EventBridge rate(1 minute)): wakes every order the timers
 * index lists as due (a wait's deadline, an unsettled claim's settle end, a failed step's
 * lease). Each wake leases the timer it found, conditional on it and on no live lease of it, so
 * two runs that overlap wake an order once; the timer stays due under the lease, so a walk that
 * dies is woken again once the lease is over. A timer that fires late only wakes later (the walk
 * asks what happened meanwhile), and one that fires twice walks to where the order already rests.
 */
import { TIMER_SHARDS } from '../adapters/keys.js';
import type { OrderStore } from '../adapters/order-store.js';
import type { Clock } from '../adapters/clock.js';
import { wake, type WakeDeps } from './wake.js';

export interface TimersDeps extends WakeDeps {
  orders: Pick<OrderStore, 'leaseTimer' | 'dueTimers'>;
  clock: Clock;
  /** Due timers read per shard and run; the rest wait for the next minute (their order is kept). @default 500 */
  limitPerShard?: number;
}

export async function pollTimers(deps: TimersDeps): Promise<{ due: number; woken: number }> {
  const now = deps.clock.now();
  let due = 0;
  let woken = 0;
  for (let shard = 0; shard < TIMER_SHARDS; shard++) {
    for (const timer of await deps.orders.dueTimers(shard, now, deps.limitPerShard ?? 500)) {
      due++;
      if ((await wake(deps, timer.store, timer.orderId, `timer ${timer.timerSk.slice(0, 24)}`, { ifTimerSk: timer.timerSk })) === 'started') woken++;
    }
  }
  return { due, woken };
}
