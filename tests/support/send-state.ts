/**
 * One send state of the walk, as step() runs it (functions/services/step.ts): the order loaded,
 * then sendDue's claim-settle protocol for what the state sends. The protocol's tests drive it
 * here, on the path the notify Lambda takes, without walking the lifecycle around it.
 */
import { waitSeconds, type AwaitPhase, type DecisionContext, type LedgerEntry } from '../../functions/domain/lifecycle.js';
import type { Sends } from '../../functions/domain/walk.js';
import { sendDue, type NotifyDeps, type NotifyOptions } from '../../functions/services/notify.js';

export interface SendStateResult {
  sent: number;
  /** The wait the walk would take next, from the ledger as this send left it in memory (what step() decides on). */
  waitFor: (next: AwaitPhase | 'none') => number;
}

export async function sendState(sends: Sends, order: { store: string; orderId: string }, deps: NotifyDeps, options: NotifyOptions = {}): Promise<SendStateResult> {
  const config = deps.configFor(order.store);
  if (!config) throw new Error(`test wiring: no config for store "${order.store}"`);
  const loaded = await deps.orders.load(order.store, order.orderId);
  const ledger: LedgerEntry[] = [...loaded.ledger];
  const ctx = (): DecisionContext => ({ ...loaded, ledger, config, now: deps.clock.now() });
  const sent = await sendDue(sends, ctx, ledger, deps, options);
  return { sent, waitFor: (next) => waitSeconds(next, ctx()) };
}
