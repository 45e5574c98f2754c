/**
 * Lambda entry: the timers poller, run every minute by an EventBridge schedule. Wakes every
 * order whose timer is due (functions/services/timers.ts): a wait's deadline, an unsettled
 * claim's settle end, or a wake whose step never recorded what came next.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { ScheduledEvent } from 'aws-lambda';
import * as z from 'zod';
import { ENV, readEnv } from './adapters/env.js';
import { workflowDeps } from './adapters/wiring.js';
import { logger } from './adapters/observability.js';
import { pollTimers } from './services/timers.js';

const env = readEnv(
  z.object({
    [ENV.tableName]: z.string().min(1),
    [ENV.stateMachineArn]: z.string().min(1),
    [ENV.retentionDays]: z.coerce.number().int().positive().default(400),
  }),
);
const deps = workflowDeps(env);

async function timersHandler(_event: ScheduledEvent): Promise<{ due: number; woken: number }> {
  const result = await pollTimers(deps);
  if (result.due > 0) logger.info('timers due', { ...result });
  return result;
}

export const handler = middy(timersHandler).use(injectLambdaContext(logger));
