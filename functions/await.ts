/** Lambda entry: registers a waiting state's task token (invoked by the state machine with waitForTaskToken). */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import * as z from 'zod';
import { ENV, readEnv } from './adapters/env.js';
import { workflowDeps } from './adapters/wiring.js';
import { asTaskError } from './adapters/transient.js';
import { logger } from './adapters/observability.js';
import { awaitPhase, type AwaitInput } from './services/await-phase.js';

const env = readEnv(
  z.object({
    [ENV.tableName]: z.string().min(1),
    [ENV.stateMachineArn]: z.string().min(1),
    [ENV.retentionDays]: z.coerce.number().int().positive().default(400),
    MAX_STEPS_PER_EXECUTION: z.coerce.number().int().min(2).default(400),
  }),
);
const deps = { ...workflowDeps(env), maxStepsPerExecution: env.MAX_STEPS_PER_EXECUTION };

async function awaitHandler(input: AwaitInput): Promise<{ outcome: string }> {
  // SDK and network failures are retried by the state machine as TransientFailure.
  const outcome = await awaitPhase(input, deps).catch((e: unknown) => {
    throw asTaskError(e);
  });
  logger.info('awaiting', { store: input.order.store, orderId: input.order.orderId, phase: input.phase, outcome });
  return { outcome };
}

export const handler = middy(awaitHandler).use(injectLambdaContext(logger));
