/**
 * Step Functions calls: start an order's execution (idempotent by name) and settle the task
 * token of a waiting state. A token that is already settled or timed out is not an error here:
 * two signallers racing for one token is expected, and the first one wins.
 */
import { createHash } from 'node:crypto';
import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';

export interface WorkflowInput {
  Payload: { order: { store: string; orderId: string }; steps: number; wait?: { seconds: number } };
}

/** Execution names allow [A-Za-z0-9-_] and 80 characters; a hash keeps them unique. */
export function executionName(store: string, orderId: string, generation = 1): string {
  const slug = (s: string, n: number) => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, n);
  const hash = createHash('sha256').update(`${store}\n${orderId}`).digest('hex').slice(0, 16);
  const base = `${slug(store, 28)}-${slug(orderId, 24)}-${hash}`;
  return generation > 1 ? `${base}-c${generation}` : base;
}

/**
 * The name of a late walk: the order's execution had ended when an event made an email due, so a
 * fresh one re-walks the lifecycle (the ledger skips what was sent). Named from the order and the
 * event, so a redelivered event starts nothing new; 80 characters at most, as the base is 70.
 */
export function lateExecutionName(store: string, orderId: string, eventId: string): string {
  return `${executionName(store, orderId)}-r${createHash('sha256').update(eventId).digest('hex').slice(0, 8)}`;
}

/** The generation encoded in an execution name (`…-c3` → 3). */
export function generationOf(name: string | undefined): number {
  const m = name?.match(/-c(\d+)$/);
  return m ? Number(m[1]) : 1;
}

const benign = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

export class WorkflowClient {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  /** Starts the order's execution; an existing one with that name counts as started. */
  async start(store: string, orderId: string, generation = 1): Promise<'started' | 'exists'> {
    return this.startNamed(store, orderId, executionName(store, orderId, generation));
  }

  /** Starts the late walk an event calls for after the order's execution ended (lateExecutionName). */
  async startLate(store: string, orderId: string, eventId: string): Promise<'started' | 'exists'> {
    return this.startNamed(store, orderId, lateExecutionName(store, orderId, eventId));
  }

  private async startNamed(store: string, orderId: string, name: string): Promise<'started' | 'exists'> {
    const input: WorkflowInput = { Payload: { order: { store, orderId }, steps: 0 } };
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
      return 'started';
    } catch (e) {
      if ((e as { name?: string }).name === 'ExecutionAlreadyExists') return 'exists';
      throw e;
    }
  }

  async succeed(token: string, output: unknown): Promise<boolean> {
    try {
      await this.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      return true;
    } catch (e) {
      if (benign.has((e as { name?: string }).name ?? '')) return false;
      throw e;
    }
  }

  async fail(token: string, error: string, cause = ''): Promise<boolean> {
    try {
      await this.sfn.send(new SendTaskFailureCommand({ taskToken: token, error, cause }));
      return true;
    } catch (e) {
      if (benign.has((e as { name?: string }).name ?? '')) return false;
      throw e;
    }
  }
}
