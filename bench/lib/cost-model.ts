/**
 * Turns what a local run counted into a bill on AWS, per 1,000 orders, with the prices of
 * bench/prices.json. Everything the run can count is counted; the few things it cannot see are
 * modelled, and each such line says how (see docs/BENCHMARKS.md).
 */
import { readFileSync } from 'node:fs';
import type { Usage } from './stack.js';

export interface Price {
  usd: number;
  unit: string;
  published: string;
  source: string;
  note?: string;
}

export interface Prices {
  region: string;
  checked: string;
  prices: Record<string, Price>;
  quotas: {
    checked: string;
    source: string;
    openExecutionsPerAccountRegion: number;
    startExecution: { bucket: number; refillPerSecond: number; region: string };
    stateTransition: { bucket: number; refillPerSecond: number; region: string };
    sendTaskSuccess: { bucket: number; refillPerSecond: number };
  };
}

export function loadPrices(file: URL | string): Prices {
  return JSON.parse(readFileSync(file, 'utf8')) as Prices;
}

export interface CostLine {
  service: string;
  /** What was counted, per order. */
  perOrder: number;
  unit: string;
  /** Dollars per 1,000 orders. */
  per1000: number;
  /** Part of the all-in target (false: shown for information). */
  inTarget: boolean;
}

/** Lambda bills each invocation's duration rounded up to the next millisecond: +0.5 ms on average. */
const ROUNDING_MS = 0.5;

export function costPer1000(usage: Usage, orders: number, prices: Prices): { lines: CostLine[]; total: number } {
  const p = (k: string) => {
    const price = prices.prices[k];
    if (!price) throw new Error(`bench/prices.json has no price "${k}"`);
    return price.usd;
  };
  const per = (n: number) => n / orders;
  const k = 1000;
  const invocations = Object.values(usage.lambda).reduce((n, l) => n + l.invocations, 0);
  const gbSeconds = Object.values(usage.lambda).reduce((n, l) => n + ((l.totalMs + ROUNDING_MS * l.invocations) / 1000) * (l.memoryMb / 1024), 0);
  // Sends counted at the SQS API (the meter); the event source mapping's receives and deletes
  // happen inside Lambda's poller: one ReceiveMessage and one DeleteMessageBatch per batch.
  const sqsRequests = Object.values(usage.sqs.requests).reduce((a, b) => a + b, 0) + 2 * usage.sqs.esmBatches;
  // Traces if every request were sampled: one per webhook or page request, per router batch,
  // per execution and per SES event notification.
  const traces = usage.httpRequests + usage.sqs.esmBatches + usage.executions + usage.sesEvents;
  const lines: CostLine[] = [
    { service: 'Step Functions Standard (billed transitions)', perOrder: per(usage.billedTransitions), unit: 'transitions', per1000: per(usage.billedTransitions) * k * p('stepFunctionsStandardPerTransition'), inTarget: true },
    { service: 'Lambda requests', perOrder: per(invocations), unit: 'invocations', per1000: per(invocations) * k * p('lambdaPerRequest'), inTarget: true },
    { service: 'Lambda duration (arm64)', perOrder: per(gbSeconds), unit: 'GB-s', per1000: per(gbSeconds) * k * p('lambdaArmPerGbSecond'), inTarget: true },
    { service: 'DynamoDB writes (on-demand)', perOrder: per(usage.dynamo.wru), unit: 'WRU', per1000: per(usage.dynamo.wru) * k * p('dynamoDbOnDemandPerWru'), inTarget: true },
    { service: 'DynamoDB reads (on-demand)', perOrder: per(usage.dynamo.rru), unit: 'RRU', per1000: per(usage.dynamo.rru) * k * p('dynamoDbOnDemandPerRru'), inTarget: true },
    { service: 'SES emails (a la carte)', perOrder: per(usage.emails), unit: 'emails', per1000: per(usage.emails) * k * p('sesPerEmail'), inTarget: true },
    { service: 'HTTP API requests', perOrder: per(usage.httpRequests), unit: 'requests', per1000: per(usage.httpRequests) * k * p('httpApiPerRequest'), inTarget: true },
    { service: 'SQS requests', perOrder: per(sqsRequests), unit: 'requests', per1000: per(sqsRequests) * k * p('sqsStandardPerRequest'), inTarget: true },
    { service: 'SNS publishes (SES events)', perOrder: per(usage.sesEvents), unit: 'publishes', per1000: per(usage.sesEvents) * k * p('snsPerPublish'), inTarget: true },
    { service: 'CloudWatch Logs ingestion', perOrder: per(usage.logBytes) / 1024, unit: 'KB', per1000: (per(usage.logBytes) / 1024 ** 3) * k * p('cloudWatchLogsPerGbIngested'), inTarget: false },
    { service: 'X-Ray, if every trace were recorded', perOrder: per(traces), unit: 'traces', per1000: per(traces) * k * p('xrayPerTraceRecorded'), inTarget: false },
  ];
  return { lines, total: lines.filter((l) => l.inTarget).reduce((n, l) => n + l.per1000, 0) };
}
