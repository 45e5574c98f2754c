/**
 * The dependencies several entries build the same way, created once per process: the
 * DynamoDB document client, and what settling a workflow's waiting state needs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { OrderStore } from './order-store.js';
import { WorkflowClient } from './workflow-client.js';
import { clock, storeLookup, storesFromEnv } from './runtime-config.js';

export function documentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
}

/** Orders, the workflow client, the clock and store lookup: what route, await and pages share. */
export function workflowDeps(env: { TABLE_NAME: string; STATE_MACHINE_ARN: string; RETENTION_DAYS: number }, doc = documentClient()) {
  return {
    orders: new OrderStore(doc, env.TABLE_NAME, { clock, retentionDays: env.RETENTION_DAYS }),
    workflow: new WorkflowClient(new SFNClient({}), env.STATE_MACHINE_ARN),
    clock,
    configFor: storeLookup(storesFromEnv()),
  };
}
