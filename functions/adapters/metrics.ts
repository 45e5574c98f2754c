/** Powertools metrics, one per process, for ingest (notify's EmailsSent is a log metric filter: lib/monitoring.ts). */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'postpurchase', serviceName: 'postpurchase' });

export { MetricUnit };
