/**
 * Step Functions calls: start a step execution of an order (lib/order-workflow.ts, OrderStep)
 * for a wake (functions/services/wake.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';

/** Execution names allow [A-Za-z0-9-_] and 80 characters; a hash keeps them unique per order. */
export function executionName(store: string, orderId: string): string {
  const slug = (s: string, n: number) => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, n);
  const hash = createHash('sha256').update(`${store}\n${orderId}`).digest('hex').slice(0, 16);
  return `${slug(store, 28)}-${slug(orderId, 24)}-${hash}`;
}

/**
 * The name of one step execution of an order: the order's name and, for the poller's wake, the
 * version its lease took (unique per lease); for any other wake a random tag. Express does not
 * keep names unique (two starts under one name are two executions), so the name is for the logs:
 * which order, and which wake.
 */
export function stepExecutionName(store: string, orderId: string, version?: number): string {
  return `${executionName(store, orderId)}-${version === undefined ? randomBytes(4).toString('hex') : `v${version}`}`;
}

export class WorkflowClient {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  /**
   * Starts a step execution of the order: for the poller's wake that leased it at `version`, or
   * (`version` undefined) for a wake without a lease; one already started under that name counts
   * as started.
   */
  async startStep(store: string, orderId: string, version: number | undefined, cause: string): Promise<'started' | 'exists'> {
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: stepExecutionName(store, orderId, version), input: JSON.stringify({ order: { store, orderId }, cause }) }));
      return 'started';
    } catch (e) {
      if ((e as { name?: string }).name === 'ExecutionAlreadyExists') return 'exists';
      throw e;
    }
  }
}
